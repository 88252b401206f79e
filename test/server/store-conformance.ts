import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  ContractError,
  type JourneySnapshot,
  type JourneyStatus,
  type WebhookBody,
} from "../../src/contract/index.js";
import { initial } from "../../src/journey/index.js";
import {
  createReconciler,
  createWebhookHandler,
  type JourneyStore,
  StoreClosedError,
  StoreInputError,
} from "../../src/server/index.js";
import { CorruptRecordError } from "../../src/server/store/errors.js";
import { checkStoredJourney } from "../../src/server/store/record.js";
import type { WebhookErrorContext } from "../../src/server/webhook-handler.js";
import { snapshotFixture, webhookFixture } from "../../src/testing/fixtures.js";

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

    it("lets the same asOf overwrite only to complete an incomplete record (a held anomaly settled), once", async () => {
      const { store } = await open();
      await store.applySnapshot({ snapshot: snapshotOf(1, 5), state: { held: true }, complete: false });
      expect(
        await store.applySnapshot({ snapshot: snapshotOf(1, 5), state: { n: "still" }, complete: false }),
      ).toBe(false);
      expect(
        await store.applySnapshot({ snapshot: snapshotOf(1, 5, "KYC_PENDING"), state: { settled: true } }),
      ).toBe(true);
      expect(await store.get("jrn_c1")).toMatchObject({
        complete: true,
        status: "KYC_PENDING",
        state: { settled: true },
      });
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 5), state: { again: true } })).toBe(false);
      expect(
        await store.applySnapshot({ snapshot: snapshotOf(1, 5), state: { n: 0 }, complete: false }),
      ).toBe(false);
      expect((await store.get("jrn_c1"))?.state).toEqual({ settled: true });
    });

    it("never reopens an ended row: a later open snapshot is refused, a later end still completes it", async () => {
      const { store } = await open();
      await store.applySnapshot({ snapshot: snapshotOf(1, 5, "REJECTED"), state: { n: 5 }, complete: false });
      expect(
        await store.applySnapshot({ snapshot: snapshotOf(1, 9, "LENDER_PROCESSING"), state: { n: 9 } }),
      ).toBe(false);
      expect(await store.get("jrn_c1")).toMatchObject({ status: "REJECTED", asOf: 5 });
      expect(
        await store.applySnapshot({ snapshot: snapshotOf(1, 5, "REJECTED"), state: { done: true } }),
      ).toBe(true);
      expect(await store.get("jrn_c1")).toMatchObject({ status: "REJECTED", complete: true });
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
      // A store may hand out frozen copies (the memory store does): the mutation then throws instead.
      const attempt = (mutate: () => void) => {
        try {
          mutate();
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
      };
      attempt(() => (held.state as { list: number[] }).list.push(3));
      attempt(() => {
        (held.snapshot as { asOf: number }).asOf = 99;
      });
      attempt(() => held.updatedAt.setTime(0));
      expect((await store.get("jrn_c1"))!.updatedAt.getTime()).not.toBe(0);
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
        // No UTF-8 holds a lone surrogate: PostgreSQL's jsonb refuses it, and so does every store.
        [{ text: "half \ud800 a pair" }, "state.text"],
        [{ "\udc00": 1 }, "state"],
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
        [store.markWebhookSeen("evt_\ud800"), "webhookId"],
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

    it("writes a record only while its row is the one it was computed from (expected); a moved-on row is a conflict writing nothing of the delivery", async () => {
      const { store } = await open();
      const conflict = { duplicate: false, applied: false, appliedJourneyIDs: [], conflict: true };
      // Computed from no row: written while there is none; a missing row takes a record expecting one too.
      expect(
        await store.applyWebhook({
          webhookId: "evt_1",
          record: { snapshot: snapshotOf(1, 1), expected: null },
        }),
      ).toEqual({ duplicate: false, applied: true, appliedJourneyIDs: ["jrn_c1"] });
      expect(
        await store.applySnapshot({
          snapshot: snapshotOf(2, 1),
          expected: { asOf: 7, sequence: 3, complete: true },
        }),
      ).toBe(true);
      const read = { asOf: 1, sequence: null, complete: true };
      // Another worker writes from the same read first: this delivery, computed from asOf 1, is refused whole.
      await store.applyWebhook({
        webhookId: "evt_2",
        record: { snapshot: snapshotOf(1, 2), expected: read },
      });
      expect(
        await store.applyWebhook({
          webhookId: "evt_3",
          records: [
            { snapshot: snapshotOf(3, 1), expected: null },
            { snapshot: snapshotOf(1, 3), expected: read },
          ],
        }),
      ).toEqual(conflict);
      expect(await store.get("jrn_c3")).toBeUndefined();
      expect((await store.get("jrn_c1"))?.asOf).toBe(2);
      // Nor was its event id recorded: built anew from the row as it is now, it goes through.
      const now = { asOf: 2, sequence: null, complete: true };
      expect(
        await store.applyWebhook({
          webhookId: "evt_3",
          record: { snapshot: snapshotOf(1, 3), expected: now },
        }),
      ).toEqual({ duplicate: false, applied: true, appliedJourneyIDs: ["jrn_c1"] });
      // A readable row where none was expected, or another sequence or completeness, has moved on too.
      for (const expected of [
        null,
        { ...read, asOf: 3, sequence: 0 },
        { ...read, asOf: 3, complete: false },
      ]) {
        const record = { snapshot: snapshotOf(1, 4), expected };
        expect(await store.applyWebhook({ webhookId: "evt_4", record })).toEqual(conflict);
        expect(await store.applySnapshot(record)).toBe(false);
      }
      expect((await store.get("jrn_c1"))?.asOf).toBe(3);
      // The row still the one read, the order guard decides as ever: a stale record is stale, not a conflict.
      const current = { asOf: 3, sequence: null, complete: true };
      expect(
        await store.applyWebhook({
          webhookId: "evt_5",
          record: { snapshot: snapshotOf(1, 2), expected: current },
        }),
      ).toEqual({ duplicate: false, applied: false, appliedJourneyIDs: [] });
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 4), expected: current })).toBe(true);
      const error = await rejection(
        store.applySnapshot({ snapshot: snapshotOf(1, 5), expected: { ...current, asOf: -1 } }),
      );
      expect(error).toBeInstanceOf(StoreInputError);
      expect((error as StoreInputError).field).toBe("expected.asOf");
      expect((await store.get("jrn_c1"))?.asOf).toBe(4);
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

    it("leases what it lists: a leased journey is not listed to a lease again until the lease runs out, touch or releaseLease ends it", async () => {
      const { store, clock } = await open();
      for (const n of [1, 2, 3]) await store.applySnapshot({ snapshot: snapshotOf(n, 1) });
      clock.advance(60_000);
      const olderThan = clock.now();
      const lease = async (limit = 10) =>
        (await store.leaseStale!({ olderThan, limit, leaseMs: 30_000 })).map((j) => j.journeyID);
      expect(await lease(2)).toEqual(["jrn_c1", "jrn_c2"]);
      expect(await lease()).toEqual(["jrn_c3"]);
      expect(await lease()).toEqual([]);
      // The plain list is not leased: it still names every stale journey.
      expect((await store.listStale({ olderThan, limit: 10 })).map((j) => j.journeyID)).toHaveLength(3);
      expect(await store.releaseLease!("jrn_c2")).toBe(true);
      expect(await lease()).toEqual(["jrn_c2"]);
      // Found current: fresh again, so no longer stale at all.
      expect(await store.touch("jrn_c1")).toBe(true);
      clock.advance(30_000);
      expect(await lease()).toEqual(["jrn_c2", "jrn_c3"]);
      expect(await store.releaseLease!("jrn_none")).toBe(false);
      const error = await rejection(store.leaseStale!({ olderThan, limit: 1, leaseMs: 0 }));
      expect(error).toBeInstanceOf(StoreInputError);
      expect((error as StoreInputError).field).toBe("leaseMs");
    });

    it("names each lease by its end: a lease taken over after it ran out is not ended by the first holder's touch or releaseLease", async () => {
      const { store, clock } = await open();
      await store.applySnapshot({ snapshot: snapshotOf(1, 1) });
      clock.advance(60_000);
      const take = async () => store.leaseStale!({ olderThan: clock.now(), limit: 10, leaseMs: 30_000 });
      const [first] = await take();
      expect(first?.leasedUntil).toEqual(new Date(clock.now().getTime() + 30_000));
      clock.advance(30_000);
      // The first lease ran out: another worker takes the journey, under a lease of its own.
      const [second] = await take();
      expect(second?.journeyID).toBe("jrn_c1");
      expect(second?.leasedUntil?.getTime()).toBeGreaterThan(first!.leasedUntil!.getTime());
      const firstLease = { leasedUntil: first!.leasedUntil! };
      expect(await store.releaseLease!("jrn_c1", firstLease)).toBe(false);
      expect(await take()).toEqual([]);
      // Found current by the first holder: fresh again, but the second lease stays.
      expect(await store.touch("jrn_c1", firstLease)).toBe(true);
      clock.advance(1);
      expect(await take()).toEqual([]);
      // The second holder's own release ends its lease.
      expect(await store.releaseLease!("jrn_c1", { leasedUntil: second!.leasedUntil! })).toBe(true);
      expect((await take()).map((j) => j.journeyID)).toEqual(["jrn_c1"]);
      const error = await rejection(store.touch("jrn_c1", { leasedUntil: "soon" as unknown as Date }));
      expect(error).toBeInstanceOf(StoreInputError);
      expect((error as StoreInputError).field).toBe("lease.leasedUntil");
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

/** A column patch of one stored row, written straight into the store's backing table or map (JSON values). */
export interface RowPatch {
  readonly snapshot?: unknown;
  readonly state?: unknown;
  readonly asOf?: number;
  readonly status?: string;
}

/** A store, and a way to write its rows behind its back. */
export interface CorruptibleStore {
  readonly store: JourneyStore;
  /** Overwrites columns of the stored row of `journeyID` directly (an UPDATE; the memory store's map). */
  corrupt(journeyID: string, patch: RowPatch): Promise<void>;
  /** Releases what the harness opened besides the store. */
  close?(): Promise<void>;
}

/** Opens a fresh, empty store with its row writer. */
export type CorruptibleStoreFactory = (options: {
  now: () => Date;
  onCorruptRecord: (error: CorruptRecordError) => void;
}) => Promise<CorruptibleStore>;

const SECRET = "al_wh_corrupt_rows";
const NOW = Date.UTC(2026, 10, 26, 10, 0, 0);
const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
const OTHER = "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
const FAR_FUTURE = 9_000_000_000_000;

/** A signed `journey.snapshot` delivery naming one journey [L6], as the webhook handler tests build them. */
function signedDelivery(eventID: string, journeyID: string, status: JourneyStatus, generatedAt: number) {
  const body: WebhookBody = {
    ...webhookFixture(),
    event_id: eventID,
    event_at: new Date(generatedAt).toISOString(),
    snapshot_generated_at: new Date(generatedAt).toISOString(),
    sequence: generatedAt,
    borrower: { borrowerExternalID: "CUST_0012", journeys: [{ journeyID, status, nextAction: null }] },
  };
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(NOW / 1000));
  return {
    body: raw,
    headers: {
      "x-al-event-id": eventID,
      "x-al-webhook-timestamp": timestamp,
      "x-al-webhook-signature": createHmac("sha256", SECRET).update(`${timestamp}.${raw}`).digest("hex"),
    },
  };
}

interface Held {
  readonly snapshot: JourneySnapshot;
  readonly state: { readonly value: Record<string, unknown>; readonly context: Record<string, unknown> };
}

/** One corrupted row: what is written over a valid one, and how it must be reported. */
interface CorruptCase {
  readonly name: string;
  readonly patch: (mine: Held, other: Held) => RowPatch;
  /** `record`: the store reports it (onCorruptRecord); `state`: the handler does (onError). */
  readonly scope: "record" | "state";
  readonly field: string;
}

const CORRUPT_CASES: readonly CorruptCase[] = [
  {
    name: "(1) a state of the wrong shape: no context",
    patch: (mine) => ({ state: { value: mine.state.value } }),
    scope: "state",
    field: "state.context",
  },
  {
    name: "(1) a state of the wrong types",
    patch: (mine) => ({
      state: { ...mine.state, context: { ...mine.state.context, issuedKeys: "k", online: 1 } },
    }),
    scope: "state",
    field: "state.context.issuedKeys",
  },
  {
    name: "(2) another journey's state",
    patch: (_mine, other) => ({ state: other.state }),
    scope: "state",
    field: "state.context.journeyID",
  },
  {
    name: "(2) another journey's snapshot and state",
    patch: (_mine, other) => ({
      snapshot: other.snapshot,
      state: other.state,
      status: other.snapshot.status,
    }),
    scope: "record",
    field: "snapshot.journeyID",
  },
  {
    name: "(3) a snapshot with an unknown status",
    patch: (mine) => ({ snapshot: { ...mine.snapshot, status: "GARBAGE" }, status: "GARBAGE" }),
    scope: "record",
    field: "snapshot.status",
  },
  {
    name: "(4) a snapshot that is a JSON array, and a state that is truncated JSON in a string",
    patch: () => ({ snapshot: ['{"journeyID":', 1], state: '{"value":{"lifecycle":' }),
    scope: "record",
    field: "snapshot",
  },
  {
    name: "(4) a state that is a JSON scalar",
    patch: () => ({ state: 42 }),
    scope: "state",
    field: "state",
  },
  {
    name: "(5) a state whose order key is far in the future of the row's asOf",
    patch: (mine) => ({
      state: {
        ...mine.state,
        context: {
          ...mine.state.context,
          asOf: FAR_FUTURE,
          snapshot: { ...(mine.state.context.snapshot as JourneySnapshot), asOf: FAR_FUTURE },
        },
      },
    }),
    scope: "state",
    field: "state.context.asOf",
  },
  {
    name: "(5) an asOf column far in the future of its snapshot's asOf",
    patch: () => ({ asOf: FAR_FUTURE }),
    scope: "record",
    field: "snapshot.asOf",
  },
  {
    name: "(6) an empty state with a present snapshot",
    patch: () => ({ state: {} }),
    scope: "state",
    field: "state.value",
  },
  {
    name: "(6) a snapshot of the wrong shape",
    patch: () => ({ snapshot: { journeyID: JOURNEY } }),
    scope: "record",
    field: "snapshot.status",
  },
];

/**
 * Registers the corrupt-row tests for one implementation: a stored row is validated when read, and a corrupt
 * one is reported and healed by the next delivery rather than failing it, never published across journeys.
 */
export function describeCorruptRowConformance(name: string, factory: CorruptibleStoreFactory): void {
  describe(`JourneyStore corrupt rows: ${name}`, () => {
    let opened: CorruptibleStore[] = [];
    afterEach(async () => {
      await Promise.all(
        opened.map(async (s) => {
          await s.store.close();
          await s.close?.();
        }),
      );
      opened = [];
    });
    const open = async () => {
      const reported: CorruptRecordError[] = [];
      const harness = await factory({
        now: manualClock().now,
        onCorruptRecord: (e) => void reported.push(e),
      });
      opened.push(harness);
      return { ...harness, reported };
    };

    for (const c of CORRUPT_CASES) {
      it(`answers a valid delivery 200 over ${c.name}, reports it, publishes only its journey and heals the row`, async () => {
        const { store, corrupt, reported } = await open();
        const published: [JourneySnapshot, { context: { journeyID: string } }][] = [];
        const errors: [unknown, WebhookErrorContext][] = [];
        const handler = await createWebhookHandler({
          secrets: SECRET,
          store,
          now: () => NOW,
          onSnapshot: (snapshot, state) => void published.push([snapshot, state]),
          onError: (error, context) => void errors.push([error, context]),
        });
        for (const [id, journeyID, status] of [
          ["evt_mine", JOURNEY, "PROFILE_REQUIRED"],
          ["evt_other", OTHER, "KYC_PENDING"],
        ] as const) {
          const d = signedDelivery(id, journeyID, status, NOW - 10_000);
          expect((await handler.handle(d.body, d.headers)).outcome).toBe("applied");
        }
        const mine = (await store.get(JOURNEY)) as unknown as Held;
        const other = (await store.get(OTHER)) as unknown as Held;
        const otherBefore = await store.get(OTHER);
        await corrupt(JOURNEY, c.patch(mine, other));
        published.length = 0;

        // Read back without failing, and never as another journey.
        const read = await store.get(JOURNEY);
        if (read) expect(read.snapshot.journeyID).toBe(JOURNEY);

        const d = signedDelivery("evt_next", JOURNEY, "PROFILE_SUBMITTED", NOW - 5_000);
        expect(await handler.handle(d.body, d.headers)).toMatchObject({
          status: 200,
          outcome: "applied",
          journeys: [{ journeyID: JOURNEY, applied: true }],
        });
        expect(published.length).toBeGreaterThan(0);
        for (const [snapshot, state] of published) {
          expect(snapshot.journeyID).toBe(JOURNEY);
          expect(state.context.journeyID).toBe(JOURNEY);
        }
        expect(published.at(-1)?.[0]).toMatchObject({ status: "PROFILE_SUBMITTED", asOf: NOW - 5_000 });

        // Healed: valid, at the delivery's state, its reducer state of this journey.
        const healed = await store.get(JOURNEY);
        expect(healed).toMatchObject({ journeyID: JOURNEY, asOf: NOW - 5_000, status: "PROFILE_SUBMITTED" });
        expect(healed?.snapshot).toMatchObject({ journeyID: JOURNEY, status: "PROFILE_SUBMITTED" });
        expect(checkStoredJourney(JOURNEY, healed)?.corruption).toBeUndefined();
        const context = (healed!.state as unknown as Held["state"]).context as {
          journeyID: string;
          snapshot: JourneySnapshot;
        };
        expect(context.journeyID).toBe(JOURNEY);
        expect(context.snapshot).toMatchObject({ journeyID: JOURNEY, status: "PROFILE_SUBMITTED" });
        expect(await store.get(OTHER)).toEqual(otherBefore);

        // Reported, naming the journey and the field, never a value.
        const reports =
          c.scope === "record"
            ? reported
            : errors.filter(([e]) => e instanceof CorruptRecordError).map(([e]) => e as CorruptRecordError);
        expect(reports.length).toBeGreaterThan(0);
        for (const report of reports) {
          expect(report).toBeInstanceOf(CorruptRecordError);
          expect(report).toMatchObject({ journeyID: JOURNEY, scope: c.scope });
          expect(report.issues.map((i) => i.field)).toContain(c.field);
          expect(report.message).not.toContain(OTHER);
        }
        if (c.scope === "state") expect(reported).toEqual([]);
        expect(errors.filter(([e]) => !(e instanceof CorruptRecordError))).toEqual([]);
      });
    }

    it("leaves corrupt rows out of the stale list and goes on past them, reporting each", async () => {
      const { store, corrupt, reported } = await open();
      for (let n = 1; n <= 4; n++) await store.applySnapshot({ snapshot: snapshotOf(n, 1) });
      await corrupt("jrn_c1", { snapshot: ["not", "a", "snapshot"] });
      await corrupt("jrn_c2", { asOf: FAR_FUTURE });
      const stale = await store.listStale({ olderThan: new Date("2100-01-01T00:00:00Z"), limit: 1 });
      expect(stale.map((j) => j.journeyID)).toEqual(["jrn_c3"]);
      expect(reported.map((e) => [e.journeyID, e.scope])).toEqual([
        ["jrn_c1", "record"],
        ["jrn_c2", "record"],
      ]);
      const all = await store.listStale({ olderThan: new Date("2100-01-01T00:00:00Z"), limit: 10 });
      expect(all.map((j) => j.journeyID)).toEqual(["jrn_c3", "jrn_c4"]);
    });

    it("leases past corrupt rows too: the valid stale journeys behind them are taken, each corrupt row reported", async () => {
      const { store, corrupt, reported } = await open();
      expect(typeof store.leaseStale).toBe("function");
      for (let n = 1; n <= 4; n++) await store.applySnapshot({ snapshot: snapshotOf(n, 1) });
      await corrupt("jrn_c1", { snapshot: ["not", "a", "snapshot"] });
      await corrupt("jrn_c2", { asOf: FAR_FUTURE });
      const olderThan = new Date("2100-01-01T00:00:00Z");
      const leased = await store.leaseStale!({ olderThan, limit: 2, leaseMs: 60_000 });
      expect(leased.map((j) => j.journeyID)).toEqual(["jrn_c3", "jrn_c4"]);
      expect(reported.map((e) => e.journeyID).sort()).toEqual(["jrn_c1", "jrn_c2"]);
    });

    it("replaces a corrupt row with the next valid write whatever its asOf, and keeps the guard on a valid one", async () => {
      const { store, corrupt } = await open();
      await store.applySnapshot({ snapshot: snapshotOf(1, 5) });
      await corrupt("jrn_c1", { asOf: FAR_FUTURE });
      expect(await store.get("jrn_c1")).toBeUndefined();
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 3), state: { n: 3 } })).toBe(true);
      expect(await store.get("jrn_c1")).toMatchObject({ asOf: 3, state: { n: 3 } });
      expect(await store.applySnapshot({ snapshot: snapshotOf(1, 2) })).toBe(false);
      await corrupt("jrn_c1", { snapshot: { journeyID: "jrn_c1" } });
      const delivered = await store.applyWebhook({
        webhookId: "evt_1",
        record: { snapshot: snapshotOf(1, 1) },
      });
      expect(delivered).toEqual({ duplicate: false, applied: true, appliedJourneyIDs: ["jrn_c1"] });
      expect(await store.get("jrn_c1")).toMatchObject({ asOf: 1, snapshot: snapshotOf(1, 1) });
    });

    it("replaces a corrupt row with a record computed from no row, or from the row it was before (expected)", async () => {
      const { store, corrupt } = await open();
      const held = { asOf: 5, sequence: null, complete: true };
      for (const [webhookId, expected] of [
        ["evt_1", null],
        ["evt_2", held],
      ] as const) {
        await store.applySnapshot({ snapshot: snapshotOf(1, 5) });
        await corrupt("jrn_c1", { asOf: FAR_FUTURE });
        // Read as no row (and told): a record built from that, or from the row as it was, replaces it.
        const delivered = await store.applyWebhook({
          webhookId,
          record: { snapshot: snapshotOf(1, 2), expected },
        });
        expect(delivered, webhookId).toEqual({
          duplicate: false,
          applied: true,
          appliedJourneyIDs: ["jrn_c1"],
        });
        expect(await store.get("jrn_c1")).toMatchObject({ asOf: 2, snapshot: snapshotOf(1, 2) });
        await corrupt("jrn_c1", { asOf: 4 });
      }
    });

    it("lets the reconciler rebuild another journey's state from the fetched snapshot", async () => {
      const { store, corrupt } = await open();
      const theirs = reduceFrom(OTHER, snapshotFixture({ journeyID: OTHER, asOf: NOW - 10_000 }));
      await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: JOURNEY, asOf: NOW - 10_000 }) });
      await corrupt(JOURNEY, { state: theirs });
      const reconciler = createReconciler({
        store,
        now: () => Date.parse("2100-01-01T00:00:00Z"),
        fetchState: async (id) => snapshotFixture({ journeyID: id, asOf: NOW, status: "OFFER_SELECTED" }),
      });
      expect(await reconciler.runOnce()).toMatchObject({ checked: 1, updated: 1, failed: [] });
      const healed = await store.get(JOURNEY);
      expect(healed).toMatchObject({ asOf: NOW, status: "OFFER_SELECTED" });
      const context = (healed!.state as unknown as Held["state"]).context as {
        journeyID: string;
        snapshot: JourneySnapshot;
      };
      expect(context.journeyID).toBe(JOURNEY);
      expect(context.snapshot).toMatchObject({ journeyID: JOURNEY, status: "OFFER_SELECTED" });
    });
  });
}

/** A reducer state of `journeyID` started from `snapshot`, as JSON. */
function reduceFrom(journeyID: string, snapshot: JourneySnapshot): unknown {
  return JSON.parse(JSON.stringify(initial({ journeyID, snapshot, at: NOW })));
}

/** Writes a patch straight into `credit_journey.journeys` with one UPDATE. */
export function corruptRow(query: (text: string, params: unknown[]) => Promise<unknown>) {
  return async (journeyID: string, patch: RowPatch): Promise<void> => {
    const sets: string[] = [];
    const params: unknown[] = [journeyID];
    const set = (column: string, value: unknown, cast = "") => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if ("snapshot" in patch) set("snapshot", JSON.stringify(patch.snapshot), "::jsonb");
    if ("state" in patch) set("state", JSON.stringify(patch.state), "::jsonb");
    if (patch.asOf !== undefined) set("as_of", patch.asOf);
    if (patch.status !== undefined) set("status", patch.status);
    await query(`UPDATE credit_journey.journeys SET ${sets.join(", ")} WHERE journey_id = $1`, params);
  };
}
