import type { JourneyState } from "../../machines/journey/index.js";
import type { JourneySnapshot, JourneyStatus } from "../../src/contract/index.js";
import type { JourneyHostEvent } from "../../src/journey/index.js";
import { journey, type ReduceResult } from "../../src/journey/index.js";
import { journeyFixture, offerFixture, snapshotFixture } from "../../src/testing/fixtures.js";

export const T0 = Date.parse("2026-11-26T10:00:00Z");
export const JID = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";

/** A valid snapshot of the fixture journey at `asOf` in `status`. */
export function snap(
  asOf: number,
  status: JourneyStatus,
  extra: Partial<JourneySnapshot> = {},
): JourneySnapshot {
  return snapshotFixture({ asOf, status, ...extra });
}

/** Applies events in order, returning every result. */
export function run(state: JourneyState, events: readonly JourneyHostEvent[]): ReduceResult[] {
  const results: ReduceResult[] = [];
  let current = state;
  for (const event of events) {
    const result = journey.reduce(current, event);
    results.push(result);
    current = result.state;
  }
  return results;
}

/** The last state after applying events. */
export function replay(state: JourneyState, events: readonly JourneyHostEvent[]): JourneyState {
  return run(state, events).at(-1)?.state ?? state;
}

/** A state in OFFERS_AVAILABLE (asOf 5) with offers A and B loaded, nothing in flight. */
export function offersState(): JourneyState {
  const s0 = journey.initial({ journeyID: JID, snapshot: snap(5, "OFFERS_AVAILABLE"), at: T0 });
  return replay(s0, [
    {
      type: "journey.loaded",
      journey: journeyFixture({
        asOf: 5,
        offers: [offerFixture({ id: "ofr_A" }), offerFixture({ id: "ofr_B" })],
      }),
      at: T0 + 1,
    },
  ]);
}

/** `snapshot.received` from `source` at `at`. */
export function received(
  snapshot: unknown,
  at: number,
  source: "poll" | "webhook" | "push" | "response" = "poll",
): JourneyHostEvent {
  return { type: "snapshot.received", snapshot, source, at };
}
