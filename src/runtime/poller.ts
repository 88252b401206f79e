import type { AnyEventObject } from "xstate";
import { fromCallback } from "xstate";
import type { JourneyEvent, PollInput } from "../../machines/journey/journey.types.js";
import type { BorrowerClient } from "../client/borrower-client.js";
import type { CancelTimer, RuntimeClock } from "./clock.js";
import { readFailure } from "./failures.js";
import type { AppSignals } from "./signals.js";

/** What every polling actor of one runtime shares: the ETag, the time of the last poll, the one poll in flight. */
export interface PollShared {
  etag: string | undefined;
  /** Clock time the last poll was sent, or `null` before the first (or after a restart). */
  lastPollAt: number | null;
  /** A poll is on the wire: no second one starts, whichever actor asks. */
  inFlight: boolean;
  /** The live polling actor, or `null` when the machine is not polling. */
  current: PollerHandle | null;
}

/** The live polling actor's controls. */
export interface PollerHandle {
  /** Polls at once (unless a poll is already on the wire). */
  readonly wake: () => void;
  /** Schedules the next poll one interval after the last. */
  readonly rearm: () => void;
}

/** What the polling actor needs from its runtime. */
export interface PollerDeps {
  readonly client: BorrowerClient;
  readonly clock: RuntimeClock;
  readonly signals: AppSignals;
  readonly shared: PollShared;
  /** Aborts every call when the runtime stops. */
  readonly signal: AbortSignal;
  /** The order key (`asOf`) the machine holds now. */
  readonly heldAsOf: () => number;
  /** Sends an event to the journey actor (stamped by the caller). */
  readonly deliver: (event: JourneyEvent) => void;
}

/** Creates a {@link PollShared} before the first poll. */
export function createPollShared(): PollShared {
  return { etag: undefined, lastPollAt: null, inFlight: false, current: null };
}

/**
 * The `pollJourneyState` actor: a conditional `GET …/state` every `input.inMs` (the machine's cadence), measured
 * from the previous poll so re-arming never stretches an interval. No poll while the app is hidden or offline;
 * `wake()` polls at once (visible again, online again, or `refresh()`). Results go to the journey actor as
 * `snapshot.received` (source `poll`) when newer, `poll.notModified` otherwise (a 304 included),
 * `poll.failed`, or `session.expired` when the session is lost.
 */
export function pollJourneyStateActor(depsOf: (system: unknown) => PollerDeps) {
  return fromCallback<AnyEventObject, PollInput>(({ input, system }) => {
    const deps = depsOf(system);
    const { clock, signals, shared } = deps;
    let stopped = false;
    let cancel: CancelTimer | undefined;

    const schedule = (ms: number): void => {
      cancel?.();
      cancel = undefined;
      if (stopped) return;
      if (ms <= 0) {
        void Promise.resolve().then(tick);
        return;
      }
      cancel = clock.setTimeout(tick, ms);
    };
    const dueIn = (): number =>
      input.inMs <= 0 || shared.lastPollAt === null
        ? 0
        : Math.max(0, shared.lastPollAt + input.inMs - clock.now());

    async function tick(): Promise<void> {
      cancel = undefined;
      // Paused while hidden or offline: nothing is rescheduled; wake() resumes.
      if (stopped || shared.inFlight || !signals.isVisible() || !signals.isOnline()) return;
      shared.inFlight = true;
      shared.lastPollAt = clock.now();
      try {
        await pollOnce(deps, input.journeyID);
      } finally {
        shared.inFlight = false;
      }
      // Whichever poller is live now (this one, or one the result re-armed) schedules the next poll.
      if (!deps.signal.aborted) shared.current?.rearm();
    }
    const handle: PollerHandle = { wake: () => schedule(0), rearm: () => schedule(dueIn()) };
    shared.current = handle;
    schedule(dueIn());
    return () => {
      stopped = true;
      cancel?.();
      if (shared.current === handle) shared.current = null;
    };
  });
}

async function pollOnce(deps: PollerDeps, journeyID: string): Promise<void> {
  const { client, clock, shared } = deps;
  try {
    const result = await client.getJourneyState(journeyID, {
      ...(shared.etag === undefined ? {} : { etag: shared.etag }),
      signal: deps.signal,
    });
    if (deps.signal.aborted) return;
    if (result.etag !== undefined) shared.etag = result.etag;
    if (result.kind === "snapshot" && result.snapshot.asOf > deps.heldAsOf()) {
      deps.deliver({ type: "snapshot.received", snapshot: result.snapshot, source: "poll", at: clock.now() });
    } else {
      deps.deliver({ type: "poll.notModified", at: clock.now() });
    }
  } catch (error) {
    const failure = readFailure(error);
    if (failure.aborted || deps.signal.aborted) return;
    if (failure.sessionLost) {
      deps.deliver({ type: "session.expired", at: clock.now() });
      return;
    }
    deps.deliver({
      type: "poll.failed",
      problem: failure.problem,
      ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
      at: clock.now(),
    });
  }
}
