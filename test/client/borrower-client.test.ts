import { afterEach, describe, expect, it } from "vitest";
import { MAX_RESPONSE_BYTES } from "../../src/client/body.js";
import {
  ApiError,
  type BorrowerClient,
  ClientConfigError,
  createBorrowerClient,
  responseMeta,
} from "../../src/client/index.js";
import {
  consentFixture,
  foreclosureFixture,
  installmentFixture,
  journeyFixture,
  loanFixture,
  offerFixture,
  profileFixture,
  snapshotFixture,
  stepFixture,
  wireState,
} from "../../src/testing/fixtures.js";
import { borrowerOn, rejectionOf, SESSION_TOKEN } from "./harness.js";
import {
  inOrder,
  problem,
  problemReply,
  SCRIPTED_REQUEST_ID,
  SCRIPTED_TIMESTAMP,
  type ScriptedServer,
  startScriptedServer,
} from "./scripted-server.js";

const J = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
const ROOT = "/api/v1/headless";

/** A borrower client over a fake `fetch` (no server): the scripted answers, the session token, and `options`. */
function clientOver(
  fetch: typeof globalThis.fetch,
  options: Partial<Parameters<typeof createBorrowerClient>[0]> = {},
) {
  return createBorrowerClient({
    baseUrl: "http://sandbox.invalid",
    fetch,
    getSessionToken: () => SESSION_TOKEN,
    refreshSession: async () => SESSION_TOKEN,
    ...options,
  });
}

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Case {
  readonly name: keyof BorrowerClient;
  readonly call: (client: BorrowerClient) => Promise<unknown>;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly reply: unknown;
  readonly body?: unknown;
}

const cases: Case[] = [
  {
    name: "listJourneys",
    call: (c) => c.listJourneys(),
    method: "GET",
    path: "/journeys",
    status: 200,
    reply: { journeys: [wireState(snapshotFixture())] },
  },
  {
    name: "getJourney",
    call: (c) => c.getJourney(J),
    method: "GET",
    path: `/journeys/${J}`,
    status: 200,
    reply: journeyFixture(),
  },
  {
    name: "resumeJourney",
    call: (c) => c.resumeJourney(J),
    method: "PATCH",
    path: `/journeys/${J}/resume`,
    status: 200,
    reply: journeyFixture(),
  },
  {
    name: "upsertProfile",
    call: (c) => c.upsertProfile(profileFixture()),
    method: "PUT",
    path: "/profile",
    status: 200,
    reply: profileFixture(),
    body: profileFixture(),
  },
  {
    name: "getProfile",
    call: (c) => c.getProfile(),
    method: "GET",
    path: "/profile",
    status: 200,
    reply: profileFixture(),
  },
  {
    name: "submitProfile",
    call: (c) => c.submitProfile({ bureauConsent: true }),
    method: "POST",
    path: "/profile/submit",
    status: 202,
    reply: snapshotFixture({ status: "PROFILE_SUBMITTED", nextAction: "WAIT" }),
    body: { bureauConsent: true },
  },
  {
    name: "listOffers",
    call: (c) => c.listOffers(J),
    method: "GET",
    path: `/journeys/${J}/offers`,
    status: 200,
    reply: { offers: [offerFixture()] },
  },
  {
    name: "proceedOffer",
    call: (c) => c.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91"),
    method: "POST",
    path: `/journeys/${J}/offers/0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91/proceed`,
    status: 202,
    reply: snapshotFixture({
      status: "OFFER_SELECTED",
      lockedOfferID: "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91",
    }),
  },
  {
    name: "listSteps",
    call: (c) => c.listSteps("0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91"),
    method: "GET",
    path: "/offers/0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91/steps",
    status: 200,
    reply: { steps: [stepFixture()] },
  },
  {
    name: "getStep",
    call: (c) => c.getStep(J, "5a1c9e7d-3b2f-4d6a-8e0c-9f4b2a7d1c63"),
    method: "GET",
    path: `/journeys/${J}/steps/5a1c9e7d-3b2f-4d6a-8e0c-9f4b2a7d1c63`,
    status: 200,
    reply: stepFixture(),
  },
  {
    name: "stepAction",
    call: (c) =>
      c.stepAction(J, "5a1c9e7d-3b2f-4d6a-8e0c-9f4b2a7d1c63", { action: "SUBMIT", data: { city: "Pune" } }),
    method: "POST",
    path: `/journeys/${J}/steps/5a1c9e7d-3b2f-4d6a-8e0c-9f4b2a7d1c63/actions`,
    status: 202,
    reply: stepFixture({ status: "IN_PROGRESS" }),
    body: { action: "SUBMIT", data: { city: "Pune" } },
  },
  {
    name: "createConsent",
    call: (c) => c.createConsent(J),
    method: "POST",
    path: `/journeys/${J}/aa/consents`,
    status: 201,
    reply: consentFixture(),
    body: {},
  },
  {
    name: "getConsent",
    call: (c) => c.getConsent(J, "aac_fixture01"),
    method: "GET",
    path: `/journeys/${J}/aa/consents/aac_fixture01`,
    status: 200,
    reply: consentFixture(),
  },
  {
    name: "getLoan",
    call: (c) => c.getLoan(J),
    method: "GET",
    path: `/journeys/${J}/loan`,
    status: 200,
    reply: loanFixture(),
  },
  {
    name: "getSchedule",
    call: (c) => c.getSchedule(J),
    method: "GET",
    path: `/journeys/${J}/loan/schedule`,
    status: 200,
    reply: { installments: [installmentFixture()] },
  },
  {
    name: "requestForeclosure",
    call: (c) => c.requestForeclosure(J),
    method: "POST",
    path: `/journeys/${J}/loan/foreclosure`,
    status: 201,
    reply: foreclosureFixture(),
  },
];

describe("borrower client endpoints", () => {
  it.each(cases)("$name sends $method $path with the session token and parses the answer", async (c) => {
    server = await startScriptedServer(inOrder({ status: c.status, body: c.reply }));
    const { client } = borrowerOn(server);
    const result = await c.call(client);
    expect(result).toEqual(c.reply);
    expect(responseMeta(result)).toMatchObject({
      requestID: SCRIPTED_REQUEST_ID,
      timestamp: SCRIPTED_TIMESTAMP,
    });
    const [request] = server.requests;
    expect(request?.method).toBe(c.method);
    expect(request?.path).toBe(ROOT + c.path);
    expect(request?.headers.authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    if (c.body === undefined) expect(request?.body).toBe("");
    else expect(JSON.parse(request?.body ?? "")).toEqual(c.body);
  });

  it("covers every borrower-scoped endpoint of the catalogue", () => {
    expect(cases.map((c) => c.name).sort()).toEqual(
      [
        "listJourneys",
        "getJourney",
        "resumeJourney",
        "getProfile",
        "upsertProfile",
        "submitProfile",
        "listOffers",
        "proceedOffer",
        "listSteps",
        "getStep",
        "stepAction",
        "createConsent",
        "getConsent",
        "getLoan",
        "getSchedule",
        "requestForeclosure",
      ].sort(),
    );
  });

  it("accepts an async getSessionToken and encodes ids in the path", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: stepFixture() }));
    const { client } = borrowerOn(server, { getSessionToken: async () => SESSION_TOKEN });
    await client.getStep(J, "stp_a/b");
    expect(server.requests[0]?.path).toBe(`${ROOT}/journeys/${J}/steps/stp_a%2Fb`);
  });

  it("strips unknown fields of a success body (provider internals never reach the app)", async () => {
    server = await startScriptedServer(
      inOrder({ status: 200, body: { ...snapshotFixture(), context: { transaction_id: "t-1" } } }),
    );
    const { client } = borrowerOn(server);
    const result = await client.getJourneyState(J);
    expect(result.kind).toBe("snapshot");
    expect(result.kind === "snapshot" && "context" in result.snapshot).toBe(false);
  });
});

describe("the platform's envelope", () => {
  it("unwraps data and exposes the answer's requestID, correlationID and timestamp through responseMeta", async () => {
    server = await startScriptedServer(
      inOrder({
        status: 200,
        raw: true,
        body: {
          requestID: "req-42",
          correlationID: "corr-42",
          timestamp: "2026-11-26T10:05:00.000Z",
          data: journeyFixture(),
          error: null,
        },
      }),
    );
    const { client } = borrowerOn(server);
    const result = await client.getJourney(J);
    // The state is ordered by the answer's time: asOf is stamped from `timestamp`, whatever the data said.
    expect(result).toEqual({ ...journeyFixture(), asOf: Date.parse("2026-11-26T10:05:00.000Z") });
    expect(responseMeta(result)).toEqual({
      requestID: "req-42",
      correlationID: "corr-42",
      timestamp: "2026-11-26T10:05:00.000Z",
    });
    expect(result.meta).toEqual(responseMeta(result));
    // meta is not part of the payload: keys and JSON skip it.
    expect(Object.keys(result)).not.toContain("meta");
    expect(JSON.parse(JSON.stringify(result))).toEqual({
      ...journeyFixture(),
      asOf: Date.parse("2026-11-26T10:05:00.000Z"),
    });
    expect(responseMeta(journeyFixture())).toBeUndefined();
    expect(responseMeta(null)).toBeUndefined();
  });

  it("reads the envelope's snake_case ids (request_id, correlation_id) too", async () => {
    server = await startScriptedServer(
      inOrder({
        status: 200,
        raw: true,
        body: { request_id: "req-snake", correlation_id: "corr-snake", data: { journeys: [] }, error: null },
      }),
    );
    const { client } = borrowerOn(server);
    expect(responseMeta(await client.listJourneys())).toEqual({
      requestID: "req-snake",
      correlationID: "corr-snake",
      timestamp: undefined,
    });
  });

  it("stamps a state answer with asOf from its timestamp and the journey's id from the path when data has none", async () => {
    const { journeyID: _id, asOf: _asOf, ...wire } = snapshotFixture();
    server = await startScriptedServer(
      inOrder({
        status: 200,
        raw: true,
        body: {
          requestID: "r",
          timestamp: "2026-11-26T10:05:00.123Z",
          data: { ...wire, nextAction: undefined },
          error: null,
        },
      }),
    );
    const { client } = borrowerOn(server);
    const result = await client.getJourneyState(J);
    expect(result).toMatchObject({
      kind: "snapshot",
      snapshot: { ...wire, journeyID: J, nextAction: null, asOf: Date.parse("2026-11-26T10:05:00.123Z") },
    });
  });

  it("stamps submitProfile's state naming no journey with the journeyID given (the path names none); CONTRACT without", async () => {
    const { journeyID: _id, asOf: _asOf, ...wire } = snapshotFixture({ status: "PROFILE_SUBMITTED" });
    const answer = {
      status: 202,
      raw: true,
      body: { requestID: "r", timestamp: "2026-11-26T10:05:00.123Z", data: wire, error: null },
    } as const;
    server = await startScriptedServer(inOrder(answer, answer));
    const { client } = borrowerOn(server);
    const submitted = await client.submitProfile({ bureauConsent: true }, { journeyID: J });
    expect(submitted).toMatchObject({ journeyID: J, status: "PROFILE_SUBMITTED" });
    const error = await rejectionOf(client.submitProfile({ bureauConsent: true }));
    expect(error).toMatchObject({ _tag: "ApiError", code: "CONTRACT", endpoint: "submitProfile" });
    expect(server.requests.map((r) => r.path)).toEqual([`${ROOT}/profile/submit`, `${ROOT}/profile/submit`]);
  });

  it("reads a null as absent in a listing's states too, and leaves out a modelled field it cannot read, not the state", async () => {
    const state = {
      status: "OFFERS_PENDING",
      nextAction: null,
      actionRequired: null,
      resource: null,
      diagnostics: { reasonCode: "LENDERS_QUERIED", message: null },
      pendingOperations: ["OFFER_FETCH"],
    };
    const operations = [
      { type: "OFFER_FETCH", status: "RUNNING" },
      { type: "BUREAU_PULL", status: null },
    ];
    const at = "2026-03-05T16:48:22.100Z";
    const raw = (data: unknown) =>
      ({ status: 200, raw: true, body: { requestID: "r", timestamp: at, data, error: null } }) as const;
    server = await startScriptedServer(
      inOrder(
        raw(state),
        raw({ journeys: [{ journeyID: J, ...state }] }),
        raw({ ...state, pendingOperations: operations }),
      ),
    );
    const { client } = borrowerOn(server);
    const read = await client.getJourneyState(J);
    // The documented rest (status, nextAction) stands; what the model guessed wrong is absent, never a failure.
    const expected = {
      journeyID: J,
      status: "OFFERS_PENDING",
      nextAction: null,
      diagnostics: { reasonCode: "LENDERS_QUERIED" },
    };
    expect(read).toMatchObject({ kind: "snapshot", snapshot: { ...expected, asOf: Date.parse(at) } });
    expect(read.kind === "snapshot" ? read.snapshot.pendingOperations : "no snapshot").toBeUndefined();
    const listed = await client.listJourneys();
    expect(listed.journeys).toEqual([expected]);
    // A null inside one of a list's items is that field absent, not the whole list gone.
    const nested = await client.getJourneyState(J);
    expect(nested.kind === "snapshot" ? nested.snapshot.pendingOperations : undefined).toEqual([
      { type: "OFFER_FETCH", status: "RUNNING" },
      { type: "BUREAU_PULL" },
    ]);
  });

  it("reads an offer named offerID (the platform's casing) as one named id, in offer lists and whole journeys", async () => {
    const { id, ...offer } = offerFixture();
    const answer = (data: unknown) =>
      ({
        status: 200,
        raw: true,
        body: { requestID: "r", timestamp: "2026-11-26T10:05:00Z", data, error: null },
      }) as const;
    const journey = journeyFixture();
    const { journeyID: _j, asOf: _a, ...wireJourney } = journey;
    server = await startScriptedServer(
      inOrder(
        answer({ offers: [{ ...offer, offerID: id }] }),
        answer({ ...wireJourney, offers: [{ ...offer, offerID: id }] }),
        answer({ offers: [{ ...offer, id, offerID: "ignored" }] }),
      ),
    );
    const { client } = borrowerOn(server);
    expect((await client.listOffers(J)).offers[0]?.id).toBe(id);
    expect((await client.getJourney(J)).offers?.[0]?.id).toBe(id);
    // Both sent: `id` is the model's, and stands.
    expect((await client.listOffers(J)).offers[0]?.id).toBe(id);
  });

  it("refuses a state answer naming another journey than the one asked for as CONTRACT naming journeyID", async () => {
    const other = snapshotFixture({ journeyID: "00000000-0000-4000-8000-000000000000" });
    const answer = { status: 200, body: wireState(other) } as const;
    server = await startScriptedServer(inOrder(answer, { ...answer, status: 202 }));
    const { client } = borrowerOn(server);
    for (const call of [
      () => client.getJourneyState(J),
      () => client.submitProfile({ bureauConsent: true }, { journeyID: J }),
    ]) {
      const error = await rejectionOf(call());
      expect(error).toMatchObject({ _tag: "ApiError", code: "CONTRACT" });
      expect((error as ApiError).errors.map((e) => e.path)).toEqual(["journeyID"]);
    }
  });

  it("refuses a state answer without a timestamp as CONTRACT naming timestamp: an unordered state is never applied", async () => {
    server = await startScriptedServer(
      inOrder({ status: 200, raw: true, body: { requestID: "r", data: snapshotFixture(), error: null } }),
    );
    const { client } = borrowerOn(server);
    const error = await rejectionOf(client.getJourneyState(J));
    expect(error).toMatchObject({ _tag: "ApiError", code: "CONTRACT", endpoint: "getJourneyState" });
    expect((error as ApiError).errors.map((e) => e.path)).toEqual(["timestamp"]);
  });

  it("gives every kind of result the meta of its answer, the snapshot result of getJourneyState included", async () => {
    server = await startScriptedServer(
      inOrder(
        { status: 202, body: snapshotFixture() },
        { status: 200, body: { journeys: [snapshotFixture()] } },
        { status: 200, body: snapshotFixture() },
      ),
    );
    const { client } = borrowerOn(server, { correlationID: "flow-meta" });
    const meta = {
      requestID: SCRIPTED_REQUEST_ID,
      correlationID: "flow-meta",
      timestamp: SCRIPTED_TIMESTAMP,
    };
    expect(responseMeta(await client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91"))).toEqual(meta);
    expect(responseMeta(await client.listJourneys())).toEqual(meta);
    const state = await client.getJourneyState(J);
    expect(state).toMatchObject({ kind: "snapshot", snapshot: snapshotFixture(), meta });
  });
});

describe("contract parsing of answers", () => {
  it("rejects a success body that breaks the contract as ApiError CONTRACT naming the paths", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: { ...journeyFixture(), status: 7 } }));
    const { client } = borrowerOn(server);
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ _tag: "ApiError", code: "CONTRACT", status: 200, retryable: false });
    expect((error as ApiError).errors.map((e) => e.path)).toEqual(["status"]);
    expect(server.requests).toHaveLength(1);
  });

  it("rejects a 2xx body without the platform's envelope as CONTRACT", async () => {
    server = await startScriptedServer(
      inOrder({ status: 200, body: journeyFixture(), raw: true }, { status: 202, body: [], raw: true }),
    );
    const { client } = borrowerOn(server);
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "CONTRACT", status: 200, retryable: false, endpoint: "getJourney" });
    expect(await rejectionOf(client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91"))).toMatchObject({
      code: "CONTRACT",
      status: 202,
    });
    expect(server.requests).toHaveLength(2);
  });

  it("rejects a body that is not JSON as CONTRACT", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: "<html>gateway</html>" }));
    const { client } = borrowerOn(server);
    expect(await rejectionOf(client.listJourneys())).toMatchObject({ code: "CONTRACT", status: 200 });
  });

  it("types an error answer by its code with status, correlation id, request id and field errors", async () => {
    const fields = [
      { path: "pan", message: "must be a PAN like ABCDE1234F", code: "pattern" },
      { path: "workProfile.income", message: "is required" },
    ];
    server = await startScriptedServer(
      inOrder({
        status: 400,
        body: problem(400, "VALIDATION_FAILED", {
          detail: "Validation failed",
          errors: fields,
          correlationID: "corr-400",
        }),
      }),
    );
    const { client } = borrowerOn(server);
    const error = await rejectionOf(client.submitProfile({ bureauConsent: true }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      _tag: "ApiError",
      code: "VALIDATION_FAILED",
      status: 400,
      retryable: false,
      correlationID: "corr-400",
      requestID: SCRIPTED_REQUEST_ID,
      errors: fields,
      endpoint: "submitProfile",
    });
    expect((error as ApiError).message).toMatch(/Validation failed/);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      _tag: "ApiError",
      code: "VALIDATION_FAILED",
      requestID: SCRIPTED_REQUEST_ID,
      errors: fields,
    });
    expect(server.requests).toHaveLength(1);
  });

  it("puts the error envelope's requestID on ApiError.requestID and prefers its correlationID to the header's", async () => {
    const body = {
      ...problem(409, "OFFER_LOCK_CONFLICT", { correlationID: "corr-env" }),
      requestID: "req-409",
    };
    server = await startScriptedServer(
      inOrder({ status: 409, body, headers: { "x-correlation-id": "corr-header" } }),
    );
    const { client } = borrowerOn(server, { correlationID: "flow-sent" });
    const error = await rejectionOf(client.proceedOffer(J, "ofr_fixture02"));
    expect(error).toMatchObject({
      code: "OFFER_LOCK_CONFLICT",
      status: 409,
      retryable: false,
      requestID: "req-409",
      correlationID: "corr-env",
    });
    expect((error as ApiError).toJSON()).toMatchObject({ requestID: "req-409", correlationID: "corr-env" });
  });

  it("takes the correlation id from the response header when the error body has no envelope", async () => {
    server = await startScriptedServer(
      inOrder({ status: 502, body: "bad gateway", headers: { "x-correlation-id": "corr-header" } }),
    );
    const { client } = borrowerOn(server, { correlationID: "flow-sent", retry: { maxRetries: 0 } });
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({
      code: "HTTP_ERROR",
      status: 502,
      correlationID: "corr-header",
      requestID: undefined,
    });
  });

  it("falls back to the correlation id the client sent when the answer names none", async () => {
    const answers = [
      new Response(JSON.stringify({ error: { code: "NOT_FOUND", message: "no such journey" } }), {
        status: 404,
      }),
      new Response("", { status: 404 }),
    ];
    const client = clientOver(async () => answers.shift()!, { correlationID: "flow-sent" });
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({
      code: "NOT_FOUND",
      status: 404,
      correlationID: "flow-sent",
      requestID: undefined,
    });
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({
      code: "HTTP_ERROR",
      status: 404,
      correlationID: "flow-sent",
    });
  });

  it("refuses an answer over MAX_RESPONSE_BYTES as CONTRACT without reading it all, by Content-Length or as it streams", async () => {
    const big = MAX_RESPONSE_BYTES + 1;
    let pulled = 0;
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 65_536;
        controller.enqueue(new Uint8Array(65_536).fill(32));
        // An endless body: the read must stop past the limit.
      },
    });
    const answers = [
      new Response("{}", { status: 200, headers: { "content-length": String(big) } }),
      new Response(streamed, { status: 200 }),
    ];
    const client = clientOver(async () => answers.shift()!, { retry: { maxRetries: 0 } });
    for (let i = 0; i < 2; i++)
      expect(await rejectionOf(client.getJourney(J))).toMatchObject({
        code: "CONTRACT",
        message: expect.stringContaining(`200 body is over ${MAX_RESPONSE_BYTES} bytes`),
      });
    expect(pulled).toBeLessThan(MAX_RESPONSE_BYTES + 4 * 65_536);
  });

  it("never retries an oversized answer, whatever its status (a 5xx over the cap is CONTRACT, final)", async () => {
    let sent = 0;
    const client = clientOver(
      async () => {
        sent++;
        return new Response("{}", {
          status: 503,
          headers: { "content-length": String(MAX_RESPONSE_BYTES + 1) },
        });
      },
      { retry: { maxRetries: 3, baseDelayMs: 0, maxDelayMs: 0 } },
    );
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({ code: "CONTRACT", retryable: false });
    expect(sent).toBe(1);
  });

  it("takes a 2xx envelope whose error is set for the error it carries, and keeps the support ids of a contract breach", async () => {
    const envelope = (data: unknown, error: unknown, timestamp: unknown = "2026-11-26T10:00:00Z") =>
      new Response(JSON.stringify({ requestID: "req_P", correlationID: "corr_P", timestamp, data, error }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    const answers = [
      envelope(wireState(snapshotFixture()), { code: "OFFER_LOCK_CONFLICT", message: "locked" }),
      envelope(null, { code: "OFFER_LOCK_CONFLICT", message: "locked" }),
      envelope({ ...wireState(snapshotFixture()), status: 42 }, null),
      envelope(wireState(snapshotFixture()), null, "yesterday"),
    ];
    const client = clientOver(async () => answers.shift()!, { retry: { maxRetries: 0 } });
    for (let i = 0; i < 2; i++)
      expect(await rejectionOf(client.getJourneyState(J))).toMatchObject({
        code: "OFFER_LOCK_CONFLICT",
        requestID: "req_P",
      });
    for (let i = 0; i < 2; i++)
      expect(await rejectionOf(client.getJourneyState(J))).toMatchObject({
        code: "CONTRACT",
        requestID: "req_P",
        correlationID: "corr_P",
      });
  });

  it("never follows a redirect: the body is not re-sent elsewhere, and a 3xx is a final HTTP_ERROR", async () => {
    const calls: RequestInit[] = [];
    const client = clientOver(
      async (_url, init) => {
        calls.push(init ?? {});
        return new Response(null, { status: 307, headers: { location: "https://elsewhere.invalid/x" } });
      },
      { retry: { maxRetries: 3, baseDelayMs: 0, maxDelayMs: 0 } },
    );
    expect(await rejectionOf(client.submitProfile({ bureauConsent: true }))).toMatchObject({
      code: "HTTP_ERROR",
      status: 307,
      retryable: false,
    });
    expect(calls.map((c) => c.redirect)).toEqual(["manual"]);
  });

  it("refuses an id of . or .. before sending (a URL resolves them: the call would reach another path)", async () => {
    let sent = 0;
    const client = clientOver(async () => {
      sent++;
      return new Response("{}");
    });
    for (const id of [".", ".."]) {
      expect(await rejectionOf(client.getJourneyState(id))).toMatchObject({ code: "INVALID_REQUEST" });
      expect(await rejectionOf(client.proceedOffer(J, id))).toMatchObject({
        code: "INVALID_REQUEST",
        errors: [expect.objectContaining({ path: "offerID" })],
      });
    }
    expect(sent).toBe(0);
  });

  it("passes an unknown error code (LENDER_TIMEOUT) through as the ApiError code with its status", async () => {
    server = await startScriptedServer(
      inOrder(problemReply(504, "LENDER_TIMEOUT"), problemReply(422, "LENDER_DECLINED")),
    );
    const { client } = borrowerOn(server, { retry: { maxRetries: 0 } });
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({
      _tag: "ApiError",
      code: "LENDER_TIMEOUT",
      status: 504,
      retryable: true,
      requestID: SCRIPTED_REQUEST_ID,
    });
    expect(await rejectionOf(client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91"))).toMatchObject({
      code: "LENDER_DECLINED",
      status: 422,
      retryable: false,
    });
  });

  it("types an error answer without a problem body as HTTP_ERROR with the echoed correlation id", async () => {
    server = await startScriptedServer(inOrder({ status: 404, body: "not here" }));
    const { client } = borrowerOn(server, { correlationID: "flow-404" });
    expect(await rejectionOf(client.getLoan(J))).toMatchObject({
      code: "HTTP_ERROR",
      status: 404,
      retryable: false,
      correlationID: "flow-404",
    });
  });
});

describe("request checks before the network", () => {
  it("refuses a request body that breaks the contract with INVALID_REQUEST and sends nothing", async () => {
    server = await startScriptedServer(inOrder({ status: 202, body: snapshotFixture() }));
    const { client } = borrowerOn(server);
    const bad = { ...profileFixture(), pan: "nope" };
    const error = await rejectionOf(client.upsertProfile(bad));
    expect(error).toMatchObject({ code: "INVALID_REQUEST", retryable: false, status: undefined });
    expect((error as ApiError).errors.map((e) => e.path)).toEqual(["pan"]);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an empty or over-long (129 characters) path id naming it, and sends nothing", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    const { client } = borrowerOn(server);
    const error = await rejectionOf(client.getStep(J, ""));
    expect(error).toMatchObject({ code: "INVALID_REQUEST", errors: [{ path: "stepID" }] });
    const long = await rejectionOf(client.getJourney("j".repeat(129)));
    expect(long).toMatchObject({ code: "INVALID_REQUEST", errors: [{ path: "journeyID" }] });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a session token no header can carry, without quoting it and without retrying it as a network error", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    for (const token of ["tok\nen-secret", "tok\u0000secret", "токен-secret", " secret-padded "]) {
      const { client, delays } = borrowerOn(server, { getSessionToken: () => token });
      const error = await rejectionOf(client.getJourney(J));
      expect(error, JSON.stringify(token)).toMatchObject({ code: "SESSION_UNAVAILABLE", retryable: false });
      expect(String((error as ApiError).message)).not.toContain("secret");
      expect(JSON.stringify(error)).not.toContain("secret");
      expect(delays).toEqual([]);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("fails a call whose getSessionToken or shared refresh never settles with TIMEOUT after timeoutMs, not never", async () => {
    server = await startScriptedServer(inOrder(problemReply(401, "AUTH_INVALID_SESSION")));
    const hung = borrowerOn(server, { timeoutMs: 50, getSessionToken: () => new Promise<string>(() => {}) });
    const first = await rejectionOf(hung.client.getJourney(J));
    expect(first).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(server.requests).toHaveLength(0);
    const refreshing = borrowerOn(server, {
      timeoutMs: 50,
      refreshSession: () => new Promise<string>(() => {}),
    });
    const second = await rejectionOf(refreshing.client.getJourney(J));
    expect(second).toMatchObject({ code: "TIMEOUT" });
    expect(String((second as ApiError).message)).toContain("credential callback");
    expect(server.requests).toHaveLength(1);
  });

  it("refuses an idempotencyKey or correlationID no header can carry with INVALID_REQUEST naming it, and sends nothing", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    const { client } = borrowerOn(server);
    const key = await rejectionOf(client.getJourney(J, { idempotencyKey: "ключ" }));
    expect(key).toMatchObject({ code: "INVALID_REQUEST", errors: [{ path: "idempotencyKey" }] });
    const id = await rejectionOf(client.getJourney(J, { correlationID: "a\r\nx-injected: 1" }));
    expect(id).toMatchObject({ code: "INVALID_REQUEST", errors: [{ path: "correlationID" }] });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses malformed options with a ClientConfigError naming the field", () => {
    const base = { getSessionToken: () => SESSION_TOKEN, refreshSession: async () => SESSION_TOKEN };
    expect(() => createBorrowerClient({ ...base, baseUrl: "not a url" })).toThrow(ClientConfigError);
    expect(() => createBorrowerClient({ ...base, baseUrl: "ftp://x" })).toThrow(/baseUrl/);
    expect(() => createBorrowerClient({ ...base, baseUrl: "http://x", timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createBorrowerClient({ ...base, baseUrl: "http://x", retry: { maxRetries: -1 } })).toThrow(
      /retry\.maxRetries/,
    );
    expect(() =>
      createBorrowerClient({ ...base, baseUrl: "http://x", getSessionToken: undefined as never }),
    ).toThrow(/getSessionToken/);
    // A correlation id no header can carry (a newline, non-ASCII) would fail every call as a retried NETWORK error.
    for (const correlationID of ["flow\r\nx-evil: 1", "é-flow", ""])
      expect(() => createBorrowerClient({ ...base, baseUrl: "http://x", correlationID })).toThrow(
        /correlationID/,
      );
  });

  it("refuses a correlationID() that gives what no header can carry: INVALID_REQUEST, not sent, not retried", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    const { client } = borrowerOn(server, { correlationID: () => "é-flow" });
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toMatchObject({ code: "INVALID_REQUEST", errors: [{ path: "correlationID" }] });
    expect((error as ApiError).message).not.toContain("é-flow");
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a correlationID() that throws as INVALID_REQUEST (a typed error), sending nothing", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    const { client } = borrowerOn(server, {
      correlationID: () => {
        throw new Error("flow store gone");
      },
    });
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "INVALID_REQUEST", errors: [{ path: "correlationID" }] });
    expect(server.requests).toHaveLength(0);
  });

  it("wraps a failing getSessionToken as SESSION_UNAVAILABLE and sends nothing", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    const { client } = borrowerOn(server, {
      getSessionToken: () => {
        throw new Error("storage locked");
      },
    });
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toMatchObject({ code: "SESSION_UNAVAILABLE", retryable: false });
    expect((error as ApiError).message).toMatch(/storage locked/);
    expect(server.requests).toHaveLength(0);
  });

  it("accepts a baseUrl that already carries the base path", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    const { client } = borrowerOn(server, { baseUrl: `${server.baseUrl}${ROOT}/` });
    await client.getJourney(J);
    expect(server.requests[0]?.path).toBe(`${ROOT}/journeys/${J}`);
  });
});
