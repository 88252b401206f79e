import { describe, expect, it } from "vitest";
import {
  credentialKind,
  ENDED_STATUSES,
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
  it("tells credentials apart by prefix", () => {
    expect(credentialKind("sk_test_abc")).toBe("apiKey");
    expect(credentialKind("bst_abc")).toBe("sessionToken");
    expect(credentialKind("brt_abc")).toBe("refreshToken");
    expect(credentialKind("Bearer x")).toBe("unknown");
  });
});
