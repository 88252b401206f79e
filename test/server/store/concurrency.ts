import { expect } from "vitest";
import { JOURNEY_STATUSES, type JourneySnapshot, LIFECYCLE } from "../../../src/contract/index.js";
import type { ApplyWebhookResult, JourneyStore } from "../../../src/server/index.js";
import { snapshotFixture } from "../../../src/testing/fixtures.js";

/** One webhook delivery of the stream: duplicates share the webhook id. */
export interface Delivery {
  readonly webhookId: string;
  readonly snapshot: JourneySnapshot;
}

/** A small seeded PRNG (mulberry32), so the shuffled stream is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 1,000 distinct snapshots of 50 journeys (20 asOfs each, with gaps), every one delivered once to three times,
 * shuffled. Returns the stream and each journey's highest snapshot.
 */
export function shuffledDuplicatedStream(seed = 20261126) {
  const next = random(seed);
  const highest = new Map<string, JourneySnapshot>();
  const deliveries: Delivery[] = [];
  for (let j = 0; j < 50; j++) {
    const journeyID = `jrn_load${j}`;
    let asOf = 0;
    for (let step = 0; step < 20; step++) {
      asOf += 1 + Math.floor(next() * 3);
      const status =
        step === 19 && j % 5 === 0
          ? JOURNEY_STATUSES[13 + (j % 3)]!
          : LIFECYCLE[Math.min(step, LIFECYCLE.length - 1)]!;
      const snapshot = snapshotFixture({ journeyID, asOf, status, offerCount: step });
      highest.set(journeyID, snapshot);
      const copies = 1 + Math.floor(next() * 3);
      for (let c = 0; c < copies; c++) deliveries.push({ webhookId: `msg_${journeyID}_${asOf}`, snapshot });
    }
  }
  for (let i = deliveries.length - 1; i > 0; i--) {
    const k = Math.floor(next() * (i + 1));
    [deliveries[i], deliveries[k]] = [deliveries[k]!, deliveries[i]!];
  }
  return { deliveries, highest, distinct: 1000 };
}

/** Deals the stream round-robin to one writer per store; each writer applies its share in order. */
export async function runWriters(stores: readonly JourneyStore[], deliveries: readonly Delivery[]) {
  const results: { delivery: Delivery; result: ApplyWebhookResult }[] = [];
  await Promise.all(
    stores.map(async (store, w) => {
      for (let i = w; i < deliveries.length; i += stores.length) {
        const delivery = deliveries[i]!;
        const result = await store.applyWebhook({
          webhookId: delivery.webhookId,
          record: { snapshot: delivery.snapshot, state: { asOf: delivery.snapshot.asOf } },
        });
        results.push({ delivery, result });
      }
    }),
  );
  return results;
}

/** Asserts no update was lost: every journey at its highest asOf, every webhook id let through once. */
export async function expectConverged(
  store: JourneyStore,
  stream: ReturnType<typeof shuffledDuplicatedStream>,
  results: Awaited<ReturnType<typeof runWriters>>,
) {
  expect(results).toHaveLength(stream.deliveries.length);
  for (const [journeyID, snapshot] of stream.highest) {
    const held = await store.get(journeyID);
    expect(held?.asOf, journeyID).toBe(snapshot.asOf);
    expect(held?.snapshot, journeyID).toEqual(snapshot);
    expect(held?.state, journeyID).toEqual({ asOf: snapshot.asOf });
  }
  const firstDeliveries = results.filter((r) => !r.result.duplicate).map((r) => r.delivery.webhookId);
  expect(firstDeliveries).toHaveLength(stream.distinct);
  expect(new Set(firstDeliveries).size).toBe(stream.distinct);
  expect(results.filter((r) => r.result.duplicate && r.result.applied)).toEqual([]);
}
