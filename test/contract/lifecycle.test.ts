import { describe, expect, it } from "vitest";
import {
  ENDED_STATUSES,
  isApiKey,
  isEnded,
  isExpectedEdge,
  JOURNEY_STATUSES,
  LIFECYCLE,
  lifecycleIndex,
  stateClass,
} from "../../src/contract/index.js";

describe("lifecycle helpers", () => {
  it("has 16 statuses: 13 in order and 3 ends", () => {
    expect(JOURNEY_STATUSES).toHaveLength(16);
    expect(LIFECYCLE[0]).toBe("STARTED");
    expect(LIFECYCLE[12]).toBe("DISBURSED");
    expect(lifecycleIndex("KYC_PENDING")).toBe(7);
    expect(lifecycleIndex("REJECTED")).toBe(-1);
  });
  it("classes the ends as ended and nothing else", () => {
    for (const s of JOURNEY_STATUSES)
      expect(isEnded(s)).toBe((ENDED_STATUSES as readonly string[]).includes(s));
    expect(stateClass("OFFERS_PENDING")).toBe("passiveWait");
    expect(stateClass("KYC_PENDING")).toBe("borrowerAction");
    expect(stateClass("PROFILE_SUBMITTED")).toBe("activeWait");
    expect(stateClass("CLOSED")).toBe("ended");
  });
  it("expects forward moves with skips, never backward", () => {
    expect(isExpectedEdge("OFFER_SELECTED", "KYC_PENDING")).toBe(true);
    expect(isExpectedEdge("KYC_PENDING", "OFFER_SELECTED")).toBe(false);
    expect(isExpectedEdge("KYC_PENDING", "KYC_PENDING")).toBe(true);
  });
  it("expects any non-ended state to an end, DISBURSED only to CLOSED, and ends to stay", () => {
    expect(isExpectedEdge("STARTED", "EXPIRED")).toBe(true);
    expect(isExpectedEdge("LENDER_PROCESSING", "REJECTED")).toBe(true);
    expect(isExpectedEdge("DISBURSED", "CLOSED")).toBe(true);
    expect(isExpectedEdge("DISBURSED", "REJECTED")).toBe(false);
    expect(isExpectedEdge("REJECTED", "CLOSED")).toBe(false);
    expect(isExpectedEdge("CLOSED", "DISBURSED")).toBe(false);
  });
  it("knows an API key by its only documented form, sk_…, also wrapped in whitespace, quotes or a Bearer scheme", () => {
    expect(isApiKey("sk_test_abc")).toBe(true);
    expect(isApiKey(" sk_test_abc")).toBe(true);
    expect(isApiKey("\tsk_live_abc\n")).toBe(true);
    // As it reaches an app copied from a header, or from JSON kept in storage.
    expect(isApiKey("Bearer sk_x")).toBe(true);
    expect(isApiKey("bearer  sk_x")).toBe(true);
    expect(isApiKey('"sk_test_abc"')).toBe(true);
    expect(isApiKey("'Bearer sk_test_abc'")).toBe(true);
    expect(isApiKey("3b5c0c4e8f2a4d1e")).toBe(false);
    expect(isApiKey("Bearer 3b5c0c4e8f2a4d1e")).toBe(false);
    expect(isApiKey("tok_sk_x")).toBe(false);
  });
});
