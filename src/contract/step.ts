import * as z from "zod/mini";
import { StepId, Timestamp } from "./primitives.js";
import { Resource } from "./resource.js";

/** The kinds of post-offer steps, in journey order. */
export const StepKind = z.enum(["AA_CONSENT", "KYC", "BANK_MANDATE", "E_MANDATE", "LOAN_AGREEMENT"]);
/** The kinds of post-offer steps. */
export type StepKind = z.infer<typeof StepKind>;

/** Where a step stands. */
export const StepStatus = z.enum([
  "PENDING",
  "ACTION_REQUIRED",
  "IN_PROGRESS",
  "COMPLETED",
  "FAILED",
  "EXPIRED",
]);
/** Where a step stands. */
export type StepStatus = z.infer<typeof StepStatus>;

/** A post-offer step (AA consent, KYC, mandates, agreement) with what it asks of the borrower. */
export const Step = z.object({
  id: StepId,
  kind: StepKind,
  status: StepStatus,
  actionRequired: z.enum(["REDIRECT", "FORM", "DOCUMENT", "WAIT", "NONE"]),
  resource: z.optional(Resource),
  attempts: z.int().check(z.minimum(0)),
  updatedAt: Timestamp,
  failure: z.optional(z.object({ reasonCode: z.string(), retryable: z.boolean() })),
});
/** A post-offer step. */
export type Step = z.infer<typeof Step>;

/** What the borrower does on a step: start it, submit its data, or confirm the return from a redirect. */
export const StepAction = z.enum(["START", "SUBMIT", "CONFIRM_RETURN"]);
/** What the borrower does on a step. */
export type StepAction = z.infer<typeof StepAction>;
