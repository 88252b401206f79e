import { createHmac } from "node:crypto";
import type { JourneyStatus, WebhookBody } from "../../src/contract/index.js";
import { webhookFixture } from "../../src/testing/fixtures.js";

/** Where and how {@link signedDelivery} signs: the secret, the time of the headers, the default journey. */
export interface DeliveryOptions {
  readonly secret: string;
  readonly now: number;
  readonly journeyID: string;
}

/** A delivery built as PLATFORM.md §7 describes [L6], signed with node:crypto, never with the SDK. */
export function signedDelivery(
  eventID: string,
  journeys: { journeyID?: string; status: JourneyStatus; nextAction?: string | null }[],
  at: { generatedAt: number; sequence?: number },
  options: DeliveryOptions,
) {
  const body: WebhookBody = {
    ...webhookFixture(),
    event_id: eventID,
    event_at: new Date(at.generatedAt).toISOString(),
    snapshot_generated_at: new Date(at.generatedAt).toISOString(),
    sequence: at.sequence ?? at.generatedAt,
    borrower: {
      borrowerExternalID: "CUST_0012",
      journeys: journeys.map((j) => ({
        journeyID: j.journeyID ?? options.journeyID,
        status: j.status,
        nextAction: j.nextAction ?? null,
      })),
    },
  };
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(options.now / 1000));
  return {
    body: raw,
    headers: {
      "x-al-event-id": eventID,
      "x-al-webhook-timestamp": timestamp,
      "x-al-webhook-signature": createHmac("sha256", options.secret)
        .update(`${timestamp}.${raw}`)
        .digest("hex"),
    },
  };
}

/** A signer of one-journey deliveries under `options`: each an event id, a status (next action a step) and its time. */
export function stepDeliveries(options: DeliveryOptions) {
  return (eventID: string, status: JourneyStatus, generatedAt: number) =>
    signedDelivery(eventID, [{ status, nextAction: "COMPLETE_STEP" }], { generatedAt }, options);
}
