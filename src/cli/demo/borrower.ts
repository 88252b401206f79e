import type { Profile } from "../../contract/index.js";
import type { JourneyRuntime, JourneyView } from "../../runtime/index.js";

/** What a borrower does next on a screen. */
export type BorrowerMove = "profile" | "offer" | "start" | "redirect" | "form" | "document" | "resume";

/** What the borrower does on this screen, or `null` to wait for the platform. Pure. */
export function nextMove(view: JourneyView): BorrowerMove | null {
  if (view.isEnded || view.status === "DISBURSED") return null;
  if (view.can.submitProfile) return "profile";
  if (view.can.selectOffer) return "offer";
  if (view.can.resume) return "resume";
  if (view.can.startStep) return "start";
  if (view.can.confirmReturn) return "redirect";
  if (view.can.submitStep) return view.resource?.type === "DOCUMENT" ? "document" : "form";
  return null;
}

/**
 * Opens a hosted REDIRECT page as a browser would, presses Complete, and follows the way back to `returnUrl`.
 * @throws {HostedPageError} when the page does not open (`why: "used"` when its link was already used).
 * @throws {Error} when its completion does not answer as the hosted page should.
 */
export async function completeHostedPage(url: string, returnUrl: string): Promise<void> {
  const page = await fetch(url);
  const html = await page.text();
  if (page.status === 410 && html.includes("<title>Link used"))
    throw new HostedPageError(url, page.status, "used");
  if (page.status !== 200) throw new HostedPageError(url, page.status, "failed");
  const done = await fetch(`${url}/complete`, { method: "POST", redirect: "manual" });
  await done.text();
  const location = done.headers.get("location") ?? "";
  if (done.status !== 303 || !location.startsWith(returnUrl)) {
    throw new Error(`hosted completion answered ${done.status} → ${location}`);
  }
}

/** A hosted page that could not be completed: `used` when its link was already used (completed elsewhere). */
export class HostedPageError extends Error {
  readonly status: number;
  readonly why: "used" | "failed";

  constructor(url: string, status: number, why: "used" | "failed") {
    super(`hosted page ${url} answered ${status}${why === "used" ? " (link already used)" : ""}`);
    this.name = "HostedPageError";
    this.status = status;
    this.why = why;
  }
}

/** The borrower's choices; the defaults play a decisive borrower, `--interactive` asks a person. */
export interface BorrowerChoices {
  /** The profile to submit. */
  profile(): Profile;
  /** Which offer to proceed: an id among the selectable ones. */
  pickOffer(view: JourneyView): Promise<string>;
  /** Completes a hosted REDIRECT page and comes back (default: {@link completeHostedPage}). */
  completeRedirect(url: string, returnUrl: string): Promise<void>;
  /** Values for a FORM step, by field name. */
  formData(view: JourneyView): Record<string, string | number | boolean>;
}

/** Options of {@link playBorrower}. */
export interface PlayOptions {
  readonly choices: BorrowerChoices;
  /** When to stop (default: the journey ended or was disbursed). */
  readonly until?: (view: JourneyView) => boolean;
  /** Moves this borrower never makes (e.g. `offer` for one who lets the offers lapse); default none. */
  readonly skips?: readonly BorrowerMove[];
  /** Hears each move, for the timeline. */
  readonly onMove?: (move: BorrowerMove | "retry", view: JourneyView) => void;
  /** Stops playing (rejects with the runtime's `JourneyWaitError` ABORTED). */
  readonly signal?: AbortSignal;
}

function settled(view: JourneyView): boolean {
  return !view.isLoading && view.pendingMutation === null && !view.isRefetching;
}

/**
 * Plays a borrower on a live runtime until `until` holds: each move waits for the screen to change (a snapshot
 * newer than the one acted on), as a person waits, then does what the screen asks.
 * @throws {JourneyWaitError} (rejects) when the runtime stops, the journey ends before `until`, or `signal` aborts.
 * @throws {Error} (rejects) whatever a choice callback or a hosted page throws.
 */
export async function playBorrower(runtime: JourneyRuntime, options: PlayOptions): Promise<JourneyView> {
  const until = options.until ?? ((v: JourneyView) => v.isEnded || v.status === "DISBURSED");
  const skips = new Set(options.skips ?? []);
  const wants = (v: JourneyView) => {
    const move = nextMove(v);
    return move !== null && !skips.has(move);
  };
  const wait = options.signal ? { signal: options.signal } : {};
  let actedAt = -1;
  const ready = (v: JourneyView) =>
    until(v) || (settled(v) && (v.can.retry || (v.asOf > actedAt && wants(v))));
  for (;;) {
    const view = await runtime.waitFor(ready, wait);
    if (until(view)) return view;
    if (view.can.retry) {
      options.onMove?.("retry", view);
      runtime.send({ type: "mutation.retry" });
      continue;
    }
    const move = nextMove(view);
    if (move === null || skips.has(move)) continue;
    actedAt = view.asOf;
    options.onMove?.(move, view);
    await perform(runtime, move, view, options.choices);
  }
}

async function perform(
  runtime: JourneyRuntime,
  move: BorrowerMove,
  view: JourneyView,
  choices: BorrowerChoices,
) {
  switch (move) {
    case "profile":
      runtime.send({ type: "profile.submit", profile: choices.profile(), bureauConsent: true });
      return;
    case "offer":
      runtime.send({ type: "offer.select", offerID: await choices.pickOffer(view) });
      return;
    case "start":
      runtime.send({ type: "step.start" });
      return;
    case "redirect":
      if (view.resource?.type === "REDIRECT") {
        await choices.completeRedirect(view.resource.url, view.resource.returnUrl);
        runtime.send({ type: "step.returned" });
      }
      return;
    case "form":
      runtime.send({ type: "step.submit", data: choices.formData(view) });
      return;
    case "document":
      runtime.send({ type: "step.submit", data: { accepted: true } });
      return;
    case "resume":
      runtime.send({ type: "journey.resume" });
      return;
  }
}
