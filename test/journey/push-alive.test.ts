import { describe, expect, it } from "vitest";
import { CADENCE, journey } from "../../src/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";

const T0 = Date.UTC(2026, 10, 26, 10);
const kyc = snapshotFixture({
  asOf: 9,
  status: "LENDER_PROCESSING",
  nextAction: "WAIT",
});

function armedInterval(state: ReturnType<typeof journey.initial>): number | null {
  return state.context.polling.inMs;
}

describe("push.alive", () => {
  it("keeps polling relaxed while the push source is live, and lets it tighten again once it goes quiet", () => {
    const start = journey.initial({ journeyID: kyc.journeyID, snapshot: kyc, at: T0 });
    const base = armedInterval(start)!;
    expect(base).toBeGreaterThanOrEqual(CADENCE.passive.minMs);

    const alive = journey.reduce(start, { type: "push.alive", at: T0 + 1_000 });
    expect(alive.rejected).toBeUndefined();
    const relaxed = armedInterval(alive.state)!;
    expect(relaxed).toBeGreaterThanOrEqual(CADENCE.passive.minMs * CADENCE.slowFactor);
    expect(alive.commands).toContainEqual(expect.objectContaining({ type: "startPolling", inMs: relaxed }));

    // Another heartbeat 50 s later keeps it relaxed; a poll 61 s after the last heartbeat finds it stale.
    const still = journey.reduce(alive.state, { type: "push.alive", at: T0 + 51_000 });
    expect(armedInterval(still.state)).toBeGreaterThanOrEqual(CADENCE.passive.minMs * CADENCE.slowFactor);
    const quiet = journey.reduce(still.state, {
      type: "poll.notModified",
      at: T0 + 51_000 + CADENCE.pushFreshMs + 1,
    });
    expect(armedInterval(quiet.state)).toBeLessThanOrEqual(CADENCE.passive.maxMs);
  });
});
