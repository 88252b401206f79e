import * as z from "zod/mini";
import { JourneyStatus } from "./lifecycle.js";
import { JourneyId, OfferId, StepId, Timestamp } from "./primitives.js";
import { Resource } from "./resource.js";

/** What the borrower should do next: the source of truth for the screen. */
export const NextActionType = z.enum([
  "SUBMIT_PROFILE",
  "WAIT",
  "SELECT_OFFER",
  "COMPLETE_STEP",
  "RESUME",
  "NONE",
]);
/** What the borrower should do next. */
export type NextActionType = z.infer<typeof NextActionType>;

/** The platform's instruction for the next screen, with the step it concerns and a polling hint. */
export const NextAction = z.object({
  type: NextActionType,
  stepID: z.optional(StepId),
  pollAfterMs: z.optional(z.int().check(z.minimum(0))),
});
/** The platform's instruction for the next screen. */
export type NextAction = z.infer<typeof NextAction>;

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
