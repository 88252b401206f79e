/** `isNewsTo`: which snapshots a host (the runtime's poller and push source) hands to the reducer. */
import { describe, expect, it } from "vitest";
import { isNewsTo } from "../../machines/journey/journey.guards.js";
import { journey } from "../../src/journey/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";

const held = snapshotFixture({ asOf: 9, status: "KYC_PENDING", nextAction: "COMPLETE_STEP" });
const state = journey.initial({ journeyID: held.journeyID, snapshot: held, at: 1 });
const thin = (status: string, nextAction: string | null, asOf = held.asOf) =>
  ({ journeyID: held.journeyID, status, nextAction, asOf }) as never;

describe("isNewsTo", () => {
  it("is a later snapshot, never an earlier one nor the held one again", () => {
    expect(isNewsTo(state.context, { ...held, asOf: 10 })).toBe(true);
    expect(isNewsTo(state.context, { ...held, asOf: 8, status: "DISBURSED" })).toBe(false);
    expect(isNewsTo(state.context, { ...held })).toBe(false);
  });

  it("is a full snapshot at the held asOf that says something else (a tie)", () => {
    expect(isNewsTo(state.context, { ...held, diagnostics: { reasonCode: "OTHER" } })).toBe(true);
  });

  it("is a thin frame (a relayed webhook) at the held asOf only when its status or nextAction differs", () => {
    expect(isNewsTo(state.context, thin("KYC_PENDING", "COMPLETE_STEP"))).toBe(false);
    expect(isNewsTo(state.context, thin("BANK_MANDATE_PENDING", "COMPLETE_STEP"))).toBe(true);
    expect(isNewsTo(state.context, thin("KYC_PENDING", "WAIT"))).toBe(true);
  });

  it("is nothing at asOf 0 before the first snapshot", () => {
    const empty = journey.initial({ journeyID: held.journeyID, at: 1 });
    expect(isNewsTo(empty.context, { ...held, asOf: 0 })).toBe(false);
    expect(isNewsTo(empty.context, { ...held, asOf: 1 })).toBe(true);
  });
});
