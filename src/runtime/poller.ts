import type { JourneyHostEvent } from "../journey/events.js";
import type { CancelTimer } from "./clock.js";
import type { CommandDeps } from "./commands.js";
import { readFailure } from "./failures.js";

/** One runtime's poller: the `startPolling` and `stopPolling` commands, and `wake()` for a poll at once. */
export interface Poller {
  /** (Re)arms polling every `inMs` (0: at once), measured from the last poll so re-arming never stretches one. */
  start(journeyID: string, inMs: number): void;
  /** Stops polling; a poll on the wire still reports (the reducer decides what its answer is worth). */
  stop(): void;
  /**
   * Polls at once, when polling; once the poll on the wire is back, if there is one; while backing off
   * (`deps.backingOff`), once the armed interval has run since the last failure came back (a `Retry-After` is
   * never cut short).
   */
  wake(): void;
  /** A read of the journey outside the poller (the re-fetch) came back now: a backoff it arms counts from here. */
  answered(): void;
}

/**
 * Creates the poller of one runtime: a conditional `GET …/state` at the interval the reducer armed, with the ETag
 * it last saw. No poll while the app is hidden or offline; `wake()` resumes. Results go back as events:
 * `snapshot.received` (source `poll`) when news to the state held (`deps.isNews`), `poll.notModified` otherwise (a 304
 * included), `poll.failed`, or `session.expired` when the session is lost. Never throws.
 */
export function createPoller(deps: CommandDeps): Poller {
  const { clock, signals } = deps;
  let etag: string | undefined;
  let lastPollAt: number | null = null;
  /** When the last poll's answer (or failure) arrived: a backoff and its `Retry-After` count from here. */
  let lastAnswerAt: number | null = null;
  let inFlight = false;
  /**
   * A `wake()` heard while a poll was on the wire, or while polling was stopped for a re-read of the journey (a
   * thin push frame, say): it polls once that one is back, or once polling is armed again.
   */
  let wakeWhenBack = false;
  let armed: { journeyID: string; inMs: number } | null = null;
  let cancel: CancelTimer | undefined;
  // Each schedule supersedes the one before: a tick of an older one (a microtask that cannot be cancelled) does nothing.
  let generation = 0;
  let scheduled = false;

  const clear = (): void => {
    cancel?.();
    cancel = undefined;
    generation++;
    scheduled = false;
  };
  const schedule = (ms: number): void => {
    clear();
    if (armed === null) return;
    const mine = generation;
    const run = (): void => void tick(mine);
    scheduled = true;
    if (ms <= 0) void Promise.resolve().then(run);
    else cancel = clock.setTimeout(run, ms);
  };
  const backingOff = (): boolean => deps.backingOff?.() ?? false;
  /**
   * How long until the armed interval has run: from when the last poll left, or, while backing off, from when its
   * failure came back (the time a call spent on the wire never shortens a `Retry-After`).
   */
  const dueIn = (inMs: number): number => {
    const from = backingOff() ? lastAnswerAt : lastPollAt;
    return inMs <= 0 || from === null ? 0 : Math.max(0, from + inMs - clock.now());
  };

  async function tick(mine: number): Promise<void> {
    if (mine !== generation) return;
    cancel = undefined;
    scheduled = false;
    // Paused while hidden or offline: nothing is rescheduled; wake() resumes.
    if (armed === null || inFlight || !signals.isVisible() || !signals.isOnline()) return;
    inFlight = true;
    wakeWhenBack = false;
    lastPollAt = clock.now();
    try {
      await pollOnce(armed.journeyID);
    } finally {
      inFlight = false;
      lastAnswerAt = clock.now();
      const woken = wakeWhenBack;
      wakeWhenBack = false;
      // The answer may have re-armed (or stopped) polling; the next poll follows whatever is armed now, at once if
      // a wake-up came while this one was on the wire (its answer may predate what woke it).
      if (armed !== null && !deps.signal.aborted && !scheduled)
        schedule(woken && !backingOff() ? 0 : dueIn(armed.inMs));
    }
  }

  async function pollOnce(journeyID: string): Promise<void> {
    const at = (): number => clock.now();
    let event: JourneyHostEvent;
    try {
      const result = await deps.client.getJourneyState(journeyID, {
        ...(etag === undefined ? {} : { etag }),
        signal: deps.signal,
      });
      if (result.etag !== undefined) etag = result.etag;
      event =
        result.kind === "snapshot" && deps.isNews(result.snapshot)
          ? { type: "snapshot.received", snapshot: result.snapshot, source: "poll", at: at() }
          : { type: "poll.notModified", at: at() };
    } catch (error) {
      const failure = readFailure(error);
      if (deps.signal.aborted) return;
      event = failure.sessionLost
        ? { type: "session.expired", at: at() }
        : {
            type: "poll.failed",
            problem: failure.problem,
            ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
            at: at(),
          };
    }
    if (!deps.signal.aborted) deps.dispatch(event);
  }

  return {
    start(journeyID, inMs) {
      armed = { journeyID, inMs };
      if (inFlight) clear();
      else {
        const woken = wakeWhenBack;
        wakeWhenBack = false;
        schedule(woken && !backingOff() ? 0 : dueIn(inMs));
      }
    },
    stop() {
      armed = null;
      clear();
    },
    wake() {
      if (armed === null || inFlight) wakeWhenBack = true;
      else schedule(backingOff() ? dueIn(armed.inMs) : 0);
    },
    answered() {
      lastAnswerAt = clock.now();
    },
  };
}
