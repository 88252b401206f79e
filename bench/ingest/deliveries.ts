import { signWebhook } from "../../src/server/index.js";
import { happyHistory } from "../lib/history.js";

/** One pre-signed webhook delivery: headers and the exact body. */
export interface SignedDelivery {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Signs `journeys` × 18 distinct `journey.snapshot` deliveries (each journey's happy history, asOfs 1–18),
 * ordered asOf-major (every journey's v1, then every journey's v2…) so concurrent connections rarely race on
 * one journey, and every delivery is newer than what the store holds when it arrives in order.
 */
export async function signDeliveries(journeys: number, secret: string): Promise<SignedDelivery[]> {
  const histories = Array.from({ length: journeys }, (_, j) =>
    happyHistory(`jrn_ingest${String(j).padStart(6, "0")}`),
  );
  const timestamp = Math.floor(Date.now() / 1000);
  const unsigned: { id: string; body: string }[] = [];
  const length = histories[0]!.length;
  for (let v = 0; v < length; v++) {
    for (let j = 0; j < journeys; j++) {
      const snapshot = histories[j]![v]!;
      const id = `evt_${String(j).padStart(6, "0")}v${String(v + 1).padStart(2, "0")}`;
      // The documented delivery [L6]: thin (id, status, nextAction), ordered by its generation time and sequence.
      const at = new Date(Date.parse(snapshot.updatedAt ?? "2026-11-26T10:00:00Z") + v).toISOString();
      const body = JSON.stringify({
        schema_version: "1.0.0",
        event_type: "journey.snapshot",
        event_id: id,
        event_at: at,
        snapshot_generated_at: at,
        sequence: v + 1,
        issuer: { source: "credit-api", trigger: "journey.status.updated" },
        borrower: {
          borrowerExternalID: `cust_${j}`,
          journeys: [
            { journeyID: snapshot.journeyID, status: snapshot.status, nextAction: snapshot.nextAction },
          ],
        },
      });
      unsigned.push({ id, body });
    }
  }
  const deliveries: SignedDelivery[] = [];
  // Web Crypto signs asynchronously: batches keep its queue busy without holding every promise at once.
  for (let i = 0; i < unsigned.length; i += 1_000) {
    const batch = unsigned.slice(i, i + 1_000);
    const signed = await Promise.all(
      batch.map(({ id, body }) =>
        signWebhook({ eventID: id, timestamp: timestamp * 1000, body, secrets: secret }),
      ),
    );
    for (const [k, { body }] of batch.entries()) {
      deliveries.push({ headers: { "content-type": "application/json", ...signed[k]! }, body });
    }
  }
  return deliveries;
}
