import type { EndpointName, JourneySnapshot, StepAction } from "../../src/contract/index.js";
import type { MutationKind } from "./journey.types.js";

/**
 * The borrower intents that mutate, one entry each: the one place their facts live. The machine's mutation region
 * (which idle transition, which state, which actor), the reducer's event checks, the pending mutation, the
 * runtime's mutating intents, the commands and the view's `can.*` are all derived from it; test/journey/registry.test.ts
 * checks that the machine, the client, the sandbox and the view handle each.
 */
export const INTENTS = {
  "profile.submit": {
    mutation: "submitProfile",
    can: "submitProfile",
    fields: ["profile", "bureauConsent"],
    askedFor: ({ snapshot }) => snapshot.status === "PROFILE_REQUIRED",
  },
  "offer.select": {
    mutation: "proceedOffer",
    can: "selectOffer",
    fields: ["offerID"],
    askedFor: ({ snapshot }) => snapshot.status === "OFFERS_AVAILABLE",
  },
  // A step without its resource yet (or failed, to try again) is started.
  "step.start": {
    mutation: "stepAction",
    can: "startStep",
    fields: ["stepID"],
    action: "START",
    askedFor: ({ stepped, resource }) => stepped && resource === undefined,
  },
  "step.submit": {
    mutation: "stepAction",
    can: "submitStep",
    fields: ["stepID", "data"],
    action: "SUBMIT",
    askedFor: ({ stepped, resource }) => stepped && (resource === "FORM" || resource === "DOCUMENT"),
  },
  "step.returned": {
    mutation: "stepAction",
    can: "confirmReturn",
    fields: ["stepID"],
    action: "CONFIRM_RETURN",
    askedFor: ({ stepped, resource }) => stepped && resource === "REDIRECT",
  },
  // The AA step is also started by creating its consent.
  "consent.create": {
    mutation: "createConsent",
    can: "createConsent",
    fields: [],
    askedFor: ({ snapshot, stepped, resource }) =>
      snapshot.status === "AA_REQUIRED" && stepped && resource === undefined,
  },
  // A journey whose link expired is resumed.
  "journey.resume": {
    mutation: "resumeJourney",
    can: "resume",
    fields: [],
    askedFor: ({ snapshot }) => snapshot.nextAction === "RESUME",
  },
} as const satisfies Record<
  string,
  {
    readonly mutation: MutationKind;
    /** The `view.can.*` flag that says whether the intent would be taken now. */
    readonly can: string;
    /** The event's fields the mutation carries (its idempotency key aside). */
    readonly fields: readonly string[];
    /** The step action the intent sends (step intents only). */
    readonly action?: StepAction;
    /** Whether the journey's state asks for the intent (`nextAction` and `actionRequired` are the source of truth). */
    readonly askedFor: (facts: AskedFacts) => boolean;
  }
>;

/** What {@link INTENTS}' `askedFor` reads of the state: the snapshot, whether the intent names the current step, and its resource's type. */
export interface AskedFacts {
  readonly snapshot: JourneySnapshot;
  /** A step is required and the intent names it (or names none). */
  readonly stepped: boolean;
  /** The type of the current step's resource (or the journey's), if any. */
  readonly resource: string | undefined;
}

/** A borrower intent that mutates (its event type). */
export type MutatingIntent = keyof typeof INTENTS;

/**
 * The mutations, one entry each: the mutation region's state that carries it, the actor slot it invokes (the
 * command of the same name as the kind), and the platform endpoints it calls, in order (the client's methods and
 * the sandbox's handlers bear the endpoints' names).
 */
export const MUTATIONS = {
  submitProfile: {
    state: "submittingProfile",
    actor: "submitProfile",
    description: "Submitting the profile.",
    endpoints: ["upsertProfile", "submitProfile"],
  },
  proceedOffer: {
    state: "proceedingOffer",
    actor: "proceedOffer",
    description: "Proceeding an offer; the offer lock is held.",
    endpoints: ["proceedOffer"],
  },
  stepAction: {
    state: "actingOnStep",
    actor: "performStepAction",
    description: "Sending a step action.",
    endpoints: ["stepAction"],
  },
  createConsent: {
    state: "creatingConsent",
    actor: "createConsent",
    description: "Creating the AA consent.",
    endpoints: ["createConsent"],
  },
  resumeJourney: {
    state: "resumingJourney",
    actor: "resumeJourney",
    description: "Resuming the journey.",
    endpoints: ["resumeJourney"],
  },
} as const satisfies Record<
  MutationKind,
  {
    readonly state: string;
    readonly actor: string;
    readonly description: string;
    readonly endpoints: readonly EndpointName[];
  }
>;

/** Every mutating intent's event type. */
export const MUTATING_INTENT_TYPES = Object.keys(INTENTS) as MutatingIntent[];

/** Every mutation kind (each is also the type of its command). */
export const MUTATION_KINDS = Object.keys(MUTATIONS) as MutationKind[];
