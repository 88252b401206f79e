import { MUTATION_KINDS, MUTATIONS } from "../../machines/journey/journey.intents.js";
import type {
  FetchJourneyInput,
  MutationInput,
  MutationKind,
  PollInput,
} from "../../machines/journey/journey.types.js";

/**
 * What the reducer asks its host to do, as plain data. Each command's payload is exactly the input of the
 * machine's actor slot of the same job, so a host executes commands or provides actors interchangeably.
 * Every mutating command carries an `idempotencyKey`: a retry repeats it, a new intent brings a new one.
 */
export type JourneyCommand =
  /** (Re)arm polling: fetch `GET …/state` every `inMs` ms (0: at once), replacing any earlier timer. */
  | ({ readonly type: "startPolling" } & PollInput)
  /** Stop polling this journey (ended, offline, session expired, or re-fetching the full journey). */
  | { readonly type: "stopPolling"; readonly journeyID: string }
  /** Fetch `GET /journeys/{id}` once and report `journey.loaded` (or `journey.loadFailed`). */
  | ({ readonly type: "fetchJourney" } & FetchJourneyInput)
  /**
   * One per mutation kind (the registry's `MUTATIONS`: its endpoints, in order), with the pending mutation's
   * payload; report `mutation.succeeded`/`mutation.failed` with the same key. `submitProfile` makes two calls, keys
   * `<key>.upsert` and `<key>.submit`.
   */
  | { [K in MutationKind]: { readonly type: K } & MutationInput<K> }[MutationKind];

/** The type names of every command. */
export type JourneyCommandType = JourneyCommand["type"];

/** The command each actor slot of the machine stands for. */
export const COMMAND_OF_ACTOR: Readonly<Record<string, Exclude<JourneyCommandType, "stopPolling">>> = {
  pollJourneyState: "startPolling",
  fetchJourney: "fetchJourney",
  // Each mutation's actor asks for the command named after its kind (the registry's `MUTATIONS`).
  ...Object.fromEntries(MUTATION_KINDS.map((kind) => [MUTATIONS[kind].actor, kind])),
};

/** Commands that change something on the platform and so carry an Idempotency-Key: one per mutation kind. */
export const MUTATING_COMMANDS: ReadonlySet<JourneyCommandType> = new Set(MUTATION_KINDS);

/** True for a command that mutates platform state (it carries `idempotencyKey`). */
export function isMutatingCommand(
  command: JourneyCommand,
): command is Extract<JourneyCommand, { idempotencyKey: string }> {
  return MUTATING_COMMANDS.has(command.type);
}
