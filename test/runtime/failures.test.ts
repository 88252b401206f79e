import { describe, expect, it } from "vitest";
import { readFailure } from "../../src/runtime/failures.js";
import { createJourney, createManualClock } from "../../src/runtime/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";
import { apiError, createFakeClient, flush } from "./fake-client.js";

describe("readFailure", () => {
  it("passes platform problem codes through with their field errors", () => {
    const failure = readFailure({ code: "OFFER_LOCK_CONFLICT", status: 409, message: "locked" });
    expect(failure.problem).toEqual({
      code: "OFFER_LOCK_CONFLICT",
      status: 409,
      kind: "conflict",
      detail: "locked",
    });
    expect(failure.sessionLost).toBe(false);
    const fields = [{ path: "pan", message: "must be a PAN like ABCDE1234F", code: "pattern" }];
    expect(readFailure({ code: "VALIDATION_FAILED", status: 400, errors: fields }).problem).toEqual({
      code: "VALIDATION_FAILED",
      status: 400,
      kind: "invalid",
      errors: fields,
    });
  });
  it("passes an unknown platform code (LENDER_TIMEOUT) through as it is, with its status", () => {
    const failure = readFailure({ code: "LENDER_TIMEOUT", status: 504, message: "lender slow" });
    expect(failure.problem).toEqual({
      code: "LENDER_TIMEOUT",
      status: 504,
      kind: "transient",
      detail: "lender slow",
    });
    expect(failure).toMatchObject({ sessionLost: false });
  });
  it("turns a request the client refused to send into VALIDATION_FAILED with the fields named, never a retryable INTERNAL", () => {
    const errors = [{ path: "pan", message: "must be a PAN like ABCDE1234F" }];
    const failure = readFailure({ code: "INVALID_REQUEST", message: "submitProfile: pan", errors });
    expect(failure.problem.code).toBe("VALIDATION_FAILED");
    expect(failure.problem.errors).toEqual(errors);
  });
  it("maps no-answer codes to NETWORK, lost sessions to AUTH_INVALID_SESSION, an abort the runtime did not ask for as a transient no-answer, the rest to INTERNAL", () => {
    expect(readFailure({ code: "TIMEOUT" }).problem.code).toBe("NETWORK");
    expect(readFailure({ code: "NETWORK" }).problem.code).toBe("NETWORK");
    for (const code of ["AUTH_INVALID_SESSION", "REFRESH_FAILED", "SESSION_UNAVAILABLE"])
      expect(readFailure({ code, status: code === "AUTH_INVALID_SESSION" ? 401 : undefined })).toMatchObject({
        problem: { code: "AUTH_INVALID_SESSION" },
        sessionLost: true,
      });
    expect(readFailure({ code: "AUTH_INVALID_API_KEY", status: 401 })).toMatchObject({
      problem: { code: "AUTH_INVALID_API_KEY", status: 401 },
      sessionLost: false,
    });
    expect(readFailure({ code: "ABORTED" }).problem).toMatchObject({ code: "NETWORK", kind: "transient" });
    expect(readFailure({ code: "ABORTED", kind: "aborted" }).problem.kind).toBe("transient");
    expect(readFailure({ code: "CONTRACT" }).problem.code).toBe("INTERNAL");
    expect(readFailure({ code: "HTTP_ERROR", status: 502 }).problem).toEqual({
      code: "INTERNAL",
      status: 502,
      kind: "transient",
    });
    expect(readFailure("boom").problem.code).toBe("INTERNAL");
    expect(readFailure({ code: "RATE_LIMITED", retryAfterMs: 2000 }).retryAfterMs).toBe(2000);
  });
  it("takes the client's kind only when it is one: plain data with another kind is read from code and status", () => {
    expect(readFailure({ code: "NOT_FOUND", status: 404, kind: "transient" }).problem.kind).toBe("transient");
    expect(readFailure({ code: "NOT_FOUND", status: 404, kind: "whatever" }).problem.kind).toBe("notFound");
  });
});

describe("a call aborted by someone other than the runtime", () => {
  it("fails the mutation visibly (retryable with its key) instead of leaving it pending, and polling goes on", async () => {
    const state = snapshotFixture({ asOf: 5, status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" });
    const fake = createFakeClient(state);
    // The client's own abort (a wrapper's timeout, the browser dropping a request): not the runtime stopping.
    fake.mutationAnswers.push(apiError("ABORTED", undefined));
    const clock = createManualClock(1_000);
    const runtime = createJourney({ client: fake.client, journeyID: state.journeyID, initial: state, clock });
    runtime.start();
    await flush();
    runtime.send({ type: "profile.submit", bureauConsent: true, profile: {} as never });
    await flush();
    const view = runtime.view();
    expect(view.pendingMutation).toBeNull();
    expect(view.error).toMatchObject({ origin: "mutation", code: "NETWORK", kind: "transient" });
    expect(view.can.retry).toBe(true);
    // A poll aborted the same way is a failed poll: the next one is still scheduled.
    let abortedPolls = 0;
    fake.client.getJourneyState = async () => {
      abortedPolls++;
      throw apiError("ABORTED", undefined);
    };
    runtime.refresh();
    await flush();
    expect(abortedPolls).toBe(1);
    clock.advance(60_000);
    await flush();
    expect(abortedPolls).toBeGreaterThan(1);
    runtime.stop();
  });
});
