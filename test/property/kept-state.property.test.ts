/**
 * What lets a store trust a state the kit's reducer made (`reducerMade`, src/server/store/record.ts
 * `prepareRecord`): every state the reducer reaches, kept as a store keeps it (`versioned`), is JSON as
 * `assertJson` defines it (finite numbers, plain objects, no undefined array items, no cycles), and comes back
 * from its JSON text the same. A reducer that put a Date, a NaN or a Map into its context would fail here.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { journey } from "../../src/journey/index.js";
import { versioned } from "../../src/journey/state-version.js";
import { assertJson } from "../../src/server/index.js";
import {
  deliveryEvent,
  historyWithScheduleArb,
  journeyFixture,
  offerFixture,
  withTimes,
} from "../../src/testing/index.js";

describe("a state the reducer made, as a store keeps it", () => {
  it("is JSON that comes back from its text unchanged, at every step of random streams", () => {
    fc.assert(
      fc.property(
        historyWithScheduleArb({ maxLength: 8 }),
        fc.nat({ max: 7 }),
        ({ history, schedule }, at) => {
          const events = withTimes([
            ...schedule.map(deliveryEvent),
            {
              type: "journey.loaded" as const,
              journey: {
                ...journeyFixture({ offers: ["ofr_A", "ofr_B"].map((id) => offerFixture({ id })) }),
                ...history[Math.min(at, history.length - 1)]!,
              },
              at: 0,
            },
          ]);
          let state = journey.initial({ journeyID: history[0]!.journeyID, at: 0 });
          for (const event of events) {
            state = journey.reduce(state, event).state;
            const kept = versioned(state);
            expect(() => assertJson(kept, "state")).not.toThrow();
            expect(JSON.parse(JSON.stringify(kept))).toStrictEqual(kept);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
