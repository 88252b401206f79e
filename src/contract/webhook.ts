import * as z from "zod/mini";
import { EventId, Timestamp } from "./primitives.js";
import { JourneySnapshot } from "./snapshot.js";

/** The body of a `journey.snapshot` webhook delivery. The same `id` is sent on every retry. */
export const WebhookEnvelope = z.object({
  id: EventId,
  type: z.literal("journey.snapshot"),
  createdAt: Timestamp,
  correlationID: z.optional(z.string()),
  data: JourneySnapshot,
});
/** The body of a `journey.snapshot` webhook delivery. */
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;

/** A webhook signing secret: `whsec_` and base64 key bytes. */
export const WebhookSecret = z
  .string()
  .check(z.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be whsec_<base64>"));
