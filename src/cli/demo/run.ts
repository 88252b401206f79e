import type { InspectionEvent, Observer } from "xstate";
import { createBorrowerClient } from "../../client/index.js";
import type { JourneyStatus } from "../../contract/index.js";
import { type PartnerBackend, startPartnerBackend } from "../../demo/partner-backend.js";
import { CSRF_HEADER, CSRF_HEADER_VALUE, DEMO_PASSWORD } from "../../demo/sign-in.js";
import { createJourney, type JourneyRuntime, type JourneyView, snapshotStream } from "../../runtime/index.js";
import {
  type Sandbox,
  type SandboxFaults,
  SCENARIOS,
  type ScenarioName,
  startSandbox,
} from "../../sandbox/index.js";
import { profileFixture } from "../../testing/fixtures.js";
import { type DeliverySource, formatTimelineEntry, type TimelineEntry } from "../timeline.js";
import { type BorrowerChoices, type BorrowerMove, completeHostedPage, playBorrower } from "./borrower.js";
import { type DemoSummary, formatSummary, SummaryCounter } from "./summary.js";

/** The faults `--faults` turns on: lost responses, 5xx, a rate limit, and duplicated, reordered webhooks. */
export const DEMO_FAULTS: SandboxFaults = {
  errorRate: 0.1,
  lostResponseRate: 0.2,
  webhooks: { duplicateRate: 0.3, reorderWindowMs: 1_500 },
};

/** Platform timings for the demo: short waits, and a short session so a token refresh shows. */
export const DEMO_TIMINGS = {
  shortOfferValidity: 6_000,
  shortJourneyIdleTimeout: 8_000,
  loanClosure: 3_000,
  sessionTtl: 5_000,
} as const;

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The sandbox scenario the borrower plays (default `happy`). */
  readonly scenario?: ScenarioName;
  /** Turn the sandbox's fault injection on ({@link DEMO_FAULTS}, and 10 requests/s per credential). */
  readonly faults?: boolean;
  /** The borrower's choices, when a person makes them (`--interactive`); default: a decisive scripted borrower. */
  readonly choices?: Partial<BorrowerChoices>;
  /** XState's inspection observer (e.g. the Stately inspector's), for `--inspect`. */
  readonly inspect?: Observer<InspectionEvent>;
  /** Print one JSON object a line instead of text. */
  readonly json?: boolean;
  /** Where lines go (default: `console.log`). */
  readonly print?: (line: string) => void;
  /** Gives up after this long (default 120,000 ms). */
  readonly timeoutMs?: number;
}

/** How the demo ended. */
export interface DemoResult {
  /** 0 when the journey ended where its scenario is documented to end; 1 otherwise. */
  readonly exitCode: 0 | 1;
  readonly finalStatus: JourneyStatus | null;
  readonly expectedStatus: JourneyStatus;
  readonly timeline: readonly TimelineEntry[];
  readonly summary: DemoSummary;
}

const DECISIVE: BorrowerChoices = {
  profile: () => profileFixture(),
  pickOffer: async (view) => {
    const selectable = view.offers.filter((o) => o.selectable);
    selectable.sort((a, b) => a.apr - b.apr);
    const best = selectable[0];
    if (!best) throw new Error("no selectable offer");
    return best.id;
  },
  completeRedirect: completeHostedPage,
  formData: () => ({
    accountHolderName: "Asha Rao",
    accountNumber: "123456789012",
    ifsc: "HDFC0001234",
    accountType: "SAVINGS",
  }),
};

/**
 * The main job: starts the sandbox and a partner backend on loopback, then drives a borrower through a whole
 * journey with the live runtime, printing a timeline and a summary. Resolves with how it ended; never rejects
 * (a failure is printed and ends with exit code 1).
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const scenario = SCENARIOS.find((s) => s.name === (options.scenario ?? "happy")) ?? SCENARIOS[0]!;
  const counter = new SummaryCounter();
  const timeline: TimelineEntry[] = [];
  const started = Date.now();
  const emit = (record: Record<string, unknown>, text: string) =>
    print(options.json ? JSON.stringify(record) : text);
  let sandbox: Sandbox | undefined;
  let backend: PartnerBackend | undefined;
  let finalStatus: JourneyStatus | null = null;
  const stopPush = new AbortController();
  let runtime: JourneyRuntime | undefined;
  try {
    sandbox = await startSandbox({
      timings: DEMO_TIMINGS,
      ...(options.faults ? { faults: DEMO_FAULTS, rateLimit: 10 } : {}),
    });
    const platform = sandbox;
    backend = await startPartnerBackend({
      platformUrl: platform.url,
      apiKey: platform.apiKey,
      webhookSecrets: platform.webhookSecret,
      onWebhook: (outcome) => counter.onWebhook(outcome),
    });
    platform.control.addWebhookEndpoint(backend.webhookUrl);
    emit(
      {
        type: "start",
        scenario: scenario.name,
        expected: scenario.end,
        sandbox: platform.url,
        backend: backend.url,
      },
      `credit-journey demo: scenario "${scenario.name}" (expected end ${scenario.end})${options.faults ? ", faults on" : ""}\n` +
        `  sandbox ${platform.url}   partner backend ${backend.url}\n`,
    );

    const session = await appSession(backend.url, `${scenario.externalIdPrefix}-${Date.now().toString(36)}`);
    let token = session.token;
    const client = createBorrowerClient({
      baseUrl: platform.url,
      getSessionToken: () => token,
      refreshSession: async () => {
        token = (await appRefresh(backend!.url, session.appToken)).token;
        return token;
      },
      observer: (event) => counter.onClientEvent(event),
    });
    const sources = new Map<number, DeliverySource>();
    const recordSource: Observer<InspectionEvent> = {
      next(event) {
        options.inspect?.next?.(event);
        if (event.type !== "@xstate.event" || event.event.type !== "snapshot.received") return;
        const { snapshot, source } = event.event as unknown as {
          snapshot: { asOf?: number };
          source: DeliverySource;
        };
        if (typeof snapshot?.asOf === "number" && !sources.has(snapshot.asOf)) {
          sources.set(snapshot.asOf, source);
          if (source === "push") counter.onPush();
        }
      },
    };
    runtime = createJourney({
      client,
      journeyID: session.journeyID,
      initial: session.journey,
      inspect: recordSource,
      push: snapshotStream({
        url: `${backend.url}/push/${session.journeyID}`,
        headers: { authorization: `Bearer ${session.appToken}` },
        signal: stopPush.signal,
      }),
    });
    let lastStatus: JourneyStatus | null = null;
    const report = (view: JourneyView) => {
      if (view.status === null || view.status === lastStatus) return;
      lastStatus = view.status;
      const entry: TimelineEntry = {
        elapsedMs: Date.now() - started,
        status: view.status,
        source: sources.get(view.asOf) ?? "response",
        asOf: view.asOf,
        ...(view.nextAction ? { nextAction: view.nextAction } : {}),
      };
      timeline.push(entry);
      emit({ type: "state", ...entry }, formatTimelineEntry(entry));
    };
    runtime.subscribe(report);
    runtime.start();
    report(runtime.view());

    const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
    const endOf = scenario.end;
    const final = await playBorrower(runtime, {
      choices: { ...DECISIVE, ...options.choices },
      until: (v) => v.isEnded || (endOf === "DISBURSED" && v.status === "DISBURSED"),
      skips: scenarioSkips(scenario.name),
      signal: timeout,
      onMove: (move: BorrowerMove | "retry", view) =>
        emit(
          { type: "move", move, status: view.status, elapsedMs: Date.now() - started },
          `        borrower: ${describeMove(move)}`,
        ),
    });
    finalStatus = final.status;
  } catch (error) {
    emit(
      { type: "error", message: String(error) },
      `demo failed: ${error instanceof Error ? error.message : error}`,
    );
  } finally {
    // Stopped whatever happened: a runtime left polling would keep the process alive after a failure.
    runtime?.stop();
    stopPush.abort();
  }
  const mutationsApplied = sandbox?.control.mutations().length ?? 0;
  const summary = counter.summary(Date.now() - started, mutationsApplied);
  await backend?.close().catch(() => {});
  await sandbox?.close().catch(() => {});
  const exitCode = finalStatus === scenario.end ? 0 : 1;
  emit(
    { type: "summary", ...summary },
    ["", `Ended at ${finalStatus ?? "nothing"} (expected ${scenario.end})`, ...formatSummary(summary)].join(
      "\n",
    ),
  );
  emit({ type: "end", status: finalStatus, expected: scenario.end, exitCode }, "");
  return { exitCode, finalStatus, expectedStatus: scenario.end, timeline, summary };
}

function scenarioSkips(name: ScenarioName): BorrowerMove[] {
  if (name === "offers-expire") return ["offer"];
  if (name === "idle-expiry") return ["profile", "offer", "start", "redirect", "form", "document", "resume"];
  return [];
}

function describeMove(move: BorrowerMove | "retry"): string {
  const words: Record<BorrowerMove | "retry", string> = {
    profile: "submits the profile",
    offer: "selects the offer with the lowest APR",
    start: "starts the step",
    redirect: "completes the hosted page and comes back",
    form: "fills in the bank-mandate form",
    document: "accepts the loan agreement",
    resume: "resumes the journey",
    retry: "retries the failed action",
  };
  return words[move];
}

interface AppSession {
  readonly token: string;
  readonly journeyID: string;
  readonly appToken: string;
  readonly journey: unknown;
}

/** What the borrower's app sends to its backend: JSON, the CSRF header, and the app token once signed in. */
function backendHeaders(appToken?: string): Record<string, string> {
  return {
    "content-type": "application/json",
    [CSRF_HEADER]: CSRF_HEADER_VALUE,
    ...(appToken === undefined ? {} : { authorization: `Bearer ${appToken}` }),
  };
}

/** Signs the borrower in with the sandbox password, then opens their session with the app token it got. */
async function appSession(backendUrl: string, borrowerExternalID: string): Promise<AppSession> {
  const signIn = await fetch(`${backendUrl}/sign-in`, {
    method: "POST",
    headers: backendHeaders(),
    body: JSON.stringify({ borrowerExternalID, password: DEMO_PASSWORD }),
  });
  if (signIn.status !== 200)
    throw new Error(`partner backend /sign-in answered ${signIn.status}: ${await signIn.text()}`);
  const { appToken } = (await signIn.json()) as { appToken: string };
  const res = await fetch(`${backendUrl}/session`, {
    method: "POST",
    headers: backendHeaders(appToken),
    body: JSON.stringify({ borrowerExternalID }),
  });
  if (res.status !== 201)
    throw new Error(`partner backend /session answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as AppSession & { journey?: unknown };
  return { ...body, appToken };
}

async function appRefresh(backendUrl: string, appToken: string): Promise<{ token: string }> {
  const res = await fetch(`${backendUrl}/session/refresh`, {
    method: "POST",
    headers: backendHeaders(appToken),
    body: "{}",
  });
  if (res.status !== 200) throw new Error(`partner backend /session/refresh answered ${res.status}`);
  return (await res.json()) as { token: string };
}
