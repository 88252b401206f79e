import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { journey } from "../../src/journey/index.js";
import {
  ARBITRARY_JOURNEY_ID,
  ARBITRARY_T0,
  borrowerIntentArb,
  deliveryEvent,
  historyWithScheduleArb,
  mutationResultArb,
  signalArb,
  withTimes,
} from "../../src/testing/arbitraries.js";
import { offersState } from "./properties.js";

const eventsArb = historyWithScheduleArb({ maxLength: 8 }).chain(({ schedule }) =>
  fc
    .array(fc.oneof(borrowerIntentArb(), mutationResultArb(), signalArb()), { maxLength: 8 })
    .map((extra) => withTimes([...schedule.map(deliveryEvent), ...extra])),
);

describe("reduce is pure", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it("same input, deep-equal output; and a JSON round trip of the state changes nothing", () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        let state = journey.initial({ journeyID: ARBITRARY_JOURNEY_ID, at: ARBITRARY_T0 });
        for (const event of events) {
          const once = journey.reduce(state, event);
          const twice = journey.reduce(state, event);
          const revived = journey.reduce(JSON.parse(JSON.stringify(state)), event);
          expect(twice).toEqual(once);
          expect(JSON.parse(JSON.stringify(revived))).toEqual(JSON.parse(JSON.stringify(once)));
          expect(JSON.parse(JSON.stringify(once.state))).toEqual(once.state);
          expect(journey.view(JSON.parse(JSON.stringify(once.state)))).toEqual(journey.view(once.state));
          state = once.state;
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never reads the clock, random numbers or crypto", () => {
    const now = vi.spyOn(Date, "now");
    const random = vi.spyOn(Math, "random");
    const perf = vi.spyOn(performance, "now");
    const uuid = vi.spyOn(crypto, "randomUUID");
    const bytes = vi.spyOn(crypto, "getRandomValues");
    let argumentlessDates = 0;
    const RealDate = Date;
    class TrackingDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) argumentlessDates++;
        super(...(args as [number]));
      }
    }
    vi.stubGlobal("Date", TrackingDate);
    let steps = 0;
    fc.assert(
      fc.property(eventsArb, (events) => {
        let state = offersState();
        for (const event of events) {
          state = journey.reduce(state, event).state;
          journey.view(state);
          steps++;
        }
      }),
      { numRuns: 100 },
    );
    vi.unstubAllGlobals();
    expect(steps).toBeGreaterThan(100);
    expect(now).not.toHaveBeenCalled();
    expect(random).not.toHaveBeenCalled();
    expect(perf).not.toHaveBeenCalled();
    expect(uuid).not.toHaveBeenCalled();
    expect(bytes).not.toHaveBeenCalled();
    expect(argumentlessDates).toBe(0);
  });
});
