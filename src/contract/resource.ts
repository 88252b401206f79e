import * as z from "zod/mini";
import { HttpUrl, Timestamp } from "./primitives.js";

/** A hosted page the app opens (never embeds); the borrower comes back to `returnUrl`. Expires. */
export const RedirectResource = z.object({
  type: z.literal("REDIRECT"),
  url: HttpUrl,
  returnUrl: HttpUrl,
  expiresAt: Timestamp,
});
/** A hosted page the app opens (never embeds); the borrower comes back to `returnUrl`. */
export type RedirectResource = z.infer<typeof RedirectResource>;

/** One field of a FORM resource. */
export const FormField = z.object({
  name: z.string().check(z.minLength(1)),
  label: z.string(),
  kind: z.enum(["text", "number", "date", "select", "checkbox"]),
  required: z.boolean(),
  pattern: z.optional(z.string()),
  options: z.optional(z.array(z.object({ value: z.string(), label: z.string() }))),
});
/** One field of a FORM resource. */
export type FormField = z.infer<typeof FormField>;

/** A form the app renders natively and submits as the step's `SUBMIT` data. */
export const FormResource = z.object({
  type: z.literal("FORM"),
  fields: z.array(FormField),
});
/** A form the app renders natively and submits as the step's `SUBMIT` data. */
export type FormResource = z.infer<typeof FormResource>;

/** A document to show the borrower (e.g. the loan agreement) before they confirm it. */
export const DocumentResource = z.object({
  type: z.literal("DOCUMENT"),
  url: HttpUrl,
  mimeType: z.string().check(z.regex(/^[\w.+-]+\/[\w.+-]+$/, "must be a MIME type")),
  expiresAt: z.optional(Timestamp),
});
/** A document to show the borrower before they confirm it. */
export type DocumentResource = z.infer<typeof DocumentResource>;

/** Nothing to do but wait; poll again after `pollAfterMs`. */
export const WaitResource = z.object({
  type: z.literal("WAIT"),
  reason: z.string(),
  pollAfterMs: z.int().check(z.minimum(0)),
});
/** Nothing to do but wait; poll again after `pollAfterMs`. */
export type WaitResource = z.infer<typeof WaitResource>;

/** What a step asks of the app, discriminated by `type`. */
export const Resource = z.discriminatedUnion("type", [
  RedirectResource,
  FormResource,
  DocumentResource,
  WaitResource,
]);
/** What a step asks of the app, discriminated by `type`. */
export type Resource = z.infer<typeof Resource>;
