import * as z from "zod/mini";
import { EventId, JourneyId, Timestamp } from "./primitives.js";
import { type JourneySnapshot, JourneyStateData } from "./snapshot.js";

/**
 * The body of a `journey.snapshot` webhook delivery (the first release's model, replaced by issue K). The same
 * `id` is sent on every retry; `createdAt` is the state's order key (`asOf`).
 */
export const WebhookEnvelope = z.object({
  id: EventId,
  type: z.literal("journey.snapshot"),
  createdAt: Timestamp,
  correlationID: z.optional(z.string()),
  data: z.extend(JourneyStateData, { journeyID: JourneyId }),
});
/** The body of a `journey.snapshot` webhook delivery. */
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;

/** A webhook signing secret: `whsec_` and base64 key bytes. */
export const WebhookSecret = z
  .string()
  .check(z.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be whsec_<base64>"));

/** The state a delivery carries, as the SDK holds it: ordered by the event's `createdAt` (`asOf`). */
export function webhookSnapshot(envelope: WebhookEnvelope): JourneySnapshot {
  return {
    ...envelope.data,
    nextAction: envelope.data.nextAction ?? null,
    asOf: Date.parse(envelope.createdAt),
  };
}
