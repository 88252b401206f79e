/** The borrower web app: sign in through the partner backend, then one screen per journey state from `view()`. */
import { createElement as h, useEffect, useMemo, useRef, useState } from "react";
import type { BorrowerClient } from "../../client/index.js";
import { useJourney, useJourneyRuntime } from "../../react/index.js";
import type { JourneyRuntime } from "../../runtime/index.js";
import { borrowerClientFor, journeyRuntimeFor, type SessionHolder } from "./connection.js";
import { createTransitionLog, DevPanel, type TransitionLog } from "./dev-panel.js";
import { EndedScreen } from "./screens/ended-screen.js";
import { LoanScreen } from "./screens/loan-screen.js";
import { OffersScreen } from "./screens/offers-screen.js";
import { ProfileScreen } from "./screens/profile-screen.js";
import { SignInScreen } from "./screens/sign-in-screen.js";
import { ErrorBanner, StatusBar } from "./screens/status-bar.js";
import { StepScreen } from "./screens/step-screen.js";
import { WaitingScreen } from "./screens/waiting-screen.js";
import { resumeSession, SessionError, type SignedIn, savedSession, signIn, signOut } from "./session.js";

/** Where the borrower came back from a hosted page (`/return?status=…`), read once when the page loads. */
export interface ReturnFromHosted {
  /** The step the borrower left for (saved before leaving), if known. */
  readonly stepID: string | null;
  /** The hosted page's hint (`completed` or `failed`); the platform's answer is what counts. */
  readonly status: string | null;
}

const STEP_SCREENS = new Set(["bankStatements", "kyc", "bankMandate", "eMandate", "loanAgreement"]);

interface JourneyProps {
  readonly runtime: JourneyRuntime;
  readonly log: TransitionLog;
  readonly client: BorrowerClient;
  readonly returned: ReturnFromHosted | null;
  readonly onStartOver: () => void;
}

function JourneyScreens({ runtime, log, client, returned, onStartOver }: JourneyProps) {
  const view = useJourney(runtime);
  const [chosenOfferID, setChosenOfferID] = useState<string | null>(null);
  const [devPanel, setDevPanel] = useState(false);
  const confirmed = useRef(false);
  useEffect(() => {
    if (returned === null || confirmed.current) return;
    confirmed.current = true;
    const current = runtime.view();
    const stepID = current.actionRequired?.stepID;
    // Confirm only the step the borrower left for: a stale return must not act on a later step.
    if (
      current.can.confirmReturn &&
      stepID !== undefined &&
      (returned.stepID === null || returned.stepID === stepID)
    )
      runtime.send({ type: "step.returned", stepID });
  }, [runtime, returned]);

  let screen: ReturnType<typeof h>;
  if (view.screen === "profile") screen = h(ProfileScreen, { view, runtime });
  else if (view.screen === "offers")
    screen = h(OffersScreen, { view, runtime, chosenOfferID, onChoose: setChosenOfferID });
  else if (STEP_SCREENS.has(view.screen)) screen = h(StepScreen, { view, runtime });
  else if (view.screen === "disbursed") screen = h(LoanScreen, { view, client });
  else if (view.screen === "rejected" || view.screen === "expired" || view.screen === "closed")
    screen = h(EndedScreen, { view, onStartOver });
  else screen = h(WaitingScreen, { view });
  const lostLock =
    view.screen !== "offers" &&
    chosenOfferID !== null &&
    view.lockedOfferID !== null &&
    view.lockedOfferID !== chosenOfferID;
  return h(
    "div",
    null,
    h(StatusBar, { view }),
    h(ErrorBanner, { view, runtime }),
    lostLock
      ? h(
          "p",
          { className: "notice", role: "alert", "data-testid": "lock-notice" },
          `Another offer (${view.offers.find((o) => o.locked)?.lender.name ?? "from another lender"}) is already locked for this application; we continue with that one.`,
        )
      : null,
    h("main", { "data-screen": view.screen, "data-journey-id": view.journeyID }, screen),
    h(
      "button",
      {
        type: "button",
        className: "link dev-toggle",
        "aria-expanded": devPanel,
        onClick: () => setDevPanel(!devPanel),
      },
      devPanel ? "Hide developer panel" : "Developer panel",
    ),
    devPanel ? h(DevPanel, { runtime, log }) : null,
  );
}

function SignedInJourney({
  signedIn,
  returned,
  onStartOver,
}: { signedIn: SignedIn } & Omit<JourneyProps, "runtime" | "client" | "log">) {
  const holder = useMemo<SessionHolder>(() => ({ current: signedIn.session }), [signedIn]);
  const client = useMemo(() => borrowerClientFor(holder), [holder]);
  // One log per signed-in journey (this component is keyed by it).
  const [log] = useState(createTransitionLog);
  const runtime = useJourneyRuntime(
    () =>
      journeyRuntimeFor(
        client,
        holder,
        signedIn.initial,
        (error) => console.warn("[journey]", error),
        log.record,
      ),
    [client, holder, signedIn, log],
  );
  if (runtime === null) return h("p", { className: "muted" }, "Starting…");
  return h(JourneyScreens, { runtime, log, client, returned, onStartOver });
}

function messageOf(error: unknown, resuming: boolean): string {
  if (error instanceof SessionError && error.status === 401)
    return resuming ? "Your sign-in has expired. Sign in again to continue." : error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The app: resumes a saved session with its app token (the backend resumes the open journey), else asks the
 * borrower to sign in; once signed in, says as whom, with a sign-out that revokes the token.
 */
export function App({ returned }: { returned: ReturnFromHosted | null }) {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [busy, setBusy] = useState(false);
  const [resuming, setResuming] = useState(() => savedSession() !== null);
  const [failure, setFailure] = useState<string | null>(null);

  const settle = (attempt: Promise<SignedIn>, resumed: boolean) => {
    setBusy(true);
    setFailure(null);
    attempt.then(
      (next) => {
        setSignedIn(next);
        setBusy(false);
        setResuming(false);
      },
      (error: unknown) => {
        setFailure(messageOf(error, resumed));
        setBusy(false);
        setResuming(false);
      },
    );
  };
  const leave = () => {
    if (signedIn !== null) void signOut(signedIn.session);
    setSignedIn(null);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: resume once, on load.
  useEffect(() => {
    const saved = savedSession();
    if (saved !== null) settle(resumeSession(saved), true);
  }, []);

  const body =
    signedIn === null
      ? resuming
        ? h("p", { className: "muted", "data-screen": "resuming" }, "Resuming your application…")
        : h(SignInScreen, {
            busy,
            failure,
            onSignIn: (borrowerExternalID, password) => settle(signIn(borrowerExternalID, password), false),
          })
      : h(SignedInJourney, {
          key: signedIn.session.journeyID + signedIn.session.appToken,
          signedIn,
          returned,
          onStartOver: leave,
        });
  return h(
    "div",
    { className: "shell" },
    h(
      "header",
      { className: "brand" },
      h("h1", null, "Acme Credit"),
      h("span", { className: "muted" }, "Personal loans · sandbox"),
      signedIn === null
        ? null
        : h(
            "span",
            { className: "account" },
            h(
              "span",
              { className: "muted", "data-testid": "signed-in" },
              `Signed in as ${signedIn.session.borrowerExternalID}`,
            ),
            h("button", { type: "button", className: "link", onClick: leave }, "Sign out"),
          ),
    ),
    body,
  );
}
