import type { JourneyState } from "../../machines/journey/index.js";
import type { Clock } from "../contract/clock.js";
import { CreditJourneyError } from "../contract/errors.js";
import { isSameState, type JourneySnapshot } from "../contract/index.js";
import { versioned } from "../journey/state-version.js";
import type { CancelTimer, RuntimeClock } from "../runtime/clock.js";
import { isHoldingAnomaly, type JourneyReader, runServerCommands } from "./commands.js";
import { stateAfterPoll, storedSnapshot } from "./journey-record.js";
import { reducerMade } from "./store/checked.js";
import { StoreInputError } from "./store/errors.js";
import { checkStoredJourney } from "./store/record.js";
import type { JourneyStore, LeasedJourney, LeaseHeld } from "./store/types.js";
import { backgroundClock, every, isRuntimeClock, MAX_TIMER_MS } from "./timers.js";

/** Options of {@link createReconciler}. */
export interface ReconcilerOptions {
  /** Where the journeys live; its `leaseStale` (else `listStale`) is the work list. */
  readonly store: JourneyStore;
  /**
   * Reads a journey's current snapshot with the partner's read scope (e.g. `partnerClient.getJourneyState`). Its
   * `signal` aborts once the pass's lease ends (`leaseMs`): pass it on, and a read that outlasts the pass stops.
   */
  readonly fetchState: (
    journeyID: string,
    options: { readonly signal: AbortSignal },
  ) => Promise<JourneySnapshot>;
  /**
   * Reads a whole journey (e.g. `partnerClient.getJourney`): what settles a held anomaly (a snapshot on an edge the
   * lifecycle does not expect, held until the platform's whole journey confirms it). Without it such a journey
   * is reported `failed` with a {@link HeldAnomalyError}, never `current`.
   */
  readonly fetchJourney?: JourneyReader;
  /**
   * Applies a fetched snapshot; returns whether it was newer. Default: the journey reducer over the stored state,
   * written with an order-guarded `store.applySnapshot` (by the order key alone: without the webhook handler's
   * compare-and-set on the row it read).
   */
  readonly apply?: (snapshot: JourneySnapshot) => Promise<boolean>;
  /**
   * Called after a fetched snapshot was written (e.g. `feed.notify` or `relay.publish`, as the webhook handler's
   * `onSnapshot`). What it throws is reported in the pass's `failed`; the write stands.
   */
  readonly onSnapshot?: (snapshot: JourneySnapshot) => void | Promise<void>;
  /** A journey not updated for this long is re-fetched (default 60,000 ms). */
  readonly staleAfterMs?: number;
  /**
   * With a store that leases (`leaseStale`: the shipped ones do), how long a pass holds the journeys it took, so
   * reconcilers on other workers leave them alone (default `staleAfterMs`). A journey found current is released
   * at once, and so is one whose fetch failed (retried next pass); a dead worker's are taken again when their
   * leases run out. A pass lasts at most this long, with any store: a journey still being read when it ends is
   * reported with a {@link ReconcileTimeoutError}, and those not yet taken are left to the next pass.
   */
  readonly leaseMs?: number;
  /** At most this many fetches at once (default 4). */
  readonly concurrency?: number;
  /** At most this many journeys per pass (default 100). */
  readonly batchSize?: number;
  /** The time (default `clock.now`, else `Date.now`). */
  readonly now?: Clock["now"];
  /**
   * The timers of `start`'s passes, and the time when `now` is not given (default: `Date.now` and timers that do
   * not keep the process alive). A manual clock drives the passes in tests.
   */
  readonly clock?: RuntimeClock;
}

/** What one reconciliation pass did. */
export interface ReconcileReport {
  /** Stale journeys looked at. */
  readonly checked: number;
  /** Journeys the platform had moved on: the newer snapshot was applied. */
  readonly updated: number;
  /** Journeys found current: marked fresh so they leave the stale list for a while. */
  readonly current: number;
  /**
   * Journeys whose fetch or apply failed, with the error; they stay stale and are retried next pass (their lease,
   * if any, given back). Also those written whose follow-up failed (a read the new state asked for, `onSnapshot`):
   * the write stands, stored incomplete when a read failed, and the next delivery or pass completes it. One the
   * platform answered with what no store can hold (a `StoreInputError`: a NUL or a lone surrogate in a string)
   * fails the same way every time: it is marked checked (`touch`), so it is read again only once stale again.
   */
  readonly failed: readonly { readonly journeyID: string; readonly error: unknown }[];
}

/** The stale-journey poller: the seed's "poll for active sessions when needed", beside webhooks. */
export interface Reconciler {
  /**
   * Runs one pass: lists stale non-ended journeys and re-fetches them, at most `concurrency` at a time.
   * Per-journey failures are reported, not thrown.
   * @throws {StoreInputError | StoreClosedError} when the store cannot list (rejects).
   */
  runOnce(): Promise<ReconcileReport>;
  /**
   * Runs a pass every `intervalMs` until {@link Reconciler.stop}; `onReport` sees each pass (and each list failure).
   * @throws {ReconcilerConfigError} when `intervalMs` is not a positive number of ms up to 2³¹−1, or `onReport` not
   *   a function. What `onReport` throws is ignored.
   */
  start(intervalMs: number, onReport?: (report: ReconcileReport | { error: unknown }) => void): void;
  /**
   * Stops the periodic passes; resolves once a pass in flight has finished and its report was told (an async
   * `onReport` is not awaited, so one may call `stop()` itself). Never rejects.
   */
  stop(): Promise<void>;
}

/**
 * A journey holds an anomaly (a snapshot on an edge the lifecycle does not expect) that only the whole journey can
 * settle, and the reconciler has no `fetchJourney`: reported in `failed`, so the journey is never counted current.
 */
export class HeldAnomalyError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "HeldAnomalyError" as const;
  /** The journey that waits. */
  readonly journeyID: string;

  constructor(journeyID: string) {
    super(
      `journey ${journeyID} holds a snapshot on an unexpected edge; give createReconciler a fetchJourney ` +
        "(partnerClient.getJourney) to settle it from the whole journey",
    );
    this.name = "HeldAnomalyError";
    this.journeyID = journeyID;
  }
}

/**
 * A journey's reconciliation (its reads, the partner's `apply`) outlasted the pass's lease (`leaseMs`): reported
 * in `failed` and retried next pass, by whichever worker then leases it. What it was waiting for is not awaited:
 * its reads are aborted (the `signal` of `fetchState` and `fetchJourney`), and nothing is written after.
 */
export class ReconcileTimeoutError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "ReconcileTimeoutError" as const;
  /** The journey whose reconciliation was given up. */
  readonly journeyID: string;

  constructor(journeyID: string, leaseMs: number) {
    super(
      `reconciling journey ${journeyID} outlasted the pass's lease (${leaseMs} ms); it is retried next pass`,
    );
    this.name = "ReconcileTimeoutError";
    this.journeyID = journeyID;
  }
}

/** A configuration fault of {@link createReconciler}, naming the option; raised when it is created. */
export class ReconcilerConfigError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "ReconcilerConfigError" as const;
  /** The option at fault. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`createReconciler: ${field} ${message}`);
    this.name = "ReconcilerConfigError";
    this.field = field;
  }
}

/** The lease a journey was taken under, when the store named a valid one: what `touch` and `releaseLease` end. */
function leaseOf(journey: LeasedJourney): LeaseHeld | undefined {
  const until = journey.leasedUntil;
  return until instanceof Date && !Number.isNaN(until.getTime()) ? { leasedUntil: until } : undefined;
}

function checkReconcilerOptions(options: ReconcilerOptions): void {
  if (typeof options !== "object" || options === null)
    throw new ReconcilerConfigError("options", "must be an object with store and fetchState");
  const store = options.store as Partial<JourneyStore> | undefined;
  for (const method of ["listStale", "get", "touch", "applySnapshot"] as const)
    if (typeof store?.[method] !== "function")
      throw new ReconcilerConfigError("store", `must be a JourneyStore (it has no ${method})`);
  checkReconcilerSettings(options);
}

/**
 * Checks the reconciler's options but its store (a worker checks them before it opens its store).
 * @throws {ReconcilerConfigError} naming a malformed option.
 */
export function checkReconcilerSettings(options: Omit<ReconcilerOptions, "store">): void {
  for (const name of ["fetchState", "fetchJourney", "apply", "onSnapshot", "now"] as const)
    if ((name === "fetchState" || options[name] !== undefined) && typeof options[name] !== "function")
      throw new ReconcilerConfigError(name, "must be a function");
  if (options.clock !== undefined && !isRuntimeClock(options.clock))
    throw new ReconcilerConfigError("clock", "must be a clock with now() and setTimeout(fn, ms)");
  for (const name of ["staleAfterMs", "leaseMs", "concurrency", "batchSize"] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0))
      throw new ReconcilerConfigError(name, "must be a positive integer");
  }
}

/**
 * Creates a {@link Reconciler} over a store and the partner client's read scope.
 * @throws {ReconcilerConfigError} naming a missing or malformed option.
 */
export function createReconciler(options: ReconcilerOptions): Reconciler {
  checkReconcilerOptions(options);
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  const leaseMs = options.leaseMs ?? staleAfterMs;
  const concurrency = options.concurrency ?? 4;
  const batchSize = options.batchSize ?? 100;
  const clock = options.clock ?? backgroundClock;
  const now = options.now ?? (() => clock.now());
  /**
   * Applies a fetched snapshot: the partner's `apply`, or the journey reducer over the stored state with what it
   * asks for next run, written with an order-guarded `applySnapshot`. Says whether it was written, and the
   * follow-up that failed after the write (a read the new state asked for, a held anomaly with no reader).
   */
  async function settle(
    snapshot: JourneySnapshot,
    signal: AbortSignal,
  ): Promise<{ written: boolean; published: JourneySnapshot; failed?: { error: unknown } }> {
    if (options.apply) return { written: await options.apply(snapshot), published: snapshot };
    const { journeyID } = snapshot;
    // Checked whatever the store (a store of the partner's own may hand back anything): a corrupt state is
    // rebuilt from the held snapshot, a corrupt record from the fetched one, another journey's never continued.
    const held = checkStoredJourney(journeyID, await options.store.get(journeyID))?.journey;
    const state = stateAfterPoll(held, snapshot, now());
    // What the state asks for next (a held anomaly's re-fetch, the offers), run as every host runs it.
    const run = await runServerCommands(state, options.fetchJourney, now, signal);
    // Given up (the pass's lease ended while reading): nothing is written, the report already says so.
    signal.throwIfAborted();
    const failedRead =
      run.outstanding !== null && run.outstanding !== "noReader" ? run.outstanding : undefined;
    const holding = isHoldingAnomaly(run.state);
    // Stored stamped with the reducer state's version, so a later SDK can migrate it (STATE_VERSION).
    // What is stored is what is told, as the webhook handler tells it: never a snapshot the reducer refused.
    const published = storedSnapshot(snapshot, run.state);
    const written = await options.store.applySnapshot({
      snapshot: published,
      state: reducerMade(versioned(run.state)),
      // Incomplete while an anomaly is held or a read the state asks for failed: a later pass completes it.
      complete: !holding && failedRead === undefined,
    });
    if (failedRead) return { written, published, failed: failedRead };
    // Still held: the whole journey decides, and there is no reader for it.
    if (holding) return { written, published, failed: { error: new HeldAnomalyError(journeyID) } };
    return { written, published };
  }
  let cancelPasses: CancelTimer | undefined;
  let running: Promise<unknown> | undefined;

  // A later answer that says what is held is written too (its `asOf` makes older deliveries stale), but it is
  // no update.
  async function reconcile(
    held: LeasedJourney,
    leaseEnds: number,
    signal: AbortSignal,
  ): Promise<"updated" | "current"> {
    const snapshot = await options.fetchState(held.journeyID, { signal });
    signal.throwIfAborted();
    // A row stored incomplete (a held anomaly, a read that failed) is settled even when the platform's state is
    // no newer than the row: it is not current. (Only the default apply settles one; a partner's own `apply`
    // owns what it writes.)
    const unsettled =
      options.apply === undefined &&
      (isHoldingAnomaly(held.state as JourneyState | null) || held.complete === false);
    if (snapshot.asOf > held.asOf || unsettled) {
      const { written, published, failed } = await settle(snapshot, signal);
      // What was written is told even when a follow-up failed: the write stands.
      if (written) await options.onSnapshot?.(published);
      if (failed) throw failed.error;
      if (written) return isSameState(held.snapshot, snapshot) && !unsettled ? "current" : "updated";
    }
    // Marked checked (which gives the lease back) only within the pass's lease, and naming the lease (a store
    // that names its leases keeps another worker's, taken after this one ran out, even when clocks disagree).
    if (now() < leaseEnds) await options.store.touch(held.journeyID, leaseOf(held));
    return "current";
  }

  /**
   * `reconcile`, given up with a {@link ReconcileTimeoutError} once the pass's lease ends: its reads are aborted
   * with that error, and it writes nothing after.
   */
  function reconcileWithinLease(held: LeasedJourney, leaseEnds: number): Promise<"updated" | "current"> {
    const giveUp = new AbortController();
    let cancel: CancelTimer = () => {};
    const expired = new Promise<never>((_, reject) => {
      cancel = clock.setTimeout(() => {
        const timeout = new ReconcileTimeoutError(held.journeyID, leaseMs);
        reject(timeout);
        giveUp.abort(timeout);
      }, leaseEnds - now());
    });
    return Promise.race([reconcile(held, leaseEnds, giveUp.signal), expired]).finally(cancel);
  }

  async function runOnce(): Promise<ReconcileReport> {
    // The pass's leases (and, with a store that does not lease, the pass itself) last `leaseMs` from here.
    const leaseEnds = now() + leaseMs;
    const list = { olderThan: new Date(now() - staleAfterMs), limit: batchSize };
    // Leased where the store can: each stale journey goes to one worker, whatever number share the store.
    const stale = options.store.leaseStale
      ? await options.store.leaseStale({ ...list, leaseMs })
      : await options.store.listStale(list);
    let updated = 0;
    let current = 0;
    const failed: { journeyID: string; error: unknown }[] = [];
    let next = 0;
    async function worker(): Promise<void> {
      // Past the pass's lease, the journeys not yet taken are no longer this pass's: another worker may have
      // leased them. They are left to the next lease (not released: that would end another worker's).
      while (next < stale.length && now() < leaseEnds) {
        const journey = stale[next++]!;
        try {
          if ((await reconcileWithinLease(journey, leaseEnds)) === "updated") updated++;
          else current++;
        } catch (error) {
          failed.push({ journeyID: journey.journeyID, error });
          // Past the pass's lease another worker may hold the journey now: neither touched nor released (either
          // would end that worker's lease); it is taken again when stale and unleased.
          if (now() >= leaseEnds) continue;
          // What no store can hold fails alike on every read: read again once stale again, not every pass.
          if (error instanceof StoreInputError)
            await options.store.touch(journey.journeyID, leaseOf(journey)).catch(() => false);
          // Retried next pass, by whichever worker: the lease is given back (a dead worker's runs out instead).
          else await options.store.releaseLease?.(journey.journeyID, leaseOf(journey)).catch(() => false);
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, stale.length) }, worker));
    return { checked: next, updated, current, failed };
  }

  return {
    runOnce,
    start(intervalMs, onReport) {
      if (cancelPasses) return;
      if (!(Number.isFinite(intervalMs) && intervalMs > 0 && intervalMs <= MAX_TIMER_MS))
        throw new ReconcilerConfigError(
          "intervalMs",
          `must be a positive number of milliseconds up to ${MAX_TIMER_MS}`,
        );
      if (onReport !== undefined && typeof onReport !== "function")
        throw new ReconcilerConfigError("onReport", "must be a function");
      // The report is told, not awaited: an async onReport that stops the reconciler must not wait on itself.
      // What it throws or rejects with has nowhere else to go; it must not end the process unhandled.
      const tell = (report: ReconcileReport | { error: unknown }) => {
        const told: unknown = onReport?.(report);
        if (told instanceof Promise) told.catch(() => {});
      };
      cancelPasses = every(clock, intervalMs, () => {
        if (running) return;
        running = runOnce()
          .then(tell, (error: unknown) => tell({ error }))
          .catch(() => {})
          .finally(() => {
            running = undefined;
          });
      });
    },
    async stop() {
      cancelPasses?.();
      cancelPasses = undefined;
      await running;
    },
  };
}
