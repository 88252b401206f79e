import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { CLIENT_ERROR_CODES, isTransient } from "../../src/client/index.js";
import {
  DOCUMENTED_ERROR_CODES,
  type FailureKind,
  failureKind,
  isRetryableByBorrower,
  MODELLED_ERROR_CODES,
} from "../../src/contract/index.js";
import { journey } from "../../src/journey/index.js";
import { readFailure } from "../../src/runtime/failures.js";
import { offersState, T0 } from "../journey/support.js";
import { apiError } from "../runtime/fake-client.js";

/** The state after a proceedOffer fails with `error`, as the runtime hands it to the machine. */
function afterMutationFailure(error: unknown) {
  const started = journey.reduce(offersState(), {
    type: "offer.select",
    offerID: "ofr_A",
    idempotencyKey: "k1",
    at: T0 + 2,
  }).state;
  const failed = journey.reduce(started, {
    type: "mutation.failed",
    idempotencyKey: "k1",
    problem: readFailure(error).problem,
    at: T0 + 3,
  }).state;
  return failed;
}

const codes = fc.oneof(
  fc.constantFrom(
    ...Object.keys(DOCUMENTED_ERROR_CODES),
    ...Object.keys(MODELLED_ERROR_CODES),
    ...CLIENT_ERROR_CODES.filter((code) => code !== "ABORTED"),
  ),
  fc.stringMatching(/^[A-Z][A-Z_]{0,20}$/),
);
const statuses = fc.option(
  fc.oneof(
    fc.constantFrom(200, 304, 400, 401, 403, 404, 408, 409, 410, 413, 422, 429, 500, 502, 503),
    fc.integer({ min: 100, max: 599 }),
  ),
  { nil: undefined },
);

describe("one failure taxonomy", () => {
  it("classifies by status first, then by code when no answer arrived", () => {
    const table: Array<[string, number | undefined, FailureKind]> = [
      ["NETWORK", undefined, "transient"],
      ["TIMEOUT", undefined, "transient"],
      ["ABORTED", undefined, "aborted"],
      ["HTTP_ERROR", 400, "invalid"],
      ["HTTP_ERROR", 502, "transient"],
      ["LENDER_TIMEOUT", 504, "transient"],
      ["RATE_LIMITED", 429, "transient"],
      ["IDEMPOTENCY_IN_PROGRESS", 409, "transient"],
      ["OFFER_LOCK_CONFLICT", 409, "conflict"],
      ["OFFER_EXPIRED", 410, "conflict"],
      ["VALIDATION_FAILED", 400, "invalid"],
      ["IDEMPOTENCY_KEY_REUSED", 422, "invalid"],
      ["NOT_FOUND", 404, "notFound"],
      ["AUTH_INVALID_SESSION", 401, "session"],
      ["REFRESH_FAILED", undefined, "session"],
      ["AUTH_INVALID_API_KEY", 401, "final"],
      ["FORBIDDEN", 403, "final"],
      ["CONTRACT", 200, "final"],
      ["CONTRACT", undefined, "final"],
      ["INVALID_REQUEST", undefined, "invalid"],
    ];
    for (const [code, status, kind] of table)
      expect([code, status, failureKind({ code, status })]).toEqual([code, status, kind]);
  });

  it("a 400 without a body is retryable nowhere: not in the client, not in the view (it was in the view)", () => {
    const error = apiError("HTTP_ERROR", 400);
    expect(error).toMatchObject({ kind: "invalid", retryable: false });
    const view = journey.view(afterMutationFailure(error));
    expect(view.error).toMatchObject({ origin: "mutation", kind: "invalid", retryable: false });
    expect(view.can.retry).toBe(false);
  });

  test.prop([codes, statuses])(
    "every layer reads the same kind: the client's error, its plain-data form, the runtime and the view",
    (code, status) => {
      const error = apiError(code, status);
      const kind = failureKind({ code, status });
      expect(error.kind).toBe(kind);
      expect(error.retryable).toBe(kind === "transient");
      expect(isTransient(error)).toBe(error.retryable);
      expect(readFailure(error).problem.kind).toBe(kind);
      expect(readFailure(JSON.parse(JSON.stringify(error.toJSON()))).problem.kind).toBe(kind);
      const state = afterMutationFailure(error);
      const view = journey.view(state);
      expect(view.error?.kind).toBe(kind);
      expect(view.error?.retryable).toBe(isRetryableByBorrower(kind));
      expect(view.can.retry).toBe(isRetryableByBorrower(kind));
      // A conflict (the journey moved on) asks for a re-read; nothing else does.
      expect(state.context.refetch !== null).toBe(kind === "conflict");
    },
  );
});
