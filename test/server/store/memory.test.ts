import { describe, expect, it } from "vitest";
import { createMemoryJourneyStore, StoreConfigError } from "../../../src/server/index.js";
import { describeJourneyStoreConformance } from "../store-conformance.js";

describeJourneyStoreConformance("memory", async ({ now }) => createMemoryJourneyStore({ now }));

describe("createMemoryJourneyStore", () => {
  it("refuses malformed options when created, naming the field", () => {
    for (const [options, field] of [
      [null, "options"],
      [{ now: "today" }, "now"],
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
});
