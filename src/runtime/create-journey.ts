import { connect, type JourneyState, type JourneyView } from "../../machines/journey/journey.connect.js";
import { isBackingOff, isNewsTo } from "../../machines/journey/journey.guards.js";
import { MUTATIONS } from "../../machines/journey/journey.intents.js";
import type { BorrowerClient } from "../client/borrower-client.js";
import { randomId } from "../client/ids.js";
import type { JourneyCommand } from "../journey/commands.js";
import type { JourneyHostEvent } from "../journey/events.js";
import { commandsOf, initialWithCommands, type ReduceResult, reduce } from "../journey/reduce.js";
import { versioned } from "../journey/state-version.js";
import { type JourneyAnalyticsEvent, viewEvents } from "./analytics.js";
import { type RuntimeClock, systemClock } from "./clock.js";
import { type CommandDeps, runCommand } from "./commands.js";
import { JourneyWaitError, RuntimeConfigError, RuntimeStateError } from "./errors.js";
import { createInspection, type Inspect } from "./inspection.js";
import { eventOfIntent, type JourneyIntent, MUTATING_INTENTS } from "./intents.js";
import { isPersistedJourney, type PersistedJourney, restoredState } from "./persist.js";
import { createPoller } from "./poller.js";
import { consumePush } from "./push.js";
import { type AppSignals, browserSignals } from "./signals.js";

/** Options of {@link createJourney}. */
export interface CreateJourneyOptions {
  /** The borrower client (`createBorrowerClient`): it owns fetch, retries, keys on the wire and token refresh. */
  readonly client: BorrowerClient;
  /** The journey to run (its `journeyID`). */
  readonly journeyID: string;
  /**
   * Where to start: a `JourneySnapshot` (e.g. from session bootstrap), or what `persist()` returned before a
   * restart. Absent: the first poll fetches the state at once.
   */
  readonly initial?: unknown;
  /** Time and timers; default {@link systemClock}. */
  readonly clock?: RuntimeClock;
  /** Visibility and reachability; default {@link browserSignals} (steady outside a browser). */
  readonly signals?: AppSignals;
  /** Any async iterable of snapshots (e.g. `snapshotStream(...)`): fed as `push`, and polling relaxes. */
  readonly push?: AsyncIterable<unknown>;
  /** XState's inspection observer (e.g. `createBrowserInspector().inspect`): the Stately inspector shows the actor. */
  readonly inspect?: Inspect;
  /**
   * Hears what the runtime drops (invalid push frames, a failed push stream, an actor error) and, once per lasting
   * reading problem, the `view.error` of origin `sync` (a journey that answers 404, say): not again while it lasts.
   */
  readonly onError?: (error: unknown) => void;
  /** Makes Idempotency-Keys; default Web Crypto `crypto.randomUUID()`. */
  readonly newKey?: () => string;
  /**
   * Hears, for analytics, each state entered, each intent sent (taken or refused) and each error shown
   * ({@link JourneyAnalyticsEvent}: plain data, never tokens or personal data). What it throws goes to `onError`.
   */
  readonly onEvent?: (event: JourneyAnalyticsEvent) => void;
  /**
   * Hears each event the reducer applies, with the commands it produced and whether it was refused (developer
   * tools: the web app's panel draws its timeline from it). The events are the journey's own data, personal data
   * included: for a developer's eyes, not for analytics or logs. What it throws goes to `onError`.
   */
  readonly onTransition?: (transition: JourneyTransition) => void;
}

/** One event the runtime applied, as developer tools show it. */
export interface JourneyTransition {
  /** When it was applied (the runtime clock, epoch ms). */
  readonly at: number;
  /** The event as the reducer took it (a `snapshot.received` names its `source`: poll, webhook, push). */
  readonly event: JourneyHostEvent;
  /** What the reducer asked the runtime to do next. */
  readonly commands: readonly JourneyCommand[];
  /** Present when the event was refused outright (the state did not change). */
  readonly rejected?: ReduceResult["rejected"];
  /** The machine's state value after it (each region's active state). */
  readonly value: JourneyState["value"];
}

/** What `send` did with an intent. */
export interface SendResult {
  /** True when the machine took the intent (for a mutating intent: its mutation is in flight). */
  readonly accepted: boolean;
  /** The Idempotency-Key the mutation carries (mutating intents only). */
  readonly idempotencyKey?: string;
  /** The view right after the intent; its `error` says why an intent was refused. */
  readonly view: JourneyView;
}

/** Options of {@link JourneyRuntime.waitFor}. */
export interface WaitOptions {
  /** Aborts the wait (rejects with `JourneyWaitError` ABORTED). */
  readonly signal?: AbortSignal;
}

/** A live journey: the reducer with its commands executed over the client, and a store any UI framework can subscribe to. */
export interface JourneyRuntime {
  /** The current view; a stable reference that changes exactly when subscribers are told (`useSyncExternalStore`). */
  getSnapshot(): JourneyView;
  /** The current view (same as {@link getSnapshot}). */
  view(): JourneyView;
  /** The machine's state as plain JSON (`{ value, context }`), the state `journey.reduce` works on. */
  getState(): JourneyState;
  /**
   * Calls `listener` whenever the view changes (never for a 304 or a duplicate); returns an unsubscribe.
   * @throws {RuntimeConfigError} `listener` when it is not a function.
   */
  subscribe(listener: (view: JourneyView) => void): () => void;
  /**
   * Sends a borrower intent, stamped with the clock's time and, when it mutates, a fresh Idempotency-Key.
   * @throws {IntentError} for an unknown intent or a step intent with no step to act on.
   * @throws {RuntimeStateError} before `start()` or after `stop()`.
   */
  send(intent: JourneyIntent): SendResult;
  /** Polls now, or once the poll or journey re-read on the wire is back (a backoff is waited out). */
  refresh(): void;
  /** Starts the actor, its polling, the signals and the push source; a second call does nothing. */
  start(): void;
  /** Stops everything and aborts calls in flight; `waitFor` calls reject. A stopped runtime cannot restart. */
  stop(): void;
  /** The state to hand back as `initial` after a restart (plain JSON, stamped with the state's `version`). */
  persist(): PersistedJourney;
  /**
   * Resolves with the first view that satisfies `predicate` (the current one included).
   * @throws {JourneyWaitError} (rejects) STOPPED when the runtime stops, ENDED when the journey ends without
   *   satisfying it, ABORTED when `options.signal` aborts.
   * @throws {RuntimeConfigError} (rejects) `predicate` when it is not a function.
   * @throws {unknown} (rejects) what `predicate` throws, once; the runtime and other waits go on.
   */
  waitFor(predicate: (view: JourneyView) => boolean, options?: WaitOptions): Promise<JourneyView>;
  /** Resolves once nothing is in flight: loaded, no mutation pending, no re-fetch. @throws {JourneyWaitError} as `waitFor`. */
  whenSettled(options?: WaitOptions): Promise<JourneyView>;
}

/** Whether `value` is an object with every one of `methods` a function. */
function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === "function")
  );
}

/**
 * Checks the optional options' shapes, so a bad one fails here rather than at first use.
 * @throws {RuntimeConfigError} naming `clock`, `signals`, `push`, `inspect`, `onError`, `newKey`, `onEvent` or
 *   `onTransition`.
 */
function checkOptionalShapes(options: CreateJourneyOptions): void {
  const { clock, signals, push } = options as { clock?: unknown; signals?: unknown; push?: unknown };
  const has = hasMethods;
  if (clock !== undefined && !has(clock, ["now", "setTimeout"]))
    throw new RuntimeConfigError("clock", "must be a RuntimeClock with now() and setTimeout()");
  if (signals !== undefined && !has(signals, ["isVisible", "isOnline", "subscribe"]))
    throw new RuntimeConfigError(
      "signals",
      "must be AppSignals with isVisible(), isOnline() and subscribe()",
    );
  if (
    push !== undefined &&
    typeof (push as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] !== "function"
  )
    throw new RuntimeConfigError("push", "must be an AsyncIterable of snapshots");
  const inspect = options.inspect as unknown;
  if (
    inspect !== undefined &&
    typeof inspect !== "function" &&
    (typeof inspect !== "object" || inspect === null)
  )
    throw new RuntimeConfigError("inspect", "must be a function or an observer");
  for (const name of ["onError", "newKey", "onEvent", "onTransition"] as const)
    if (options[name] !== undefined && typeof options[name] !== "function")
      throw new RuntimeConfigError(name, "must be a function");
}

/** The client's methods the runtime calls: its reads, and every endpoint a mutation of the registry calls. */
const CLIENT_METHODS: readonly (keyof BorrowerClient)[] = [
  "getJourneyState",
  "getJourney",
  ...Object.values(MUTATIONS).flatMap((mutation) => mutation.endpoints),
];

function sameView(a: JourneyView, b: JourneyView): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Creates a live journey runtime (call `start()`): `journey.reduce` over the journey's state, each command it
 * returns executed over the borrower client (polling at the machine's cadence with ETags, the journey loader, each
 * mutation with its Idempotency-Key) and each answer applied as the reducer's own event; driven by the app's
 * visibility and reachability, and fed by an optional push source. Every dependency is this runtime's own.
 * @throws {RuntimeConfigError} naming a missing or malformed option.
 * @throws {ContractError} when `initial` is neither a valid snapshot of `journeyID` nor a valid persisted state.
 */
export function createJourney(options: CreateJourneyOptions): JourneyRuntime {
  if (typeof options !== "object" || options === null)
    throw new RuntimeConfigError("options", "must be an object with client and journeyID");
  const { client, journeyID } = options;
  // Every method it will call, checked now: a partial client would fail at the first mutation, as if the
  // platform had (a retryable INTERNAL error), rather than here.
  if (!hasMethods(client, CLIENT_METHODS))
    throw new RuntimeConfigError(
      "client",
      "must be a borrower client (createBorrowerClient), with every method the runtime calls",
    );
  if (typeof journeyID !== "string")
    throw new RuntimeConfigError("journeyID", "must be the journey's id (journeyID)");
  checkOptionalShapes(options);
  const clock = options.clock ?? systemClock;
  const signals = options.signals ?? browserSignals();
  const newKey = options.newKey ?? randomId;
  // The host's handler; one that throws is its own problem: it never stops the runtime or loses an event.
  const onError = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // Nothing more to tell.
    }
  };

  const abort = new AbortController();
  let phase: "idle" | "running" | "stopped" = "idle";
  // Where the journey starts: a persisted state as it is (checked), else initial() over the snapshot, which
  // validates the id and the snapshot (ContractError naming each failing path).
  let state: JourneyState;
  let startCommands: readonly JourneyCommand[];
  if (isPersistedJourney(options.initial)) {
    state = restoredState(options.initial, journeyID);
    startCommands = commandsOf(state);
  } else {
    const start = initialWithCommands({ journeyID, snapshot: options.initial, at: clock.now() });
    state = start.state;
    startCommands = start.commands;
  }
  const current = (): JourneyState => state;
  const inspection =
    options.inspect === undefined ? undefined : createInspection(options.inspect, current, onError);

  // Events that arrive while one is being applied (a command's answer, say) wait their turn, as in an actor. A
  // `send` from a listener applies the queue through its own intent (`nested`), so it answers for it, and leaves
  // the view to the publish under way: every listener is shown each view once, in order (`deferred`).
  const queue: JourneyHostEvent[] = [];
  let applying = false;
  let deferred = false;
  const deps: CommandDeps = {
    client,
    clock,
    signals,
    signal: abort.signal,
    isNews: (snapshot) => isNewsTo(state.context, snapshot),
    dispatch,
    backingOff: () => isBackingOff(state.context),
  };
  const poller = createPoller(deps);

  /**
   * Applies `events` with `journey.reduce` in order, runs the commands each returns, and tells subscribers what
   * changed: once for several (one answer's events), after the last.
   */
  function dispatch(events: JourneyHostEvent | readonly JourneyHostEvent[], nested?: boolean): void {
    if (phase !== "running") return;
    const batch = "type" in events ? [events] : events;
    queue.push(...batch);
    if (applying && !nested) return;
    const outer = applying;
    applying = true;
    // The batch's events but its last leave the view to the publish after it.
    let heldBack = batch.length - 1;
    try {
      for (;;) {
        const next = queue.shift();
        if (next === undefined) {
          if (outer || !deferred) break;
          deferred = false;
          publish();
          continue;
        }
        if (phase !== "running") break;
        const result = reduce(state, next);
        state = result.state;
        inspection?.applied(next, state);
        if (options.onTransition) record(next, result);
        for (const command of result.commands) runCommand(command, deps, poller);
        const inBatch = heldBack-- > 0;
        if (result.rejected === undefined || inBatch) {
          if (outer || inBatch) deferred = true;
          else publish();
        }
      }
    } finally {
      applying = outer;
      if (!outer) {
        queue.length = 0;
        deferred = false;
      }
    }
  }

  /** Hands an applied event to `onTransition`; one that throws is reported, never raised. */
  function record(event: JourneyHostEvent, result: ReduceResult): void {
    try {
      options.onTransition?.({
        at: clock.now(),
        event,
        commands: result.commands,
        ...(result.rejected === undefined ? {} : { rejected: result.rejected }),
        value: result.state.value,
      });
    } catch (error) {
      onError(error);
    }
  }

  /** Hands an analytics event to `onEvent`; a listener that throws is the host's problem, reported, never raised. */
  function tell(event: JourneyAnalyticsEvent): void {
    try {
      options.onEvent?.(event);
    } catch (error) {
      onError(error);
    }
  }
  // View events wait here while `send` runs, so an intent is told before what it caused (a refusal's error).
  let held: JourneyAnalyticsEvent[] | null = null;

  let view = connect(state);
  const listeners = new Set<(view: JourneyView) => void>();
  const waiters = new Set<() => void>();
  /** Recomputes the view; when it changed, tells analytics, subscribers and waiters. A throwing subscriber goes to onError. */
  function publish(): void {
    const next = connect(state);
    if (sameView(next, view)) return;
    if (isNewReadError(view.error, next.error)) onError(next.error);
    for (const event of viewEvents(view, next, clock.now())) {
      if (held) held.push(event);
      else tell(event);
    }
    view = next;
    for (const listener of [...listeners]) {
      try {
        listener(view);
      } catch (error) {
        onError(error);
      }
    }
    for (const check of [...waiters]) check();
  }

  let unsubscribeSignals = (): void => {};
  let stopPush = (): void => {};
  let visible = true;
  let online = true;

  function onSignals(change: { visible: boolean; online: boolean }): void {
    const at = clock.now();
    const woke = (change.visible && !visible) || (change.online && !online);
    if (change.visible !== visible) dispatch({ type: change.visible ? "app.visible" : "app.hidden", at });
    if (change.online !== online)
      dispatch({ type: change.online ? "network.online" : "network.offline", at });
    visible = change.visible;
    online = change.online;
    // Back in view or back online: one poll at once rather than waiting out the interval.
    if (woke && visible && online) poller.wake();
  }

  function waitFor(predicate: (view: JourneyView) => boolean, waitOptions: WaitOptions = {}) {
    if (typeof predicate !== "function")
      return Promise.reject(new RuntimeConfigError("predicate", "must be a function of the view"));
    return new Promise<JourneyView>((resolve, reject) => {
      const { signal } = waitOptions;
      const finish = (outcome: () => void) => {
        waiters.delete(check);
        signal?.removeEventListener("abort", onAbort);
        outcome();
      };
      const check = (): void => {
        let met: boolean;
        try {
          met = predicate(view);
        } catch (error) {
          // The predicate's failure is this wait's alone: it rejects with it, and no publish fails.
          finish(() => reject(error));
          return;
        }
        if (met) finish(() => resolve(view));
        else if (phase === "stopped")
          finish(() => reject(new JourneyWaitError("STOPPED", "the journey runtime stopped")));
        else if (view.isEnded)
          finish(() => reject(new JourneyWaitError("ENDED", `the journey ended in ${view.status}`)));
      };
      const onAbort = () => finish(() => reject(new JourneyWaitError("ABORTED", "the wait was aborted")));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort);
      waiters.add(check);
      check();
    });
  }

  return {
    getSnapshot: () => view,
    view: () => view,
    getState: () => state,
    subscribe(listener) {
      if (typeof listener !== "function")
        throw new RuntimeConfigError("listener", "must be a function of the view");
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    send(intent) {
      if (phase !== "running")
        throw new RuntimeStateError(
          phase === "idle" ? "call start() before send()" : "the runtime has stopped",
        );
      const mutating = MUTATING_INTENTS.has(intent?.type);
      const key = mutating ? newKey() : "";
      const event = eventOfIntent(intent, clock.now(), key, view);
      const caused: JourneyAnalyticsEvent[] = [];
      const pendingBefore = state.context.pendingMutation;
      const outer = held;
      held = caused;
      try {
        dispatch(event, true);
      } finally {
        held = outer;
      }
      const accepted = mutating
        ? state.context.pendingMutation?.idempotencyKey === key
        : // A retry is taken when it puts the failed mutation back on the wire (none was in flight before).
          event.type !== "mutation.retry" ||
          (pendingBefore === null && state.context.pendingMutation !== null);
      // From a listener, the view after the intent is not yet published: it is the one the next publish shows.
      const after = applying ? connect(state) : view;
      const refused =
        !accepted && after.error?.origin === "intent" ? { refusedBecause: after.error.code } : {};
      tell({ type: "intent.sent", journeyID, intent: intent.type, accepted, ...refused, at: event.at });
      for (const told of caused) tell(told);
      return { accepted, ...(mutating ? { idempotencyKey: key } : {}), view: after };
    },
    refresh() {
      if (phase === "running") poller.wake();
    },
    start() {
      if (phase !== "idle") return;
      phase = "running";
      inspection?.started();
      for (const command of startCommands) runCommand(command, deps, poller);
      startCommands = [];
      // What the state holds (a restored one may have been kept hidden or offline), brought to what is true now.
      visible = !state.context.polling.hidden;
      online = state.context.online;
      onSignals({ visible: signals.isVisible(), online: signals.isOnline() });
      // A state kept while the session was expired: this runtime holds the app's credentials of now, so it tries
      // them (a poll) rather than waiting for a `session.refreshed` the app has no reason to send.
      if (!state.context.sessionValid) dispatch({ type: "session.refreshed", at: clock.now() });
      unsubscribeSignals = signals.subscribe(onSignals);
      if (options.push !== undefined)
        stopPush = consumePush(options.push, {
          journeyID,
          now: () => clock.now(),
          isNews: (snapshot) => isNewsTo(state.context, snapshot),
          deliver: dispatch,
          refresh: () => poller.wake(),
          onError,
        });
    },
    stop() {
      if (phase === "stopped") return;
      const wasRunning = phase === "running";
      phase = "stopped";
      // The runtime's own first, so nothing of it runs on whatever the host's teardown does.
      poller.stop();
      abort.abort();
      for (const teardown of [unsubscribeSignals, stopPush]) {
        try {
          teardown();
        } catch (error) {
          // A host's unsubscribe that throws (or is not a function) is told, and the runtime still stops.
          onError(error);
        }
      }
      if (wasRunning) inspection?.stopped();
      for (const check of [...waiters]) check();
    },
    persist: () => JSON.parse(JSON.stringify(versioned(state))) as PersistedJourney,
    waitFor,
    whenSettled: (waitOptions) =>
      waitFor((v) => !v.isLoading && v.pendingMutation === null && !v.isRefetching, waitOptions),
  };
}

/** A reading error (origin `sync`) that the view did not show before, or shows with another code. */
function isNewReadError(before: JourneyView["error"], after: JourneyView["error"]): boolean {
  return after?.origin === "sync" && (before?.origin !== "sync" || before.code !== after.code);
}
