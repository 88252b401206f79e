import { describe, expect, it } from "vitest";
import { CADENCE, deterministicJitter, pollCadence, STATUS_INFO } from "../../src/journey/index.js";

const base = { justSubmitted: false, hidden: false, pushFresh: false, failures: 0, jitter: 0 } as const;

describe("pollCadence", () => {
  it("places the active band at 2–5 s and the passive band at 10–20 s by jitter", () => {
    expect(pollCadence({ ...base, band: "active", jitter: 0 })).toBe(2_000);
    expect(pollCadence({ ...base, band: "active", jitter: 0.999 })).toBeLessThanOrEqual(5_000);
    expect(pollCadence({ ...base, band: "passive", jitter: 0 })).toBe(10_000);
    expect(pollCadence({ ...base, band: "passive", jitter: 0.5 })).toBe(15_000);
  });
  it("polls in the active band right after a submitted action, even in a passive state", () => {
    expect(pollCadence({ ...base, band: "passive", justSubmitted: true, jitter: 0.5 })).toBe(3_500);
  });
  it("slows down ×4 when hidden or when a push source is fresh (not compounded)", () => {
    expect(pollCadence({ ...base, band: "active", hidden: true })).toBe(8_000);
    expect(pollCadence({ ...base, band: "active", pushFresh: true })).toBe(8_000);
    expect(pollCadence({ ...base, band: "active", hidden: true, pushFresh: true })).toBe(8_000);
  });
  it("backs off exponentially on failure, capped, but never below Retry-After", () => {
    expect(pollCadence({ ...base, band: "active", failures: 1 })).toBe(4_000);
    expect(pollCadence({ ...base, band: "active", failures: 3 })).toBe(16_000);
    expect(pollCadence({ ...base, band: "active", failures: 12 })).toBe(CADENCE.maxBackoffMs);
    expect(pollCadence({ ...base, band: "active", failures: 1, retryAfterMs: 30_000 })).toBe(30_000);
    expect(pollCadence({ ...base, band: "active", failures: 1, retryAfterMs: 1_000 })).toBe(4_000);
  });
  it("never polls an ended journey", () => {
    expect(pollCadence({ ...base, band: "none" })).toBeNull();
    expect(STATUS_INFO.CLOSED.band).toBe("none");
  });
  it("clamps out-of-range jitter", () => {
    expect(pollCadence({ ...base, band: "active", jitter: -3 })).toBe(2_000);
    expect(pollCadence({ ...base, band: "active", jitter: 7 })).toBeLessThanOrEqual(5_000);
    expect(pollCadence({ ...base, band: "active", jitter: Number.NaN })).toBe(2_000);
  });
  it("derives a deterministic jitter in [0, 1)", () => {
    const a = deterministicJitter("jrn_a:1");
    expect(a).toBe(deterministicJitter("jrn_a:1"));
    expect(a).not.toBe(deterministicJitter("jrn_b:1"));
    for (const seed of ["", "x", "jrn_0:99"]) {
      const j = deterministicJitter(seed);
      expect(j >= 0 && j < 1).toBe(true);
    }
  });
  it("puts borrower steps done outside the app in the active band, in-app ones in the passive band", () => {
    expect(STATUS_INFO.KYC_PENDING.band).toBe("active");
    expect(STATUS_INFO.AA_REQUIRED.band).toBe("active");
    expect(STATUS_INFO.PROFILE_REQUIRED.band).toBe("passive");
    expect(STATUS_INFO.OFFERS_AVAILABLE.band).toBe("passive");
    expect(STATUS_INFO.OFFERS_PENDING.band).toBe("passive");
    expect(STATUS_INFO.PROFILE_SUBMITTED.band).toBe("active");
  });
});
