import type {
  CreateConsentInput,
  FetchJourneyInput,
  PollInput,
  ProceedOfferInput,
  ResumeJourneyInput,
  StepActionInput,
  SubmitProfileInput,
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
  /** `PUT /profile` then `POST /profile/submit` (keys `<key>.upsert`, `<key>.submit`); report `mutation.succeeded`/`mutation.failed` with the same key. */
  | ({ readonly type: "submitProfile" } & SubmitProfileInput)
  /** `POST /journeys/{id}/offers/{offerID}/proceed`. */
  | ({ readonly type: "proceedOffer" } & ProceedOfferInput)
  /** `POST /journeys/{id}/steps/{stepID}/actions` with `{ action, data? }`. */
  | ({ readonly type: "stepAction" } & StepActionInput)
  /** `POST /journeys/{id}/aa/consents`. */
  | ({ readonly type: "createConsent" } & CreateConsentInput)
  /** `PATCH /journeys/{id}/resume`. */
  | ({ readonly type: "resumeJourney" } & ResumeJourneyInput);

/** The type names of every command. */
export type JourneyCommandType = JourneyCommand["type"];

/** The command each actor slot of the machine stands for. */
export const COMMAND_OF_ACTOR: Readonly<Record<string, Exclude<JourneyCommandType, "stopPolling">>> = {
  pollJourneyState: "startPolling",
  fetchJourney: "fetchJourney",
  submitProfile: "submitProfile",
  proceedOffer: "proceedOffer",
  performStepAction: "stepAction",
  createConsent: "createConsent",
  resumeJourney: "resumeJourney",
};

/** Commands that change something on the platform and so carry an Idempotency-Key. */
export const MUTATING_COMMANDS: ReadonlySet<JourneyCommandType> = new Set([
  "submitProfile",
  "proceedOffer",
  "stepAction",
  "createConsent",
  "resumeJourney",
]);

/** True for a command that mutates platform state (it carries `idempotencyKey`). */
export function isMutatingCommand(
  command: JourneyCommand,
): command is Extract<JourneyCommand, { idempotencyKey: string }> {
  return MUTATING_COMMANDS.has(command.type);
}
