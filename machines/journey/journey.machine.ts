import { type AnyEventObject, assign, type CallbackActorLogic, type PromiseActorLogic, setup } from "xstate";
import { isExpectedEdge, JOURNEY_STATUSES, type JourneyStatus } from "../../src/contract/index.js";
import {
  applyLoadedJourney,
  armPoll,
  cadenceKey,
  disarmPoll,
  failureFromError,
  holdAnomaly,
  initialContext,
  recordMutationFailure,
  recordMutationSuccess,
  recordPollFailure,
  recordPollSuccess,
  recordSignal,
  recordSnapshot,
  rejectIntent,
  retryMutation,
  startMutation,
} from "./journey.actions.js";
import {
  canStartMutation,
  isJourneyEnded,
  isLoadedJourneyIn,
  isNewerSameStatus,
  isOfferSelectable,
  isPendingMutationResult,
  isRetryOf,
  isSnapshotTo,
  isUnexpectedEdge,
  needsJourney,
} from "./journey.guards.js";
import { INTENTS, MUTATING_INTENT_TYPES, MUTATION_KINDS, MUTATIONS } from "./journey.intents.js";
import { END_STATUSES, LIFECYCLE_STATUSES, LOADING_INFO, STATUS_INFO } from "./journey.lifecycle.js";
import type {
  FetchJourneyInput,
  JourneyContext,
  JourneyEvent,
  JourneyInput,
  JourneyLoadedEvent,
  MutationInput,
  MutationKind,
  PollInput,
  SnapshotReceivedEvent,
} from "./journey.types.js";

/**
 * An actor slot's stand-in: an idle logic that does nothing and never reports (hand-written rather than
 * fromCallback/fromPromise to keep xstate's actor module out of browser bundles). A host replaces every slot with
 * `journeyMachine.provide({ actors: { ... } })`; the pure reducer never runs actors at all.
 */
function placeholder<TLogic>(): TLogic {
  return {
    config: undefined,
    transition: (snapshot: unknown) => snapshot,
    getInitialSnapshot: (_scope: unknown, input: unknown) => ({
      status: "active",
      output: undefined,
      error: undefined,
      input,
    }),
    getPersistedSnapshot: (snapshot: unknown) => snapshot,
  } as TLogic;
}

/**
 * The actor slots, by name; each one's input is exactly the payload of the reducer command of the same job.
 * The poller and the journey loader are callback actors (they `sendBack` events); mutations are promise actors
 * (resolve on 2xx, reject with plain tagged data `{ code, status?, detail?, errors? }`).
 */
export const JOURNEY_ACTORS = {
  /** Polls `GET /journeys/{id}/state` every `inMs` ms (0: at once), sending `snapshot.received`/`poll.*` back. */
  pollJourneyState: placeholder<CallbackActorLogic<AnyEventObject, PollInput>>(),
  /** Loads `GET /journeys/{id}` once, sending `journey.loaded` or `journey.loadFailed` back. */
  fetchJourney: placeholder<CallbackActorLogic<AnyEventObject, FetchJourneyInput>>(),
  /** One per mutation (the registry's `MUTATIONS[kind].actor`), its input the mutation's command payload. */
  ...(Object.fromEntries(MUTATION_KINDS.map((kind) => [MUTATIONS[kind].actor, placeholder()])) as {
    [K in MutationKind as (typeof MUTATIONS)[K]["actor"]]: PromiseActorLogic<unknown, MutationInput<K>>;
  }),
};

/** The mutation region's state for each mutation kind, and the actor it invokes (the registry's `MUTATIONS`). */
export const MUTATION_STATES: Readonly<
  Record<MutationKind, { readonly state: string; readonly actor: keyof typeof JOURNEY_ACTORS }>
> = MUTATIONS;

/** Every intent refused while a mutation is in flight (or by the idle state's guard): the registry's, and retry. */
const REFUSED_INTENTS = Object.fromEntries(
  [...MUTATING_INTENT_TYPES, "mutation.retry"].map((type) => [type, { actions: "rejectIntent" as const }]),
);

/** The idle state's transitions: each mutating intent, guarded, into the state of its mutation. */
const STARTED_INTENTS = Object.fromEntries(
  MUTATING_INTENT_TYPES.map((type) => [
    type,
    {
      guard: type === "offer.select" ? ("isOfferSelectable" as const) : ("canStartMutation" as const),
      target: MUTATIONS[INTENTS[type].mutation].state,
      actions: "startMutation" as const,
    },
  ]),
);

const machineSetup = setup({
  types: {
    context: {} as JourneyContext,
    events: {} as JourneyEvent,
    input: {} as JourneyInput,
  },
  actors: JOURNEY_ACTORS,
  guards: {
    isSnapshotTo: ({ context, event }, params: { status: JourneyStatus }) =>
      isSnapshotTo(context, event, params.status),
    isNewerSameStatus: ({ context, event }) => isNewerSameStatus(context, event),
    isUnexpectedEdge: ({ context, event }) => isUnexpectedEdge(context, event),
    isLoadedJourneyIn: ({ context, event }, params: { status: JourneyStatus }) =>
      isLoadedJourneyIn(context, event, params.status),
    isStatus: ({ context }, params: { status: JourneyStatus }) => context.snapshot?.status === params.status,
    isEnded: ({ context }) => isJourneyEnded(context),
    isOfferSelectable: ({ context, event }) => isOfferSelectable(context, event),
    canStartMutation: ({ context, event }) => canStartMutation(context, event),
    isRetryOf: ({ context, event }, params: { kind: MutationKind }) => isRetryOf(context, event, params.kind),
    isPendingMutationResult: ({ context, event }) => isPendingMutationResult(context, event),
    needsJourney: ({ context }) => needsJourney(context),
    isCadenceOutdated: ({ context }) => cadenceKey(context) !== context.polling.armedFor,
    isOffline: ({ context }) => !context.online,
  },
  actions: {
    recordSnapshot: assign(({ context, event }) => recordSnapshot(context, event as SnapshotReceivedEvent)),
    holdAnomaly: assign(({ context, event }) => holdAnomaly(context, event as SnapshotReceivedEvent)),
    applyLoadedJourney: assign(({ context, event }) =>
      applyLoadedJourney(context, event as JourneyLoadedEvent),
    ),
    recordPollFailure: assign(({ context, event }) => recordPollFailure(context, event)),
    recordPollSuccess: assign(({ context, event }) => recordPollSuccess(context, event)),
    recordSignal: assign(({ context, event }) => recordSignal(context, event)),
    armPoll: assign(({ context }) => armPoll(context)),
    disarmPoll: assign(({ context }) => disarmPoll(context)),
    startMutation: assign(({ context, event }) => startMutation(context, event)),
    retryMutation: assign(({ context, event }) => retryMutation(context, event)),
    rejectIntent: assign(({ context, event }) => rejectIntent(context, event)),
    recordMutationSuccess: assign(({ context, event }) =>
      recordMutationSuccess(context, event.type === "mutation.succeeded" ? event.at : context.now),
    ),
    recordMutationFailure: assign(({ context, event }) => {
      if (event.type === "mutation.failed") return recordMutationFailure(context, event.problem, event.at);
      // A live actor rejected (xstate.error.actor.*): its error crosses as plain tagged data.
      const { problem } = failureFromError((event as AnyEventObject).error);
      return recordMutationFailure(context, problem, context.now);
    }),
  },
});

const lifecycleTarget = (status: JourneyStatus) =>
  (END_STATUSES as readonly string[]).includes(status)
    ? `#journey.lifecycle.ended.${status}`
    : `#journey.lifecycle.${status}`;

/** A snapshot.received transition list for an open lifecycle state: one edge per status the lifecycle expects next. */
function snapshotEdges(from: JourneyStatus) {
  const edges = JOURNEY_STATUSES.filter((to) => to !== from && isExpectedEdge(from, to)).map((to) => ({
    guard: { type: "isSnapshotTo" as const, params: { status: to } },
    target: lifecycleTarget(to),
    actions: "recordSnapshot" as const,
  }));
  return [...edges, { guard: "isNewerSameStatus" as const, actions: "recordSnapshot" as const }];
}

function openState(status: JourneyStatus) {
  const facts = STATUS_INFO[status];
  return {
    description: facts.description,
    tags: [facts.stateClass, facts.screen],
    on: { "snapshot.received": snapshotEdges(status) },
  };
}

function endedState(status: JourneyStatus) {
  const facts = STATUS_INFO[status];
  return {
    type: "final" as const,
    description: facts.description,
    tags: ["ended", facts.screen],
  };
}

/** The in-flight mutation as its actor's input (the mutation region only enters a state with its kind pending). */
function mutationInput(context: JourneyContext): Record<string, unknown> {
  const { kind: _kind, ...payload } = context.pendingMutation ?? { kind: "none" };
  return { journeyID: context.journeyID, ...payload };
}

/**
 * A mutation region state invoking `actor` with the in-flight mutation. Typed loosely on purpose: every slot's
 * input is the pending mutation's payload, which TypeScript cannot tie to the union of actor names.
 */
function mutationState(actor: keyof typeof JOURNEY_ACTORS, description: string) {
  return {
    description,
    tags: ["mutating"],
    invoke: {
      id: actor,
      src: actor,
      input: ({ context }: { context: JourneyContext }) => mutationInput(context),
      onDone: { target: "idle", actions: "recordMutationSuccess" },
      onError: { target: "idle", actions: "recordMutationFailure" },
    },
  } as never;
}

const lifecycleStates = Object.fromEntries(LIFECYCLE_STATUSES.map((status) => [status, openState(status)]));

/**
 * The journey statechart (id `journey`), three parallel regions:
 * - `lifecycle`: `loading`, the thirteen lifecycle states and `ended` (REJECTED, EXPIRED, CLOSED as finals),
 *   moved only by snapshots on expected edges or by a re-fetched journey (server authority);
 * - `mutation`: at most one borrower mutation in flight, each carried by a named actor;
 * - `sync`: polling (re-armed when its cadence inputs change), the journey re-fetch, offline, paused, stopped.
 * The machine does no I/O: every actor is a slot replaced with `journeyMachine.provide({ actors })`.
 */
export const journeyMachine = machineSetup.createMachine({
  id: "journey",
  type: "parallel",
  description: "A borrower's credit journey.",
  context: ({ input }) => initialContext(input),
  states: {
    lifecycle: {
      description: "The journey's lifecycle status.",
      initial: "loading",
      on: {
        "journey.loaded": JOURNEY_STATUSES.map((status) => ({
          guard: { type: "isLoadedJourneyIn" as const, params: { status } },
          target: lifecycleTarget(status),
        })),
      },
      states: {
        loading: {
          description: LOADING_INFO.description,
          tags: ["activeWait", LOADING_INFO.screen],
          always: JOURNEY_STATUSES.map((status) => ({
            guard: { type: "isStatus" as const, params: { status } },
            target: lifecycleTarget(status),
          })),
          on: {
            "snapshot.received": JOURNEY_STATUSES.map((status) => ({
              guard: { type: "isSnapshotTo" as const, params: { status } },
              target: lifecycleTarget(status),
              actions: "recordSnapshot" as const,
            })),
          },
        },
        ...lifecycleStates,
        ended: {
          description: "Ended: nothing changes any more.",
          tags: ["ended"],
          // XState needs an initial child; every transition targets a specific end, so it is never used.
          initial: "CLOSED",
          states: Object.fromEntries(END_STATUSES.map((status) => [status, endedState(status)])),
        },
      },
    },
    mutation: {
      description: "At most one borrower mutation in flight.",
      initial: "idle",
      on: {
        ...REFUSED_INTENTS,
        "mutation.succeeded": {
          guard: "isPendingMutationResult",
          target: ".idle",
          actions: "recordMutationSuccess",
        },
        "mutation.failed": {
          guard: "isPendingMutationResult",
          target: ".idle",
          actions: "recordMutationFailure",
        },
      },
      states: {
        idle: {
          description: "No mutation in flight.",
          on: {
            ...STARTED_INTENTS,
            "mutation.retry": (Object.keys(MUTATION_STATES) as MutationKind[]).map((kind) => ({
              guard: { type: "isRetryOf" as const, params: { kind } },
              target: MUTATION_STATES[kind].state,
              actions: "retryMutation" as const,
            })),
          },
        },
        ...Object.fromEntries(
          MUTATION_KINDS.map((kind) => [
            MUTATIONS[kind].state,
            mutationState(MUTATIONS[kind].actor, MUTATIONS[kind].description),
          ]),
        ),
      },
    },
    sync: {
      description: "How the client keeps up with the platform.",
      initial: "polling",
      on: {
        "push.alive": { actions: "recordSignal" },
        "app.hidden": { actions: "recordSignal" },
        "app.visible": { actions: "recordSignal" },
        "network.online": { actions: "recordSignal" },
        "session.refreshed": { actions: "recordSignal" },
      },
      states: {
        polling: {
          description: "Polling the state at the cadence policy's interval.",
          entry: "armPoll",
          exit: "disarmPoll",
          invoke: {
            id: "poller",
            src: "pollJourneyState",
            input: ({ context }) => ({ journeyID: context.journeyID, inMs: context.polling.inMs ?? 0 }),
          },
          always: [
            { guard: "isEnded", target: "stopped" },
            { guard: "needsJourney", target: "loadingJourney" },
            { guard: "isCadenceOutdated", target: "polling", reenter: true },
          ],
          on: {
            "snapshot.received": {
              guard: "isUnexpectedEdge",
              target: "loadingJourney",
              actions: "holdAnomaly",
            },
            "journey.loaded": { actions: "applyLoadedJourney" },
            "poll.notModified": { actions: "recordPollSuccess" },
            "poll.failed": { actions: "recordPollFailure" },
            "network.offline": { target: "offline", actions: "recordSignal" },
            "session.expired": { target: "paused", actions: "recordSignal" },
          },
        },
        loadingJourney: {
          description: "Re-fetching the full journey (anomaly, offers, resync).",
          tags: ["refetching"],
          invoke: {
            id: "journeyLoader",
            src: "fetchJourney",
            input: ({ context }) => ({ journeyID: context.journeyID, reason: context.refetch ?? "resync" }),
          },
          always: { guard: "isEnded", target: "stopped" },
          on: {
            // The fetch in flight may predate the anomaly: ask again so the answer can confirm it.
            "snapshot.received": {
              guard: "isUnexpectedEdge",
              target: "loadingJourney",
              reenter: true,
              actions: "holdAnomaly",
            },
            "journey.loaded": { target: "polling", actions: "applyLoadedJourney" },
            "journey.loadFailed": { target: "polling", actions: "recordPollFailure" },
            "network.offline": { target: "offline", actions: "recordSignal" },
            "session.expired": { target: "paused", actions: "recordSignal" },
          },
        },
        offline: {
          description: "Offline: no polling.",
          always: { guard: "isEnded", target: "stopped" },
          on: {
            "network.online": { target: "polling", actions: "recordSignal" },
            "session.expired": { target: "paused", actions: "recordSignal" },
            "snapshot.received": { guard: "isUnexpectedEdge", actions: "holdAnomaly" },
            "journey.loaded": { actions: "applyLoadedJourney" },
          },
        },
        paused: {
          description: "Session expired: no polling.",
          always: { guard: "isEnded", target: "stopped" },
          on: {
            "session.refreshed": [
              { guard: "isOffline", target: "offline", actions: "recordSignal" },
              { target: "polling", actions: "recordSignal" },
            ],
            "network.offline": { actions: "recordSignal" },
            "snapshot.received": { guard: "isUnexpectedEdge", actions: "holdAnomaly" },
            "journey.loaded": { actions: "applyLoadedJourney" },
          },
        },
        stopped: {
          type: "final",
          description: "Ended: polling stopped.",
        },
      },
    },
  },
});

/** The journey machine's type, for hosts that provide its actors. */
export type JourneyMachine = typeof journeyMachine;
