import * as z from "zod/mini";
import { JourneyStatus } from "./lifecycle.js";
import { JourneyId, OfferId, StepId, Timestamp } from "./primitives.js";
import { Resource } from "./resource.js";

/**
 * The `nextAction` values known to the SDK. Documented: `VIEW_OFFERS` [L6]. Modelled (the platform's docs are
 * silent; the sandbox sends them): the rest. The set is open: any other string passes as it is.
 */
export const NEXT_ACTIONS = {
  VIEW_OFFERS: "documented [L6]: offers wait for the borrower's choice",
  SUBMIT_PROFILE: "modelled: the profile is required",
  COMPLETE_STEP: "modelled: the current step needs the borrower (see actionRequired)",
  RESUME: "modelled: a step's resource expired; resume the journey for a new one",
  WAIT: "modelled: nothing to do but wait for the platform",
} as const;

/** A `nextAction` the SDK knows, or any other string the platform sends. */
export type KnownNextAction = keyof typeof NEXT_ACTIONS;

/**
 * What the borrower should do next: a string or `null` [L3] [L4], with `actionRequired` the source of truth for
 * the next screen [S]. An open set (see {@link NEXT_ACTIONS}).
 */
export const NextAction = z.nullable(z.string().check(z.maxLength(64)));
/** What the borrower should do next, or `null`. */
export type NextAction = KnownNextAction | (string & {}) | null;

/** How the borrower acts on the current step. */
export const ActionKind = z.enum(["REDIRECT", "FORM", "DOCUMENT", "WAIT"]);
/** How the borrower acts on the current step. */
export type ActionKind = z.infer<typeof ActionKind>;

/** Present when the borrower must act on a step: which step, how, and with what resource. */
export const ActionRequired = z.object({
  stepID: StepId,
  kind: ActionKind,
  resource: z.optional(Resource),
});
/** Present when the borrower must act on a step. */
export type ActionRequired = z.infer<typeof ActionRequired>;

/** Why the journey is where it is; never personal data. */
export const Diagnostics = z.object({
  reasonCode: z.optional(z.string()),
  message: z.optional(z.string()),
  retryable: z.optional(z.boolean()),
  at: z.optional(Timestamp),
});
/** Why the journey is where it is; never personal data. */
export type Diagnostics = z.infer<typeof Diagnostics>;

/** The journey's public state, as `GET /journeys/{id}/state` returns and every `journey.snapshot` webhook carries. */
export const JourneySnapshot = z.object({
  journeyID: JourneyId,
  version: z.int().check(z.minimum(1)),
  status: JourneyStatus,
  nextAction: NextAction,
  actionRequired: z.optional(ActionRequired),
  lockedOfferID: z.optional(OfferId),
  offerCount: z.optional(z.int().check(z.minimum(0))),
  diagnostics: Diagnostics,
  updatedAt: Timestamp,
  expiresAt: z.optional(Timestamp),
});
/** The journey's public state. `version` strictly increases on every change. */
export type JourneySnapshot = z.infer<typeof JourneySnapshot>;
