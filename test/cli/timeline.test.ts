import { describe, expect, it } from "vitest";
import { formatTimelineEntry, progressBar } from "../../src/cli/timeline.js";

describe("timeline", () => {
  it("fills the progress bar along the lifecycle", () => {
    expect(progressBar("STARTED")).toBe("[#............]");
    expect(progressBar("KYC_PENDING")).toBe("[########.....]");
    expect(progressBar("DISBURSED")).toBe("[#############]");
    expect(progressBar("REJECTED")).toBe("[xxxxxxxxxxxxx]");
  });
  it("renders a row with elapsed time, state, source and next action", () => {
    const row = formatTimelineEntry({
      elapsedMs: 1234,
      status: "OFFERS_AVAILABLE",
      source: "webhook",
      nextAction: "SELECT_OFFER",
    });
    expect(row).toBe("  1.2s  [#####........]  OFFERS_AVAILABLE       via webhook  next: SELECT_OFFER");
  });
});
