import * as z from "zod/mini";
import { JourneyStatus } from "./lifecycle.js";
import { EventId, JourneyId, Timestamp } from "./primitives.js";
import { type JourneySnapshot, NextAction } from "./snapshot.js";

/**
 * The headers of a delivery [L6], lower-cased as node:http and Fetch hand them over. The platform signs
 * `` `${timestamp}.${rawBody}` `` with HMAC-SHA256 under the application's secret, hex [L6].
 */
export const WEBHOOK_HEADERS = {
  eventID: "x-al-event-id",
  tenantID: "x-al-tenant-id",
  applicationID: "x-al-application-id",
  timestamp: "x-al-webhook-timestamp",
  signature: "x-al-webhook-signature",
} as const;

/** The one event type documented for partners [L6]; others are read (an open set) and not applied. */
export const JOURNEY_SNAPSHOT_EVENT = "journey.snapshot";

/** One journey a delivery names: its id, status and next action [L6] (unknown fields stripped). */
export const WebhookJourney = z.object({
  journeyID: JourneyId,
  status: JourneyStatus,
  nextAction: z.optional(NextAction),
});
/** One journey a delivery names. */
export type WebhookJourney = z.infer<typeof WebhookJourney>;

/**
 * The body of a delivery, `journey.snapshot` [L6]. Documented: `schema_version`, `event_type`, `event_id`,
 * `event_at`, `snapshot_generated_at`, `sequence`, `issuer { source, trigger }`, `tenant_id`, `application_id`,
 * `borrower { borrowerExternalID, journeys[] }`. Modelled, since the shared page describes a singular
 * `borrower.journey` [C1]: that form is read too. Every field but `event_id`, `event_type` and the borrower's
 * journeys is optional; unknown fields (lender, offer and profile data of the "OutBound" form) are stripped.
 */
export const WebhookBody = z.object({
  schema_version: z.optional(z.string().check(z.maxLength(32))),
  event_type: z.string().check(z.minLength(1), z.maxLength(64)),
  event_id: EventId,
  event_at: z.optional(Timestamp),
  snapshot_generated_at: z.optional(Timestamp),
  sequence: z.optional(z.int().check(z.minimum(0))),
  issuer: z.optional(
    z.object({
      source: z.optional(z.string().check(z.maxLength(64))),
      trigger: z.optional(z.string().check(z.maxLength(128))),
    }),
  ),
  tenant_id: z.optional(z.string().check(z.maxLength(64))),
  application_id: z.optional(z.string().check(z.maxLength(64))),
  borrower: z.object({
    borrowerExternalID: z.optional(z.string().check(z.maxLength(256))),
    journeys: z.optional(z.array(WebhookJourney).check(z.maxLength(64))),
    journey: z.optional(WebhookJourney),
  }),
});
/** The body of a delivery. */
export type WebhookBody = z.infer<typeof WebhookBody>;

/** A journey update a delivery carries, as the SDK applies it: the thin state, its order key and `sequence`. */
export interface WebhookUpdate {
  /** The state the delivery names (status and nextAction only), ordered by `asOf`. */
  readonly snapshot: JourneySnapshot;
  /** The delivery's `sequence`, when it has one: orders this journey's deliveries among themselves. */
  readonly sequence: number | undefined;
}

/**
 * The journeys a delivery names, each as a thin snapshot: `asOf` is `snapshot_generated_at` (else `event_at`),
 * the platform's time of the state [L6]. Both body forms read (`journeys[]`, `journey`); a journey named twice
 * counts once (the last). Returns `undefined` when the body gives no usable time (nothing can be ordered).
 */
export function webhookUpdates(body: WebhookBody): WebhookUpdate[] | undefined {
  const at = body.snapshot_generated_at ?? body.event_at;
  const asOf = at === undefined ? Number.NaN : Date.parse(at);
  // Before 1970 is no order key (asOf ≥ 0): such a delivery is refused as unordered, never stored.
  if (!(asOf >= 0)) return undefined;
  const named = [
    ...(body.borrower.journeys ?? []),
    ...(body.borrower.journey ? [body.borrower.journey] : []),
  ];
  const byJourney = new Map(named.map((journey) => [journey.journeyID, journey]));
  return [...byJourney.values()].map((journey) => ({
    snapshot: {
      journeyID: journey.journeyID,
      status: journey.status,
      nextAction: journey.nextAction ?? null,
      asOf,
    },
    sequence: body.sequence,
  }));
}
