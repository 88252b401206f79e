import { describe, expect, it } from "vitest";
import { journey } from "../../../src/journey/index.js";
import { versioned } from "../../../src/journey/state-version.js";
import { reducerMade } from "../../../src/server/store/checked.js";
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
    expect(held.state).not.toBe(state);
    expect(Object.isFrozen(held.state) && Object.isFrozen(held.snapshot)).toBe(true);
    expect(checkStoredJourney("jrn_c1", held)?.corruption).toBeUndefined();
    // The writer's object changing afterwards changes nothing held.
    (state.context as { journeyID: string }).journeyID = "jrn_other";
    expect(((await store.get("jrn_c1"))!.state as unknown as typeof state).context.journeyID).toBe("jrn_c1");
  });

  it("a reducer-made state is still checked against its row: another journey's is refused", async () => {
    const store = createMemoryJourneyStore({ onCorruptRecord: () => {} });
    await store.applySnapshot({ snapshot: snapshotOf(1, 1), state: reducerMade(keptState(2)) });
    const reading = checkStoredJourney("jrn_c1", await store.get("jrn_c1"));
    expect(reading?.corruption?.issues.map((i) => i.field)).toContain("state.context.journeyID");
    expect(reading?.journey?.state).toBeNull();
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
