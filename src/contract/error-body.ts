import * as z from "zod/mini";

export * from "./error-codes.js";

/**
 * One failing field of a `VALIDATION_FAILED` answer (modelled: the docs say field errors may be given, not how).
 * `path` is dotted (`workProfile.income`); `code` says what kind of failure (`required`, `pattern`, `format`,
 * `range`, or another string).
 */
export const FieldIssue = z.object({
  path: z.string(),
  message: z.string(),
  code: z.optional(z.string()),
});
/** One failing field of a `VALIDATION_FAILED` answer. */
export type FieldIssue = z.infer<typeof FieldIssue>;

/**
 * The error body `{ error: { code, message } }` [L3], with or without the envelope's other fields; `fields`
 * carries field errors when given (modelled). Sent as plain `application/json`.
 */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.optional(z.string()),
    fields: z.optional(z.array(FieldIssue)),
  }),
});
/** The platform's error body. */
export type ErrorBody = z.infer<typeof ErrorBody>;
