import { afterEach, describe, expect, it } from "vitest";
import { ContractError, type JourneySnapshot, type JourneyStatus } from "../../src/contract/index.js";
import { type JourneyStore, StoreClosedError, StoreInputError } from "../../src/server/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";

/** Opens a fresh, empty store on the given clock. */
export type JourneyStoreFactory = (options: { now: () => Date }) => Promise<JourneyStore>;

/** A clock that moves only when told to. */
export function manualClock(start = "2026-11-26T10:00:00Z") {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
  };
}

/** A valid snapshot of journey `jrn_<n>` at `asOf`. */
export function snapshotOf(
  n: number,
  asOf: number,
  status: JourneyStatus = "OFFERS_AVAILABLE",
): JourneySnapshot {
  return snapshotFixture({
    journeyID: `jrn_c${n}`,
    asOf,
    status,
    updatedAt: new Date(Date.UTC(2026, 10, 26, 10, 0, asOf)).toISOString().replace(".000Z", "Z"),
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

/**
 * Registers the `JourneyStore` conformance tests for one implementation. Every store must pass the same tests.
 */
export function describeJourneyStoreConformance(name: string, factory: JourneyStoreFactory): void {
  describe(`JourneyStore conformance: ${name}`, () => {
    let opened: JourneyStore[] = [];
    const open = async (clock = manualClock()) => {
      const store = await factory({ now: clock.now });
      opened.push(store);
      return { store, clock };
    };
    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()));
      opened = [];
    });

    it("holds nothing at first", async () => {
      const { store } = await open();
      expect(await store.get("jrn_c1")).toBeUndefined();
      expect(await store.listStale({ olderThan: new Date("2100-01-01T00:00:00Z"), limit: 10 })).toEqual([]);
    });

    it("stores the first snapshot with its state, asOf, status and the store clock's time", async () => {
      const { store, clock } = await open();
      const state = { view: { screen: "offers" }, offers: [1, 2.5, "₹"], ok: true, none: null };
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 3), state })).toBe(true);
      expect(await store.get("jrn_c1")).toEqual({
        journeyID: "jrn_c1",
        asOf: 3,
        sequence: null,
        complete: true,
        status: "OFFERS_AVAILABLE",
        snapshot: snapshotOf(1, 3),
        state,
        updatedAt: clock.now(),
      });
    });

    it("keeps a missing state as null and strips unknown snapshot fields", async () => {
      const { store } = await open();
      const leaky = { ...snapshotOf(1, 1), ondcTransactionId: "txn-123" } as JourneySnapshot;
      await store.applySnapshot({ snapshot: leaky });
      const held = await store.get("jrn_c1");
      expect(held?.state).toBeNull();
      expect(held?.snapshot).toEqual(snapshotOf(1, 1));
    });

    it("overwrites with a newer asOf, including jumps of more than one", async () => {
      const { store, clock } = await open();
      await store.applySnapshot({ snapshot: snapshotOf(1, 1), state: { n: 1 } });
      clock.advance(1000);
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 7, "KYC_PENDING"), state: { n: 7 } })).toBe(
        true,
      );
      expect(await store.get("jrn_c1")).toMatchObject({
        asOf: 7,
        status: "KYC_PENDING",
        state: { n: 7 },
        updatedAt: clock.now(),
      });
    });

    it("never lets a stale or equal asOf overwrite, and leaves the held record untouched", async () => {
      const { store, clock } = await open();
      await store.applySnapshot({ snapshot: snapshotOf(1, 5), state: { n: 5 } });
      const before = await store.get("jrn_c1");
      clock.advance(60_000);
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 4, "STARTED"), state: { n: 4 } })).toBe(
        false,
      );
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 5, "CLOSED"), state: { n: "other" } })).toBe(
        false,
      );
      expect(await store.get("jrn_c1")).toEqual(before);
    });

    it("keeps journeys apart", async () => {
      const { store } = await open();
      await store.applySnapshot({ snapshot: snapshotOf(1, 9) });
      expect(await store.applySnapshot({ snapshot: snapshotOf(2, 1) })).toBe(true);
      expect((await store.get("jrn_c1"))?.asOf).toBe(9);
      expect((await store.get("jrn_c2"))?.asOf).toBe(1);
    });

    it("hands out copies: mutating a returned record changes nothing held", async () => {
      const { store } = await open();
      const state = { list: [1] };
      await store.applySnapshot({ snapshot: snapshotOf(1, 1), state });
      state.list.push(2);
      const held = (await store.get("jrn_c1"))!;
      (held.state as { list: number[] }).list.push(3);
      (held.snapshot as { asOf: number }).asOf = 99;
      expect(await store.get("jrn_c1")).toMatchObject({
        asOf: 1,
        state: { list: [1] },
        snapshot: { asOf: 1 },
      });
    });

    it("refuses an invalid snapshot with a ContractError naming the field, writing nothing", async () => {
      const { store } = await open();
      const error = await rejection(store.applySnapshot({ snapshot: { ...snapshotOf(1, 1), asOf: -1 } }));
      expect(error).toBeInstanceOf(ContractError);
      expect((error as ContractError).issues.map((i) => i.path)).toContain("asOf");
      expect(await store.get("jrn_c1")).toBeUndefined();
    });

    it("refuses a state that is not JSON with a StoreInputError naming the path, writing nothing", async () => {
      const { store } = await open();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const cases: [unknown, string][] = [
        [{ a: { b: Number.NaN } }, "state.a.b"],
        [{ f: () => 1 }, "state.f"],
        [[1, 2n], "state.1"],
        [{ at: new Date(0) }, "state.at"],
        [cyclic, "state.self"],
        [{ text: "nul\u0000byte" }, "state.text"],
      ];
      for (const [state, field] of cases) {
        const error = await rejection(store.applySnapshot({ snapshot: snapshotOf(1, 1), state }));
        expect(error).toBeInstanceOf(StoreInputError);
        expect((error as StoreInputError).field).toBe(field);
      }
      expect(await store.get("jrn_c1")).toBeUndefined();
    });

    it("refuses bad ids and list options with a StoreInputError naming the argument", async () => {
      const { store } = await open();
      const cases: [Promise<unknown>, string][] = [
        [store.get(""), "journeyID"],
        [store.get(42 as unknown as string), "journeyID"],
        [store.markWebhookSeen(""), "webhookId"],
        [
          store.applyWebhook({ webhookId: "x".repeat(256), record: { snapshot: snapshotOf(1, 1) } }),
          "webhookId",
        ],
        [store.listStale({ olderThan: new Date("nope"), limit: 1 }), "olderThan"],
        [store.listStale({ olderThan: new Date(), limit: 0 }), "limit"],
        [store.listStale({ olderThan: new Date(), limit: 1.5 }), "limit"],
        [store.pruneWebhookIds({ olderThan: "2026-01-01" as unknown as Date }), "olderThan"],
      ];
      for (const [promise, field] of cases) {
        const error = await rejection(promise);
        expect(error).toBeInstanceOf(StoreInputError);
        expect((error as StoreInputError).field).toBe(field);
      }
    });

    it("marks a webhook id seen exactly once", async () => {
      const { store } = await open();
      expect(await store.markWebhookSeen("msg_1")).toBe(true);
      expect(await store.markWebhookSeen("msg_1")).toBe(false);
      expect(await store.markWebhookSeen("msg_2")).toBe(true);
    });

    it("applies a webhook's record once per webhook id, and records stale deliveries as seen", async () => {
      const { store } = await open();
      const first = await store.applyWebhook({ webhookId: "msg_1", record: { snapshot: snapshotOf(1, 2) } });
      expect(first).toEqual({ duplicate: false, applied: true, appliedJourneyIDs: ["jrn_c1"] });
      const replay = await store.applyWebhook({ webhookId: "msg_1", record: { snapshot: snapshotOf(1, 3) } });
      expect(replay).toEqual({ duplicate: true, applied: false, appliedJourneyIDs: [] });
      expect((await store.get("jrn_c1"))?.asOf).toBe(2);
      const stale = await store.applyWebhook({ webhookId: "msg_0", record: { snapshot: snapshotOf(1, 1) } });
      expect(stale).toEqual({ duplicate: false, applied: false, appliedJourneyIDs: [] });
      expect(await store.markWebhookSeen("msg_0")).toBe(false);
    });

    it("writes every journey a delivery names, or none, with the event id once", async () => {
      const { store } = await open();
      await store.applySnapshot({ snapshot: snapshotOf(2, 9) });
      const two = await store.applyWebhook({
        webhookId: "evt_two",
        records: [{ snapshot: snapshotOf(1, 5) }, { snapshot: snapshotOf(2, 5) }],
      });
      // jrn_c2 held a later state: only jrn_c1 moves, in the same write that records the id.
      expect(two).toEqual({ duplicate: false, applied: true, appliedJourneyIDs: ["jrn_c1"] });
      expect((await store.get("jrn_c2"))?.asOf).toBe(9);
      const invalid = { snapshot: { ...snapshotOf(3, 5), status: "NOPE" } } as never;
      expect(
        await rejection(
          store.applyWebhook({ webhookId: "evt_bad", records: [{ snapshot: snapshotOf(4, 1) }, invalid] }),
        ),
      ).toBeInstanceOf(ContractError);
      expect(await store.get("jrn_c4")).toBeUndefined();
      expect(await store.markWebhookSeen("evt_bad")).toBe(true);
      for (const records of [[], [{ snapshot: snapshotOf(5, 1) }, { snapshot: snapshotOf(5, 2) }]]) {
        const error = await rejection(store.applyWebhook({ webhookId: "evt_x", records }));
        expect(error).toBeInstanceOf(StoreInputError);
        expect((error as StoreInputError).field).toBe("records");
      }
    });

    it("never lets a delivery with a lower webhook sequence overwrite, whatever its time; reads keep the sequence", async () => {
      const { store } = await open();
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 5), sequence: 20 })).toBe(true);
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 6), sequence: 19 })).toBe(false);
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 7) })).toBe(true);
      expect(await store.get("jrn_c1")).toMatchObject({ asOf: 7, sequence: 20 });
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 8), sequence: 20 })).toBe(false);
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 8), sequence: 21 })).toBe(true);
      const error = await rejection(store.applySnapshot({ snapshot: snapshotOf(1, 9), sequence: -1 }));
      expect((error as StoreInputError).field).toBe("sequence");
    });

    it("shares one ledger between markWebhookSeen and applyWebhook", async () => {
      const { store } = await open();
      await store.markWebhookSeen("msg_1");
      expect(
        await store.applyWebhook({ webhookId: "msg_1", record: { snapshot: snapshotOf(1, 1) } }),
      ).toEqual({
        duplicate: true,
        applied: false,
        appliedJourneyIDs: [],
      });
      expect(await store.get("jrn_c1")).toBeUndefined();
    });

    it("writes neither the webhook id nor the journey when the record is invalid", async () => {
      const { store } = await open();
      const bad = { snapshot: { ...snapshotOf(1, 1), status: "DONE" } as unknown as JourneySnapshot };
      expect(await rejection(store.applyWebhook({ webhookId: "msg_1", record: bad }))).toBeInstanceOf(
        ContractError,
      );
      const badState = { snapshot: snapshotOf(1, 1), state: { n: Number.POSITIVE_INFINITY } };
      expect(await rejection(store.applyWebhook({ webhookId: "msg_1", record: badState }))).toBeInstanceOf(
        StoreInputError,
      );
      expect(await store.get("jrn_c1")).toBeUndefined();
      expect(await store.markWebhookSeen("msg_1")).toBe(true);
    });

    it("lets exactly one of many concurrent deliveries of one webhook id through", async () => {
      const { store } = await open();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.applyWebhook({ webhookId: "msg_same", record: { snapshot: snapshotOf(1, i + 1) } }),
        ),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    });

    it("ends at the highest asOf whatever the order of concurrent writes", async () => {
      const { store } = await open();
      const asOfs = [5, 1, 9, 3, 9, 2, 8, 7, 4, 6, 1, 9];
      await Promise.all(asOfs.map((v) => store.applySnapshot({ snapshot: snapshotOf(1, v), state: { v } })));
      expect(await store.get("jrn_c1")).toMatchObject({ asOf: 9, state: { v: 9 } });
    });

    it("lists non-ended journeys not updated since the threshold, oldest first, up to the limit", async () => {
      const { store, clock } = await open();
      const statuses: JourneyStatus[] = [
        "OFFERS_PENDING",
        "REJECTED",
        "DISBURSED",
        "EXPIRED",
        "KYC_PENDING",
        "CLOSED",
      ];
      for (const [i, status] of statuses.entries()) {
        await store.applySnapshot({ snapshot: snapshotOf(i + 1, 1, status) });
        clock.advance(60_000);
      }
      await store.applySnapshot({ snapshot: snapshotOf(7, 1, "STARTED") });
      const threshold = clock.now();
      const stale = await store.listStale({ olderThan: threshold, limit: 10 });
      expect(stale.map((j) => j.journeyID)).toEqual(["jrn_c1", "jrn_c3", "jrn_c5"]);
      expect(stale[0]).toMatchObject({
        status: "OFFERS_PENDING",
        asOf: 1,
        snapshot: snapshotOf(1, 1, "OFFERS_PENDING"),
      });
      expect((await store.listStale({ olderThan: threshold, limit: 2 })).map((j) => j.journeyID)).toEqual([
        "jrn_c1",
        "jrn_c3",
      ]);
    });

    it("drops a journey from the stale list once it ends or is updated", async () => {
      const { store, clock } = await open();
      await store.applySnapshot({ snapshot: snapshotOf(1, 1) });
      await store.applySnapshot({ snapshot: snapshotOf(2, 1) });
      clock.advance(600_000);
      await store.applySnapshot({ snapshot: snapshotOf(1, 2, "CLOSED") });
      await store.applySnapshot({ snapshot: snapshotOf(2, 2) });
      expect(await store.listStale({ olderThan: new Date(clock.now().getTime() - 1), limit: 10 })).toEqual(
        [],
      );
    });

    it("touch marks a journey current without changing it, never moves time backwards, and is false when unknown", async () => {
      const { store, clock } = await open();
      await store.applySnapshot({ snapshot: snapshotOf(1, 4), state: { s: 1 } });
      clock.advance(600_000);
      expect(await store.touch("jrn_c1")).toBe(true);
      const held = await store.get("jrn_c1");
      expect(held).toMatchObject({ asOf: 4, state: { s: 1 }, updatedAt: clock.now() });
      expect(await store.listStale({ olderThan: clock.now(), limit: 10 })).toEqual([]);
      clock.advance(-300_000);
      await store.touch("jrn_c1");
      expect((await store.get("jrn_c1"))?.updatedAt).toEqual(held?.updatedAt);
      expect(await store.touch("jrn_unknown")).toBe(false);
    });

    it("prunes webhook ids seen before a date, which then count as first-time again", async () => {
      const { store, clock } = await open();
      await store.markWebhookSeen("msg_old");
      clock.advance(86_400_000);
      await store.markWebhookSeen("msg_new");
      expect(await store.pruneWebhookIds({ olderThan: new Date(clock.now().getTime() - 1000) })).toBe(1);
      expect(await store.markWebhookSeen("msg_new")).toBe(false);
      expect(await store.markWebhookSeen("msg_old")).toBe(true);
      expect(await store.pruneWebhookIds({ olderThan: new Date(0) })).toBe(0);
    });

    it("rejects every call after close with StoreClosedError; close is idempotent", async () => {
      const { store } = await open();
      await store.close();
      await store.close();
      const calls: Promise<unknown>[] = [
        store.get("jrn_c1"),
        store.applySnapshot({ snapshot: snapshotOf(1, 1) }),
        store.markWebhookSeen("msg_1"),
        store.applyWebhook({ webhookId: "msg_1", record: { snapshot: snapshotOf(1, 1) } }),
        store.listStale({ olderThan: new Date(), limit: 1 }),
        store.touch("jrn_c1"),
        store.pruneWebhookIds({ olderThan: new Date() }),
      ];
      for (const call of calls) expect(await rejection(call)).toBeInstanceOf(StoreClosedError);
    });
  });
}
