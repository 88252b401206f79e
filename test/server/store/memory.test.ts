import { describe, expect, it } from "vitest";
import { createMemoryJourneyStore, StoreConfigError } from "../../../src/server/index.js";
import type { CorruptRecordError } from "../../../src/server/store/errors.js";
import { type MemoryJourneyRow, memoryJourneyStoreOn } from "../../../src/server/store/memory.js";
import { snapshotFixture } from "../../../src/testing/fixtures.js";
import {
  describeCorruptRowConformance,
  describeJourneyStoreConformance,
  snapshotOf,
} from "../store-conformance.js";

describeJourneyStoreConformance("memory", async ({ now }) => createMemoryJourneyStore({ now }));

describeCorruptRowConformance("memory", async (options) => {
  const rows = new Map<string, MemoryJourneyRow>();
  return {
    store: memoryJourneyStoreOn(rows, options),
    async corrupt(journeyID, patch) {
      const row = rows.get(journeyID);
      if (!row) throw new Error(`no row ${journeyID}`);
      if ("snapshot" in patch) row.snapshot = JSON.stringify(patch.snapshot);
      if ("state" in patch) row.state = JSON.stringify(patch.state);
      if (patch.asOf !== undefined) row.asOf = patch.asOf;
      if (patch.status !== undefined) row.status = patch.status;
    },
  };
});

describe("createMemoryJourneyStore", () => {
  it("refuses malformed options when created, naming the field", () => {
    for (const [options, field] of [
      [null, "options"],
      [{ now: "today" }, "now"],
      [{ onCorruptRecord: true }, "onCorruptRecord"],
    ] as const) {
      let error: unknown;
      try {
        createMemoryJourneyStore(options as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreConfigError);
      expect((error as StoreConfigError).field).toBe(field);
    }
  });

  it("takes the kit's one clock shape, epoch milliseconds (the handler's and reconciler's `now`), and a Date too", async () => {
    const at = Date.UTC(2026, 10, 26, 10, 0, 0);
    for (const now of [() => at, () => new Date(at)]) {
      const store = createMemoryJourneyStore({ now });
      await store.applySnapshot({ snapshot: snapshotFixture({ asOf: 1 }) });
      expect((await store.get(snapshotFixture().journeyID))?.updatedAt).toEqual(new Date(at));
    }
  });
});

describe("memory store rows", () => {
  it("reads a snapshot of truncated JSON text as absent and a state of it as null, reporting each", async () => {
    const rows = new Map<string, MemoryJourneyRow>();
    const reported: CorruptRecordError[] = [];
    const store = memoryJourneyStoreOn(rows, { onCorruptRecord: (e) => void reported.push(e) });
    await store.applySnapshot({ snapshot: snapshotOf(1, 1), state: { n: 1 } });
    await store.applySnapshot({ snapshot: snapshotOf(2, 1), state: { n: 2 } });
    rows.get("jrn_c1")!.snapshot = '{"journeyID":"jrn_c1","sta';
    rows.get("jrn_c2")!.state = '{"value":{"lifecycle":';
    expect(await store.get("jrn_c1")).toBeUndefined();
    expect(await store.get("jrn_c2")).toMatchObject({ asOf: 1, snapshot: snapshotOf(2, 1), state: null });
    expect(reported.map((e) => [e.journeyID, e.scope, e.field])).toEqual([
      ["jrn_c1", "record", "snapshot"],
      ["jrn_c2", "state", "state"],
    ]);
    // The first valid write replaces the unreadable row; the unreadable state is overwritten by a later one.
    expect(await store.applySnapshot({ snapshot: snapshotOf(1, 1), state: { n: 3 } })).toBe(true);
    expect(await store.applySnapshot({ snapshot: snapshotOf(2, 2), state: { n: 4 } })).toBe(true);
    expect(await store.get("jrn_c1")).toMatchObject({ state: { n: 3 } });
    expect(await store.get("jrn_c2")).toMatchObject({ state: { n: 4 } });
    expect(reported).toHaveLength(2);
  });

  it("keeps reading when onCorruptRecord throws", async () => {
    const rows = new Map<string, MemoryJourneyRow>();
    const store = memoryJourneyStoreOn(rows, {
      onCorruptRecord: () => {
        throw new Error("observer down");
      },
    });
    await store.applySnapshot({ snapshot: snapshotOf(1, 1) });
    rows.get("jrn_c1")!.status = "DONE";
    expect(await store.get("jrn_c1")).toBeUndefined();
  });
});
