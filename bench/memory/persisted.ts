import { ANOMALIES_KEPT, ISSUED_KEYS_KEPT } from "../../machines/journey/journey.types.js";
import type { JourneyState } from "../../src/index.js";
import { versioned } from "../../src/journey/state-version.js";

/** UTF-8 bytes of the JSON a store persists (and `persist()` returns) for one journey's reducer state: its kept form. */
export function persistedBytes(state: JourneyState): number {
  return new TextEncoder().encode(JSON.stringify(versioned(state))).byteLength;
}

/**
 * The same state at the reducer's own bounds: four offers (the sandbox's most), `ISSUED_KEYS_KEPT` issued
 * idempotency keys (UUIDs), `ANOMALIES_KEPT` anomalies and an error with field errors. No real journey
 * fills all of these at once; it is the upper bound the reducer's caps allow with these payloads.
 */
export function atBounds(state: JourneyState): JourneyState {
  const ctx = state.context;
  const offers = ctx.offers ?? [];
  const padded = Array.from({ length: 4 }, (_, i) => {
    const offer = offers[i % Math.max(1, offers.length)]!;
    // The offers held keep their ids (the locked one among them); the padding gets ids of its own.
    return i < offers.length ? offer : { ...offer, id: `${offer.id.slice(0, 20)}x${i}` };
  });
  const key = (i: number) => `${String(i).padStart(8, "0")}-4b1d-4c3a-9e2f-6a7b8c9d0e1f`;
  const at = ctx.now;
  return {
    value: state.value,
    context: {
      ...ctx,
      offers: offers.length > 0 ? padded : ctx.offers,
      issuedKeys: Array.from({ length: ISSUED_KEYS_KEPT }, (_, i) => key(i)),
      anomalies: Array.from({ length: ANOMALIES_KEPT }, (_, i) => ({
        fromStatus: "KYC_PENDING",
        toStatus: "OFFERS_AVAILABLE",
        fromAsOf: 10 + i,
        toAsOf: 11 + i,
        source: "webhook" as const,
        at: at + i,
        resolution: "refuted" as const,
      })),
      error: {
        origin: "mutation",
        code: "VALIDATION_FAILED",
        kind: "invalid",
        event: "step.submit",
        stepID: "stp_bankmandate01",
        retryable: false,
        detail: "One or more fields are invalid.",
        fieldErrors: [
          { path: "data.accountNumber", message: "must be 9 to 18 digits" },
          { path: "data.ifsc", message: "must look like AAAA0XXXXXX" },
        ],
        at,
      },
    },
  };
}
