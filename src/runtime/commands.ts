import type { BorrowerClient } from "../client/borrower-client.js";
import type { CallOptions } from "../client/transport.js";
import type { JourneySnapshot } from "../contract/index.js";
import type { JourneyCommand } from "../journey/commands.js";
import type { JourneyHostEvent } from "../journey/events.js";
import type { RuntimeClock } from "./clock.js";
import { readFailure } from "./failures.js";
import type { Poller } from "./poller.js";
import type { AppSignals } from "./signals.js";

/** What one runtime's command executor needs: its own client, clock and signals, and the way back to its reducer. */
export interface CommandDeps {
  readonly client: BorrowerClient;
  readonly clock: RuntimeClock;
  readonly signals: AppSignals;
  /** Aborts every call when the runtime stops. */
  readonly signal: AbortSignal;
  /** Whether a snapshot is news to the state held now (later than its order key, or a tie): `isNewsTo`. */
  readonly isNews: (snapshot: JourneySnapshot) => boolean;
  /**
   * Applies an event with `journey.reduce` and runs the commands it returns (a no-op once stopped). Several events
   * (one answer's) are applied in order and shown to subscribers once, after the last: never a state between them.
   */
  readonly dispatch: (event: JourneyHostEvent | readonly JourneyHostEvent[]) => void;
  /**
   * Whether the armed interval is a backoff (a failed poll, a `Retry-After`): `wake()` then waits it out rather
   * than polling at once. Default: never.
   */
  readonly backingOff?: () => boolean;
}

type Mutation = Extract<JourneyCommand, { idempotencyKey: string }>;

/**
 * Runs one command `journey.reduce` returned, exactly as a backend host would: polling through `poller`, the
 * journey re-fetch, or a mutation with the Idempotency-Key the state carries. Every outcome comes back through
 * `deps.dispatch` as the reducer's own events (`journey.loaded`, `mutation.succeeded`, then what the answer says
 * about the journey, …). Never throws; a call aborted because the runtime stopped reports nothing.
 */
export function runCommand(command: JourneyCommand, deps: CommandDeps, poller: Poller): void {
  if (command.type === "startPolling") poller.start(command.journeyID, command.inMs);
  else if (command.type === "stopPolling") poller.stop();
  else if (command.type === "fetchJourney") void loadJourney(command.journeyID, deps, poller);
  else void mutate(command, deps);
}

/** The journey re-read: its answer goes back as `journey.loaded`, its failure as `journey.loadFailed`. */
async function loadJourney(journeyID: string, deps: CommandDeps, poller: Poller): Promise<void> {
  try {
    const journey = await deps.client.getJourney(journeyID, { signal: deps.signal });
    poller.answered();
    if (!deps.signal.aborted) deps.dispatch({ type: "journey.loaded", journey, at: deps.clock.now() });
  } catch (error) {
    // Told first: a backoff the failure arms counts from now, not from the last poll's answer.
    poller.answered();
    const failure = readFailure(error);
    if (deps.signal.aborted) return;
    const at = deps.clock.now();
    deps.dispatch(
      failure.sessionLost
        ? { type: "session.expired", at }
        : {
            type: "journey.loadFailed",
            problem: failure.problem,
            ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
            at,
          },
    );
  }
}

/**
 * A mutation: the client call with the command's Idempotency-Key (the client reuses it on every retry), then
 * `mutation.succeeded` and what the answer says about the journey (a snapshot, a whole journey), or
 * `mutation.failed` with the failure as plain data (and `session.expired` when the session is lost).
 */
async function mutate(command: Mutation, deps: CommandDeps): Promise<void> {
  const key = command.idempotencyKey;
  const options: CallOptions = { idempotencyKey: key, signal: deps.signal };
  let answer: JourneyHostEvent | null;
  try {
    answer = await call(deps.client, command, options, deps.clock);
  } catch (error) {
    const failure = readFailure(error);
    if (deps.signal.aborted) return;
    const failed: JourneyHostEvent = {
      type: "mutation.failed",
      idempotencyKey: key,
      problem: failure.problem,
      ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
      at: deps.clock.now(),
    };
    // Every failure of kind `session` (renewal failed, the token refused) means the session is lost.
    deps.dispatch(failure.sessionLost ? [failed, { type: "session.expired", at: deps.clock.now() }] : failed);
    return;
  }
  if (deps.signal.aborted) return;
  const succeeded: JourneyHostEvent = {
    type: "mutation.succeeded",
    idempotencyKey: key,
    at: deps.clock.now(),
  };
  // One answer, shown once: between the two, the mutation would look done with the journey not yet moved on (a
  // UI would offer the intent again).
  deps.dispatch(answer === null ? succeeded : [succeeded, answer]);
}

/** The client call of a mutation, and the event its answer makes (or `null` when it says nothing of the journey). */
async function call(
  client: BorrowerClient,
  command: Mutation,
  o: CallOptions,
  clock: RuntimeClock,
): Promise<JourneyHostEvent | null> {
  const response = (snapshot: unknown): JourneyHostEvent => ({
    type: "snapshot.received",
    snapshot,
    source: "response",
    at: clock.now(),
  });
  switch (command.type) {
    case "submitProfile": {
      // One intent, two calls [L3]: each its own Idempotency-Key, both derived from the intent's, so a retry of
      // the intent replays both and two intents never share one.
      await client.upsertProfile(command.profile, {
        ...o,
        idempotencyKey: `${command.idempotencyKey}.upsert`,
      });
      const submitted = await client.submitProfile(
        { bureauConsent: command.bureauConsent as true },
        { ...o, idempotencyKey: `${command.idempotencyKey}.submit`, journeyID: command.journeyID },
      );
      return response(submitted);
    }
    case "proceedOffer":
      return response(await client.proceedOffer(command.journeyID, command.offerID, o));
    case "stepAction": {
      const body =
        command.data === undefined
          ? { action: command.action }
          : { action: command.action, data: command.data };
      await client.stepAction(command.journeyID, command.stepID, body, o);
      return null;
    }
    case "createConsent":
      await client.createConsent(command.journeyID, o);
      return null;
    case "resumeJourney":
      return {
        type: "journey.loaded",
        journey: await client.resumeJourney(command.journeyID, o),
        at: clock.now(),
      };
  }
}
