import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, fullJitterDelay, isTransient, parseRetryAfter } from "../../src/client/index.js";
import { MAX_RETRY_AFTER_MS } from "../../src/client/retry-policy.js";

describe("isTransient", () => {
  it.each([
    [{ code: "NETWORK", status: undefined }, true],
    [{ code: "TIMEOUT", status: undefined }, true],
    [{ code: "HTTP_ERROR", status: 408 }, true],
    [{ code: "RATE_LIMITED", status: 429 }, true],
    [{ code: "INTERNAL", status: 500 }, true],
    [{ code: "HTTP_ERROR", status: 503 }, true],
    [{ code: "IDEMPOTENCY_IN_PROGRESS", status: 409 }, true],
    [{ code: "OFFER_LOCK_CONFLICT", status: 409 }, false],
    [{ code: "INVALID_STATE", status: 409 }, false],
    [{ code: "VALIDATION_FAILED", status: 400 }, false],
    [{ code: "AUTH_INVALID_SESSION", status: 401 }, false],
    [{ code: "AUTH_INVALID_API_KEY", status: 401 }, false],
    [{ code: "IDEMPOTENCY_KEY_REQUIRED", status: 400 }, false],
    [{ code: "LENDER_TIMEOUT", status: 504 }, true],
    [{ code: "LENDER_DECLINED", status: 422 }, false],
    [{ code: "IDEMPOTENCY_KEY_REUSED", status: 422 }, false],
    [{ code: "ABORTED", status: undefined }, false],
    [{ code: "CONTRACT", status: 200 }, false],
    [{ code: "INVALID_REQUEST", status: undefined }, false],
  ] as const)("%o → %s", (failure, expected) => {
    expect(isTransient(failure)).toBe(expected);
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP dates, and ignores junk", () => {
    const now = Date.UTC(2026, 10, 26, 10, 0, 0);
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Thu, 26 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("reads the obsolete HTTP-date forms a recipient must accept", () => {
    const now = Date.UTC(2026, 10, 26, 10, 0, 0);
    expect(parseRetryAfter("Thursday, 26-Nov-26 10:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Thu Nov 26 10:00:09 2026", now)).toBe(9000);
  });

  it("reads the asctime form as UTC whatever the host's time zone", () => {
    const now = Date.UTC(2026, 10, 26, 10, 0, 0);
    const zone = process.env.TZ;
    try {
      for (const tz of ["America/New_York", "Asia/Kolkata", "UTC"]) {
        process.env.TZ = tz;
        expect(parseRetryAfter("Thu Nov 26 10:00:09 2026", now), tz).toBe(9000);
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("reads what is neither delay-seconds nor an HTTP-date as absent, not as a date in 2001 (no 0 ms retry)", () => {
    const now = Date.UTC(2026, 10, 26, 10, 0, 0);
    for (const junk of ["-1", "1.5", "2.5", "+3", "1e3", "2026-11-26", "0x10", "3 s"])
      expect(parseRetryAfter(junk, now), junk).toBeUndefined();
  });

  it("caps a huge or far-off Retry-After at a day, so no timer is armed past what timers keep", () => {
    const now = Date.UTC(2026, 10, 26, 10, 0, 0);
    expect(parseRetryAfter("3000000", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("9".repeat(400), now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("86400", now)).toBe(86_400_000);
  });
});

describe("fullJitterDelay", () => {
  test.prop(
    [fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })],
    {
      numRuns: 200,
    },
  )("stays in [0, min(max, base·2^n))", (retryIndex, random) => {
    const delay = fullJitterDelay(DEFAULT_RETRY, retryIndex, random);
    const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** retryIndex);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(ceiling);
  });
});
