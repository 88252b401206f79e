/**
 * Reconcilers on several workers sharing one PostgreSQL (issue N, item 2): the store leases stale journeys
 * (`leaseStale`, `FOR UPDATE SKIP LOCKED`), so each is polled by one worker per interval, and a worker that dies
 * mid-pass only delays its journeys until their leases run out.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { JourneySnapshot } from "../../src/contract/index.js";
import { createPostgresJourneyStore, createReconciler, type JourneyStore } from "../../src/server/index.js";
import { runPostgres } from "../support/postgres.js";
import { snapshotOf } from "./store-conformance.js";

const server = runPostgres();
const JOURNEYS = 40;
const STALE_AFTER_MS = 60_000;

let stores: JourneyStore[] = [];
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  stores = [];
});

/** Four stores (four workers' pools) on one fresh database, on one clock; 40 journeys stored, then left stale. */
async function fourWorkers() {
  const connectionString = await server.createDatabase();
  const clock = { t: Date.parse("2026-11-26T10:00:00Z") };
  const now = () => clock.t;
  stores = await Promise.all(
    Array.from({ length: 4 }, () => createPostgresJourneyStore({ connectionString, max: 2, now })),
  );
  for (let n = 1; n <= JOURNEYS; n++)
    await stores[0]!.applySnapshot({ snapshot: snapshotOf(n, 1, "KYC_PENDING") });
  clock.t += 2 * STALE_AFTER_MS;
  const polls = new Map<string, number>();
  /** The platform: every other journey has moved on (a newer snapshot), the rest are as stored. */
  const platform = async (journeyID: string): Promise<JourneySnapshot> => {
    polls.set(journeyID, (polls.get(journeyID) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const n = Number(journeyID.replace("jrn_c", ""));
    return snapshotOf(n, n % 2 === 0 ? 2 : 1, n % 2 === 0 ? "BANK_MANDATE_PENDING" : "KYC_PENDING");
  };
  const reconcilerOn = (store: JourneyStore, fetchState = platform) =>
    createReconciler({ store, fetchState, now, staleAfterMs: STALE_AFTER_MS, batchSize: 15 });
  return { clock, polls, reconcilerOn };
}

describe("reconcilers on 4 workers sharing one PostgreSQL", () => {
  it("poll each stale journey exactly once per interval, and again once the next interval makes it stale", async () => {
    const { clock, polls, reconcilerOn } = await fourWorkers();
    const reconcilers = stores.map((store) => reconcilerOn(store));
    const first = await Promise.all(reconcilers.map((r) => r.runOnce()));
    expect(first.reduce((sum, r) => sum + r.checked, 0)).toBe(JOURNEYS);
    expect(first.flatMap((r) => r.failed)).toEqual([]);
    expect([...polls.values()]).toEqual(Array(JOURNEYS).fill(1));
    // The same interval: nothing is stale any more, whoever asks.
    const again = await Promise.all(reconcilers.map((r) => r.runOnce()));
    expect(again.map((r) => r.checked)).toEqual([0, 0, 0, 0]);
    clock.t += STALE_AFTER_MS + 1;
    await Promise.all(reconcilers.map((r) => r.runOnce()));
    expect(polls.size).toBe(JOURNEYS);
    expect([...polls.values()]).toEqual(Array(JOURNEYS).fill(2));
    for (let n = 1; n <= JOURNEYS; n++)
      expect((await stores[1]!.get(`jrn_c${n}`))?.asOf).toBe(n % 2 === 0 ? 2 : 1);
  });

  it("a worker that dies mid-pass loses nothing: its leased journeys go to the others once the leases run out", async () => {
    const { clock, polls, reconcilerOn } = await fourWorkers();
    const held = new Set<string>();
    // Worker 4 takes its batch and never answers (killed mid-pass): its pass never ends.
    const dying = reconcilerOn(stores[3]!, (journeyID) => {
      held.add(journeyID);
      return new Promise<never>(() => {});
    });
    void dying.runOnce();
    await expect.poll(() => held.size).toBeGreaterThan(0);
    const live = stores.slice(0, 3).map((store) => reconcilerOn(store));
    const during = await Promise.all(live.map((r) => r.runOnce()));
    // The live workers took every journey but the dead one's.
    expect(during.reduce((sum, r) => sum + r.checked, 0)).toBe(JOURNEYS - 15);
    expect([...held].some((id) => polls.has(id))).toBe(false);
    // Its leases run out (leaseMs defaults to staleAfterMs): the live workers take its journeys, once each.
    clock.t += STALE_AFTER_MS;
    const after = await Promise.all(live.map((r) => r.runOnce()));
    expect(after.reduce((sum, r) => sum + r.checked, 0)).toBe(15);
    expect([...held].map((id) => polls.get(id))).toEqual(Array(held.size).fill(1));
    for (let n = 1; n <= JOURNEYS; n++)
      expect((await stores[0]!.get(`jrn_c${n}`))?.asOf).toBe(n % 2 === 0 ? 2 : 1);
  });
});
