import { describe, expect, it } from "vitest";
import { readFailure } from "../../src/runtime/failures.js";

describe("readFailure", () => {
  it("passes platform problem codes through with their field errors", () => {
    const failure = readFailure({ code: "OFFER_LOCKED", status: 409, message: "locked" });
    expect(failure.problem).toEqual({ code: "OFFER_LOCKED", status: 409, detail: "locked" });
    expect(failure.sessionLost).toBe(false);
  });
  it("turns a request the client refused to send into VALIDATION_FAILED with the fields named, never a retryable INTERNAL", () => {
    const errors = [{ path: "pan", message: "must be a PAN like ABCDE1234F" }];
    const failure = readFailure({ code: "INVALID_REQUEST", message: "submitProfile: pan", errors });
    expect(failure.problem.code).toBe("VALIDATION_FAILED");
    expect(failure.problem.errors).toEqual(errors);
  });
  it("maps no-answer codes to NETWORK, lost sessions to TOKEN_EXPIRED, aborts as aborted, the rest to INTERNAL", () => {
    expect(readFailure({ code: "TIMEOUT" }).problem.code).toBe("NETWORK");
    expect(readFailure({ code: "REFRESH_FAILED" })).toMatchObject({
      problem: { code: "TOKEN_EXPIRED" },
      sessionLost: true,
    });
    expect(readFailure({ code: "ABORTED" }).aborted).toBe(true);
    expect(readFailure({ code: "CONTRACT" }).problem.code).toBe("INTERNAL");
    expect(readFailure("boom").problem.code).toBe("INTERNAL");
    expect(readFailure({ code: "RATE_LIMITED", retryAfterMs: 2000 }).retryAfterMs).toBe(2000);
  });
});
