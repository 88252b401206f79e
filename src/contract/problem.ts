import * as z from "zod/mini";

/** Every machine-readable error code the platform answers with. */
export const PROBLEM_CODES = [
  "UNAUTHENTICATED",
  "TOKEN_EXPIRED",
  "REFRESH_TOKEN_REUSED",
  "SCOPE_FORBIDDEN",
  "NOT_FOUND",
  "VALIDATION_FAILED",
  "INVALID_STATE",
  "OFFER_LOCKED",
  "OFFER_EXPIRED",
  "IDEMPOTENCY_KEY_REQUIRED",
  "IDEMPOTENCY_KEY_REUSED",
  "IDEMPOTENCY_IN_PROGRESS",
  "RATE_LIMITED",
  "INTERNAL",
] as const;

/** A machine-readable error code. */
export const ProblemCode = z.enum(PROBLEM_CODES);
/** A machine-readable error code. */
export type ProblemCode = z.infer<typeof ProblemCode>;

/** An `application/problem+json` error body (RFC 9457) with the platform's `code`. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int().check(z.minimum(400), z.maximum(599)),
  code: ProblemCode,
  detail: z.optional(z.string()),
  correlationID: z.string(),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});
/** An `application/problem+json` error body. */
export type Problem = z.infer<typeof Problem>;
