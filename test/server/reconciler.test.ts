import { describe, expect, it } from "vitest";
import type { JourneySnapshot } from "../../src/contract/index.js";
import { createManualClock } from "../../src/runtime/clock.js";
import {
  createReconciler,
  ReconcilerConfigError,
  ReconcileTimeoutError,
} from "../../src/server/reconciler.js";
import { StoreInputError } from "../../src/server/store/errors.js";
import { createMemoryJourneyStore } from "../../src/server/store/memory.js";
import type { LeaseHeld } from "../../src/server/store/types.js";
import { journeyFixture, snapshotFixture } from "../../src/testing/fixtures.js";

function clockAt(start: number) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), date: () => new Date(t) };
}

/** A memory store on a manual clock holding `ids` at asOf 1, the clock then moved 2 minutes on (all stale). */
async function staleOnManualClock(ids: readonly string[]) {
  const clock = createManualClock(Date.UTC(2026, 10, 26));
  const store = createMemoryJourneyStore({ now: () => new Date(clock.now()) });
  for (const id of ids) await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: id, asOf: 1 }) });
  clock.advance(120_000);
  return { clock, store };
}

describe("reconciler", () => {
  it("re-fetches only stale non-ended journeys, applies what moved on and marks the rest fresh", async () => {
    const clock = clockAt(Date.UTC(2026, 10, 26));
    const store = createMemoryJourneyStore({ now: clock.date });
    await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: "jrn_a", asOf: 3 }) });
    await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: "jrn_b", asOf: 4 }) });
    await store.applySnapshot({
      snapshot: snapshotFixture({ journeyID: "jrn_end", asOf: 9, status: "REJECTED" }),
    });
    clock.advance(120_000);
    await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: "jrn_fresh", asOf: 1 }) });

    const server: Record<string, JourneySnapshot> = {
      jrn_a: snapshotFixture({ journeyID: "jrn_a", asOf: 5, status: "OFFER_SELECTED" }),
      // The same state read later: written (older deliveries become stale) but counted current.
      jrn_b: snapshotFixture({ journeyID: "jrn_b", asOf: 6 }),
    };
    const fetched: string[] = [];
    const told: number[] = [];
    const reconciler = createReconciler({
      store,
      now: clock.now,
      staleAfterMs: 60_000,
      // What was written is told (a change feed, a relay), as the webhook handler's onSnapshot.
      onSnapshot: (snapshot) => void told.push(snapshot.asOf),
      fetchState: async (id) => {
        fetched.push(id);
        const snapshot = server[id];
        if (!snapshot) throw new Error(`unexpected fetch of ${id}`);
        return snapshot;
      },
    });
    const report = await reconciler.runOnce();
    expect(fetched.sort()).toEqual(["jrn_a", "jrn_b"]);
    expect(report).toMatchObject({ checked: 2, updated: 1, current: 1, failed: [] });
    const updated = await store.get("jrn_a");
    expect(updated?.snapshot.status).toBe("OFFER_SELECTED");
    // Applied through the journey reducer, as the webhook handler does: the stored state is the reducer's.
    expect(
      (updated?.state as { context: { snapshot: { asOf: number } } } | null)?.context.snapshot.asOf,
    ).toBe(5);
    expect((await store.get("jrn_b"))?.asOf).toBe(6);
    expect(told.sort()).toEqual([5, 6]);
    expect((await reconciler.runOnce()).checked).toBe(0);
  });

  it("stores the row at the reducer state's key when the journey read it asks for is later than the poll: the state stays readable", async () => {
    let t = Date.UTC(2026, 10, 26);
    const corrupt: unknown[] = [];
    const store = createMemoryJourneyStore({
      now: () => new Date(t),
      onCorruptRecord: (c) => corrupt.push(c),
    });
    await store.applySnapshot({
      snapshot: snapshotFixture({
        journeyID: "jrn_a",
        asOf: t - 1_000,
        status: "OFFERS_PENDING",
        nextAction: "WAIT",
      }),
    });
    t += 120_000;
    const { asOf: _asOf, ...available } = snapshotFixture({ journeyID: "jrn_a" });
    const reconciler = createReconciler({
      store,
      now: () => t,
      staleAfterMs: 60_000,
      fetchState: async () => snapshotFixture({ journeyID: "jrn_a", asOf: t }),
      // The whole journey (asked for by OFFERS_AVAILABLE) read 50 ms after the state.
      fetchJourney: async () => journeyFixture({ ...available, asOf: t + 50 }),
    });
    expect(await reconciler.runOnce()).toMatchObject({ updated: 1, failed: [] });
    const row = await store.get("jrn_a");
    const state = row?.state as { context: { asOf: number } } | null | undefined;
    expect(row?.asOf).toBe(t + 50);
    expect(state?.context.asOf).toBe(t + 50);
    expect(corrupt).toEqual([]);
  });

  it("gives up a journey whose read never settles when the pass's lease ends: reported, the others done, stop() settles", async () => {
    const { clock, store } = await staleOnManualClock(["jrn_hangs", "jrn_ok"]);
    const reconciler = createReconciler({
      store,
      clock,
      staleAfterMs: 60_000,
      leaseMs: 30_000,
      fetchState: (id) =>
        id === "jrn_hangs"
          ? new Promise<never>(() => {})
          : Promise.resolve(snapshotFixture({ journeyID: id, asOf: clock.now() })),
    });
    const reports: unknown[] = [];
    reconciler.start(1_000, (report) => reports.push(report));
    for (let s = 0; s < 32 && reports.length === 0; s++) {
      clock.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const report = reports[0] as Awaited<ReturnType<typeof reconciler.runOnce>>;
    expect(report).toMatchObject({ checked: 2, current: 1 });
    expect(report.failed.map((f) => f.journeyID)).toEqual(["jrn_hangs"]);
    expect(report.failed[0]?.error).toBeInstanceOf(ReconcileTimeoutError);
    // The pass is over: stop() does not wait on the read that never settles.
    const stopped = await Promise.race([
      reconciler.stop().then(() => "stopped"),
      new Promise((resolve) => setTimeout(() => resolve("pending"), 200)),
    ]);
    expect(stopped).toBe("stopped");
  });

  it("aborts the reads of a journey it gave up with the timeout, and writes nothing that arrives after it", async () => {
    const { clock, store } = await staleOnManualClock(["jrn_aborts", "jrn_late"]);
    const reasons: unknown[] = [];
    let answerLate: (() => void) | undefined;
    const reconciler = createReconciler({
      store,
      clock,
      staleAfterMs: 60_000,
      leaseMs: 30_000,
      fetchState: (id, { signal }) =>
        new Promise<JourneySnapshot>((resolve, reject) => {
          const later = snapshotFixture({ journeyID: id, asOf: 99, status: "OFFER_SELECTED" });
          // One read honours the signal; the other ignores it and answers once the pass has given it up.
          if (id === "jrn_aborts")
            signal.addEventListener("abort", () => {
              reasons.push(signal.reason);
              reject(signal.reason);
            });
          else answerLate = () => resolve(later);
        }),
    });
    const pass = reconciler.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 0));
    clock.advance(30_000);
    const report = await pass;
    expect(report.failed.map((f) => f.journeyID).sort()).toEqual(["jrn_aborts", "jrn_late"]);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(ReconcileTimeoutError);
    answerLate?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await store.get("jrn_late"))?.asOf).toBe(1);
    expect((await store.get("jrn_aborts"))?.asOf).toBe(1);
  });

  it("leaves the journeys a pass had not reached when its lease ran out to the next lease: one poll each, but the one in flight", async () => {
    let t = Date.UTC(2026, 10, 26);
    const store = createMemoryJourneyStore({ now: () => new Date(t) });
    for (let i = 0; i < 6; i++)
      await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: `jrn_${i}`, asOf: 1 }) });
    t += 120_000;
    const fetches: string[] = [];
    const worker = (name: string, slow: boolean) =>
      createReconciler({
        store,
        now: () => t,
        staleAfterMs: 60_000,
        concurrency: 1,
        fetchState: async (id) => {
          fetches.push(`${name}:${id}`);
          // Each of A's reads takes 20 s: its 60 s lease runs out on its third journey.
          if (slow) {
            t += 20_000;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
          return snapshotFixture({ journeyID: id, asOf: t });
        },
      });
    const passA = worker("A", true).runOnce();
    while (fetches.length < 3) await new Promise<void>((resolve) => setImmediate(resolve));
    const reportB = await worker("B", false).runOnce();
    const reportA = await passA;
    expect(reportA.checked).toBe(3);
    const polled = fetches.map((f) => f.split(":")[1]);
    // Every journey polled, and only the one A was reading when its lease ran out by both.
    expect(new Set(polled).size).toBe(6);
    expect(polled.length - new Set(polled).size).toBeLessThanOrEqual(1);
    expect(reportB.checked).toBeGreaterThanOrEqual(3);
  });

  it("reports a read the new state asks for that fails, tells what it wrote, and reads again next pass", async () => {
    const clock = clockAt(Date.UTC(2026, 10, 26));
    const store = createMemoryJourneyStore({ now: clock.date });
    await store.applySnapshot({
      snapshot: snapshotFixture({ journeyID: "jrn_o", asOf: 3, status: "OFFERS_PENDING", nextAction: null }),
    });
    clock.advance(120_000);
    let readable = false;
    const told: number[] = [];
    const reconciler = createReconciler({
      store,
      now: clock.now,
      staleAfterMs: 60_000,
      onSnapshot: (snapshot) => void told.push(snapshot.asOf),
      fetchState: async () =>
        snapshotFixture({
          journeyID: "jrn_o",
          asOf: 5,
          status: "OFFERS_AVAILABLE",
          nextAction: "VIEW_OFFERS",
        }),
      // The offers the new state asks for cannot be read, until they can.
      fetchJourney: async () => {
        if (!readable) throw new Error("platform unavailable");
        return {
          ...journeyFixture({ status: "OFFERS_AVAILABLE", nextAction: "VIEW_OFFERS", asOf: 5 }),
          journeyID: "jrn_o",
        };
      },
    });
    const report = await reconciler.runOnce();
    expect(report.failed.map((f) => [f.journeyID, String(f.error)])).toEqual([
      ["jrn_o", "Error: platform unavailable"],
    ]);
    expect(report.updated + report.current).toBe(0);
    expect(await store.get("jrn_o")).toMatchObject({ status: "OFFERS_AVAILABLE", complete: false });
    // The write stands, so it is told (a relay's watchers see OFFERS_AVAILABLE).
    expect(told).toEqual([5]);
    // Stale again, the platform no newer: the incomplete row is settled anyway, the offers read this time.
    readable = true;
    clock.advance(120_000);
    expect(await reconciler.runOnce()).toMatchObject({ checked: 1, updated: 1, failed: [] });
    expect(await store.get("jrn_o")).toMatchObject({ status: "OFFERS_AVAILABLE", complete: true });
  });

  it("reports an onSnapshot that throws in the pass's failed, and the write stands", async () => {
    const clock = clockAt(Date.UTC(2026, 10, 26));
    const store = createMemoryJourneyStore({ now: clock.date });
    await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: "jrn_a", asOf: 3 }) });
    clock.advance(120_000);
    const reconciler = createReconciler({
      store,
      now: clock.now,
      fetchState: async () => snapshotFixture({ journeyID: "jrn_a", asOf: 5, status: "OFFER_SELECTED" }),
      onSnapshot: () => {
        throw new Error("feed down");
      },
    });
    const report = await reconciler.runOnce();
    expect(report.failed.map((f) => String(f.error))).toEqual(["Error: feed down"]);
    expect((await store.get("jrn_a"))?.asOf).toBe(5);
  });

  it("never runs more fetches at once than its concurrency, and reports failures without stopping", async () => {
    const clock = clockAt(Date.UTC(2026, 10, 26));
    const store = createMemoryJourneyStore({ now: clock.date });
    for (let i = 0; i < 12; i++) {
      await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: `jrn_${i}`, asOf: 1 }) });
    }
    clock.advance(61_000);
    let inFlight = 0;
    let peak = 0;
    const reconciler = createReconciler({
      store,
      now: clock.now,
      concurrency: 3,
      fetchState: async (id) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        if (id === "jrn_7") throw new Error("platform down");
        return snapshotFixture({ journeyID: id, asOf: 2, status: "OFFER_SELECTED" });
      },
    });
    const report = await reconciler.runOnce();
    expect(peak).toBe(3);
    expect(report.updated).toBe(11);
    expect(report.failed.map((f) => f.journeyID)).toEqual(["jrn_7"]);
    expect(
      (await store.listStale({ olderThan: new Date(clock.now()), limit: 50 })).map((j) => j.journeyID),
    ).toEqual(["jrn_7"]);
  });

  it("reports a platform answer no store can hold (a NUL), and reads it again only once stale again", async () => {
    const clock = clockAt(Date.UTC(2026, 10, 26));
    const store = createMemoryJourneyStore({ now: clock.date });
    await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: "jrn_nul", asOf: 1 }) });
    await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: "jrn_ok", asOf: 1 }) });
    clock.advance(61_000);
    const fetched: string[] = [];
    const reconciler = createReconciler({
      store,
      now: clock.now,
      staleAfterMs: 60_000,
      fetchState: async (id) => {
        fetched.push(id);
        const nextAction = id === "jrn_nul" ? "COMPLETE\u0000STEP" : "VIEW_OFFERS";
        return snapshotFixture({ journeyID: id, asOf: 2, status: "OFFER_SELECTED", nextAction });
      },
    });
    const first = await reconciler.runOnce();
    expect(first.failed.map((f) => f.journeyID)).toEqual(["jrn_nul"]);
    expect(first.failed[0]?.error).toBeInstanceOf(StoreInputError);
    expect(first.updated).toBe(1);
    // Not read again at the next pass (it would fail alike), and nothing of it was written.
    clock.advance(1_000);
    expect((await reconciler.runOnce()).checked).toBe(0);
    expect((await store.get("jrn_nul"))?.asOf).toBe(1);
    // Read again once stale again.
    clock.advance(60_000);
    const later = await reconciler.runOnce();
    expect(fetched.filter((id) => id === "jrn_nul")).toHaveLength(2);
    expect(later.failed.map((f) => f.journeyID)).toEqual(["jrn_nul"]);
  });

  it("hands back the lease it took: touch (found current) and releaseLease (failed) name it, so another worker's stays", async () => {
    const clock = clockAt(Date.UTC(2026, 10, 26));
    const store = createMemoryJourneyStore({ now: clock.date });
    await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: "jrn_current", asOf: 1 }) });
    await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: "jrn_failing", asOf: 1 }) });
    clock.advance(61_000);
    const handedBack: { call: string; journeyID: string; leasedUntil: number | undefined }[] = [];
    const spied = {
      ...store,
      touch: (journeyID: string, lease?: LeaseHeld) => {
        handedBack.push({ call: "touch", journeyID, leasedUntil: lease?.leasedUntil.getTime() });
        return store.touch(journeyID, lease);
      },
      releaseLease: (journeyID: string, lease?: LeaseHeld) => {
        handedBack.push({ call: "releaseLease", journeyID, leasedUntil: lease?.leasedUntil.getTime() });
        return store.releaseLease!(journeyID, lease);
      },
    };
    const leaseEnds = clock.now() + 30_000;
    const reconciler = createReconciler({
      store: spied,
      now: clock.now,
      staleAfterMs: 60_000,
      leaseMs: 30_000,
      fetchState: async (id) => {
        if (id === "jrn_failing") throw new Error("platform down");
        return snapshotFixture({ journeyID: id, asOf: 1 });
      },
    });
    const report = await reconciler.runOnce();
    expect(report.failed.map((f) => f.journeyID)).toEqual(["jrn_failing"]);
    expect(handedBack.sort((a, b) => a.call.localeCompare(b.call))).toEqual([
      { call: "releaseLease", journeyID: "jrn_failing", leasedUntil: leaseEnds },
      { call: "touch", journeyID: "jrn_current", leasedUntil: leaseEnds },
    ]);
  });

  it("runs a pass every intervalMs on its clock once started, and none after stop", async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 26));
    const store = createMemoryJourneyStore({ now: clock.now });
    await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: "jrn_t", asOf: 3 }) });
    const reports: unknown[] = [];
    const reconciler = createReconciler({
      store,
      clock,
      staleAfterMs: 60_000,
      fetchState: async () => snapshotFixture({ journeyID: "jrn_t", asOf: 3 }),
    });
    reconciler.start(90_000, (report) => void reports.push(report));
    clock.advance(89_999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reports).toEqual([]);
    clock.advance(1);
    await expect.poll(() => reports).toEqual([{ checked: 1, updated: 0, current: 1, failed: [] }]);
    // Found current, it was marked fresh; an interval (longer than staleAfterMs) later it is stale again.
    clock.advance(90_000);
    await expect.poll(() => reports.length).toBe(2);
    expect(reports[1]).toMatchObject({ checked: 1, current: 1 });
    reconciler.stop();
    clock.advance(10 * 90_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reports.length).toBe(2);
    expect(clock.pending()).toBe(0);
  });

  it("lets an async onReport stop the reconciler: that stop() settles, and it starts again", async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 26));
    const store = createMemoryJourneyStore({ now: clock.now });
    const reconciler = createReconciler({
      store,
      clock,
      fetchState: async () => snapshotFixture({ journeyID: "jrn_t", asOf: 3 }),
    });
    let stopped = false;
    reconciler.start(1_000, async () => {
      // "Stop once a pass reports…": it awaited the very pass it was called from, for ever.
      await reconciler.stop();
      stopped = true;
    });
    clock.advance(1_000);
    await expect.poll(() => stopped, { timeout: 2_000 }).toBe(true);
    const reports: unknown[] = [];
    reconciler.start(1_000, (report) => void reports.push(report));
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      await expect.poll(() => reports.length).toBe(i + 1);
    }
    await reconciler.stop();
  });

  it("refuses bad options when created, and a bad interval when started, naming the field", () => {
    const store = createMemoryJourneyStore();
    const fetchState = async () => snapshotFixture();
    const cases: [Record<string, unknown>, string][] = [
      [{}, "store"],
      [{ store: {}, fetchState }, "store"],
      [{ store }, "fetchState"],
      [{ store, fetchState, apply: "yes" }, "apply"],
      [{ store, fetchState, concurrency: 0 }, "concurrency"],
      [{ store, fetchState, batchSize: 1.5 }, "batchSize"],
      [{ store, fetchState, staleAfterMs: -1 }, "staleAfterMs"],
      [{ store, fetchState, clock: Date }, "clock"],
    ];
    for (const [options, field] of cases) {
      let error: unknown;
      try {
        createReconciler(options as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ReconcilerConfigError);
      expect((error as ReconcilerConfigError).field).toBe(field);
    }
    const reconciler = createReconciler({ store, fetchState });
    expect(() => reconciler.start(0)).toThrow(ReconcilerConfigError);
    reconciler.stop();
  });
});
