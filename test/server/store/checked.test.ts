import { describe, expect, it } from "vitest";
import { journey } from "../../../src/journey/index.js";
import { versioned } from "../../../src/journey/state-version.js";
import { kitParsed, reducerMade } from "../../../src/server/store/checked.js";
import { StoreInputError } from "../../../src/server/store/errors.js";
import { createMemoryJourneyStore } from "../../../src/server/store/memory.js";
import { checkStoredJourney } from "../../../src/server/store/record.js";
import { snapshotOf } from "../store-conformance.js";

const AT = Date.UTC(2026, 10, 26, 10, 5);

/** The reducer state of `jrn_c{n}` at its snapshot `asOf` 1, as the kit keeps it. */
function keptState(n: number) {
  return versioned(journey.initial({ journeyID: `jrn_c${n}`, snapshot: snapshotOf(n, 1), at: AT }));
}

describe("what the memory store checked when writing is not checked again, and nothing else is trusted", () => {
  it("a state the kit's reducer made reads back frozen, as the very state, and checks clean", async () => {
    const store = createMemoryJourneyStore();
    const state = reducerMade(keptState(1));
    await store.applySnapshot({ snapshot: snapshotOf(1, 1), state });
    const held = (await store.get("jrn_c1"))!;
    expect(held.state).toEqual(JSON.parse(JSON.stringify(state)));
    // Kept where it is, not copied: frozen, so nothing (the writer included) can change what the store holds.
    expect(held.state).toBe(state);
    expect(Object.isFrozen(held.state) && Object.isFrozen(held.snapshot)).toBe(true);
    expect(Object.isFrozen(state.context)).toBe(true);
    expect(checkStoredJourney("jrn_c1", held)?.corruption).toBeUndefined();
    expect(() => {
      (state.context as { journeyID: string }).journeyID = "jrn_other";
    }).toThrow(TypeError);
    expect(((await store.get("jrn_c1"))!.state as unknown as typeof state).context.journeyID).toBe("jrn_c1");
  });

  it("a reducer-made state is still checked against its row: another journey's is refused", async () => {
    const store = createMemoryJourneyStore({ onCorruptRecord: () => {} });
    await store.applySnapshot({ snapshot: snapshotOf(1, 1), state: reducerMade(keptState(2)) });
    const reading = checkStoredJourney("jrn_c1", await store.get("jrn_c1"));
    expect(reading?.corruption?.issues.map((i) => i.field)).toContain("state.context.journeyID");
    expect(reading?.journey?.state).toBeNull();
  });

  it("a state and snapshot a caller wrote itself are copied: the caller's objects stay unfrozen and theirs", async () => {
    const store = createMemoryJourneyStore();
    const state = keptState(1);
    const snapshot = snapshotOf(1, 1);
    await store.applySnapshot({ snapshot, state });
    expect(Object.isFrozen(state) || Object.isFrozen(state.context) || Object.isFrozen(snapshot)).toBe(false);
    (state.context as { journeyID: string }).journeyID = "jrn_other";
    (snapshot as { status: string }).status = "CLOSED";
    const held = (await store.get("jrn_c1"))!;
    expect((held.state as unknown as typeof state).context.journeyID).toBe("jrn_c1");
    expect(held.snapshot.status).not.toBe("CLOSED");
  });

  it("a reducer-made state is still refused for a NUL PostgreSQL would refuse, naming its path; nothing written", async () => {
    const store = createMemoryJourneyStore();
    const state = keptState(1);
    (state.context as unknown as Record<string, unknown>).note = "a\u0000b";
    const error = await store
      .applySnapshot({ snapshot: snapshotOf(1, 1), state: reducerMade(state) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreInputError);
    expect((error as StoreInputError).message).toContain("state.context.note");
    expect(await store.get("jrn_c1")).toBeUndefined();
  });

  it("a snapshot the kit built from parsed parts is not parsed again, but a NUL in it is still refused", async () => {
    const store = createMemoryJourneyStore();
    const snapshot = kitParsed({ ...snapshotOf(1, 1), nextAction: "a\u0000b" });
    const error = await store.applySnapshot({ snapshot }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreInputError);
    expect((error as StoreInputError).message).toContain("snapshot.nextAction");
    expect(await store.get("jrn_c1")).toBeUndefined();
    // A lone surrogate, which PostgreSQL refuses too, is found in the text the same way.
    const half = kitParsed({ ...snapshotOf(1, 1), nextAction: "a\ud800" });
    expect(await store.applySnapshot({ snapshot: half }).catch((e: unknown) => e)).toBeInstanceOf(
      StoreInputError,
    );
    const state = keptState(1);
    (state.context as unknown as Record<string, unknown>).note = "\udfff";
    await expect(
      store.applySnapshot({ snapshot: snapshotOf(1, 1), state: reducerMade(state) }),
    ).rejects.toThrow(/lone UTF-16 surrogate/);
    // The mark is used up by one write: the same object written again is parsed like any other.
    const once = kitParsed({ ...snapshotOf(1, 1), asOf: 2 });
    expect(await store.applySnapshot({ snapshot: once })).toBe(true);
    (once as { asOf: number }).asOf = -1;
    await expect(store.applySnapshot({ snapshot: once })).rejects.toThrow(/asOf/);
    // Unmarked, the same snapshot of the wrong shape is parsed, and refused as no snapshot.
    const unmarked = { ...snapshotOf(1, 1), asOf: -1 };
    await expect(store.applySnapshot({ snapshot: unmarked })).rejects.toThrow();
  });

  it("a state no reducer made is checked in full: a wrong shape is refused", async () => {
    const store = createMemoryJourneyStore();
    const state = keptState(1) as unknown as { context: Record<string, unknown> };
    state.context.polling = "soon";
    await store.applySnapshot({ snapshot: snapshotOf(1, 1), state: state as never });
    const reading = checkStoredJourney("jrn_c1", await store.get("jrn_c1"));
    expect(reading?.corruption?.issues.map((i) => i.field)).toContain("state.context.polling");
  });

  it("a reducer-made state the reader was not handed by a store (a store of the partner's own) is checked in full", () => {
    const state = reducerMade(keptState(1)) as unknown as { context: Record<string, unknown> };
    state.context.polling = "soon";
    const reading = checkStoredJourney("jrn_c1", {
      journeyID: "jrn_c1",
      asOf: 1,
      sequence: null,
      complete: true,
      status: "OFFERS_AVAILABLE",
      snapshot: snapshotOf(1, 1),
      state: state as never,
      updatedAt: new Date(AT),
    });
    expect(reading?.corruption?.issues.map((i) => i.field)).toContain("state.context.polling");
  });
});
