import { type AnyEventObject, fromCallback, fromPromise } from "xstate";
import type { JOURNEY_ACTORS } from "../../machines/journey/journey.machine.js";
import type {
  CreateConsentInput,
  FetchJourneyInput,
  JourneyEvent,
  ProceedOfferInput,
  ResumeJourneyInput,
  StepActionInput,
  SubmitProfileInput,
} from "../../machines/journey/journey.types.js";
import type { BorrowerClient } from "../client/borrower-client.js";
import type { CallOptions } from "../client/transport.js";
import type { RuntimeClock } from "./clock.js";
import { readFailure } from "./failures.js";
import { type PollShared, pollJourneyStateActor } from "./poller.js";
import type { AppSignals } from "./signals.js";

/** What the live actors need from their runtime. */
export interface ActorDeps {
  readonly client: BorrowerClient;
  readonly clock: RuntimeClock;
  readonly signals: AppSignals;
  readonly shared: PollShared;
  /** Aborts every call when the runtime stops. */
  readonly signal: AbortSignal;
  readonly heldAsOf: () => number;
  /** Sends an event to the journey actor; a no-op once the runtime stopped. */
  readonly deliver: (event: JourneyEvent) => void;
}

type MutationInput = { readonly journeyID: string; readonly idempotencyKey: string };

/**
 * Finds the dependencies of the runtime an actor runs in, from the actor system it belongs to. The machine with
 * live actors is built once per process and shared by every runtime (a `provide` per runtime costs ~100 kB of
 * heap each); each runtime registers its client, clock and signals against its own actor system.
 * @throws {Error} when the system has no runtime registered (an actor started outside `createJourney`).
 */
export type DepsOf = (system: unknown) => ActorDeps;

/**
 * A mutation actor: calls the client with the Idempotency-Key the machine carries (the client reuses it on
 * every retry), resolves on 2xx, and rejects with plain tagged data `{ code, status?, detail?, errors?,
 * retryAfterMs? }` that the machine records as the mutation's failure. What the answer says about the journey
 * (a snapshot, a whole journey) follows as its own event once the machine has taken the result.
 */
function mutationActor<Input extends MutationInput, Result>(
  depsOf: DepsOf,
  call: (client: BorrowerClient, input: Input, options: CallOptions) => Promise<Result>,
  followUp: (result: Result, at: number) => JourneyEvent | null,
) {
  return fromPromise<Result, Input>(({ input, signal, system }) => {
    const deps = depsOf(system);
    const running = call(deps.client, input, { idempotencyKey: input.idempotencyKey, signal }).catch(
      (error: unknown) => {
        const failure = readFailure(error);
        throw {
          ...failure.problem,
          ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        };
      },
    );
    running.then(
      (result) => {
        const event = followUp(result, deps.clock.now());
        if (event !== null) afterSettle(() => deps.deliver(event));
      },
      (problem: { code: string }) => {
        // readFailure maps every lost-session failure (renewal failed, token refused) to AUTH_INVALID_SESSION.
        if (problem.code === "AUTH_INVALID_SESSION" && !signal.aborted)
          afterSettle(() => deps.deliver(expired(deps)));
      },
    );
    return running;
  });
}

/**
 * Runs `fn` after the actor's own promise reactions. This reaction is registered before xstate's (which the
 * promise actor attaches when it starts), so one more microtask puts `fn` after the machine took the result.
 */
function afterSettle(fn: () => void): void {
  queueMicrotask(fn);
}

function expired(deps: ActorDeps): JourneyEvent {
  return { type: "session.expired", at: deps.clock.now() };
}

/** The `fetchJourney` actor: `GET /journeys/{id}` once, then `journey.loaded` or `journey.loadFailed`. */
function fetchJourneyActor(depsOf: DepsOf) {
  return fromCallback<AnyEventObject, FetchJourneyInput>(({ input, system }) => {
    const deps = depsOf(system);
    deps.client.getJourney(input.journeyID, { signal: deps.signal }).then(
      (journey) => deps.deliver({ type: "journey.loaded", journey, at: deps.clock.now() }),
      (error: unknown) => {
        const failure = readFailure(error);
        if (failure.aborted || deps.signal.aborted) return;
        if (failure.sessionLost) deps.deliver(expired(deps));
        else
          deps.deliver({
            type: "journey.loadFailed",
            problem: failure.problem,
            ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
            at: deps.clock.now(),
          });
      },
    );
  });
}

/** The machine's actor slots, implemented over the borrower client; for `journeyMachine.provide({ actors })`. */
export function liveActors(depsOf: DepsOf): typeof JOURNEY_ACTORS {
  const actors = {
    pollJourneyState: pollJourneyStateActor(depsOf),
    fetchJourney: fetchJourneyActor(depsOf),
    submitProfile: mutationActor(
      depsOf,
      // One intent, two calls [L3]: each its own Idempotency-Key, both derived from the intent's, so a retry of
      // the intent replays both and two intents never share one.
      async (client, i: SubmitProfileInput, o) => {
        await client.upsertProfile(i.profile, { ...o, idempotencyKey: `${i.idempotencyKey}.upsert` });
        return client.submitProfile(
          { bureauConsent: i.bureauConsent as true },
          { ...o, idempotencyKey: `${i.idempotencyKey}.submit` },
        );
      },
      (snapshot, at) => ({ type: "snapshot.received", snapshot, source: "response", at }),
    ),
    proceedOffer: mutationActor(
      depsOf,
      (client, i: ProceedOfferInput, o) => client.proceedOffer(i.journeyID, i.offerID, o),
      (snapshot, at) => ({ type: "snapshot.received", snapshot, source: "response", at }),
    ),
    performStepAction: mutationActor(
      depsOf,
      (client, i: StepActionInput, o) =>
        client.stepAction(
          i.journeyID,
          i.stepID,
          i.data === undefined ? { action: i.action } : { action: i.action, data: i.data },
          o,
        ),
      () => null,
    ),
    createConsent: mutationActor(
      depsOf,
      (client, i: CreateConsentInput, o) => client.createConsent(i.journeyID, o),
      () => null,
    ),
    resumeJourney: mutationActor(
      depsOf,
      (client, i: ResumeJourneyInput, o) => client.resumeJourney(i.journeyID, o),
      (journey, at) => ({ type: "journey.loaded", journey, at }),
    ),
  };
  // The slots are typed as the machine declares them (unknown outputs); the implementations are narrower.
  return actors as unknown as typeof JOURNEY_ACTORS;
}
