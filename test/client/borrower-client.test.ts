import { afterEach, describe, expect, it } from "vitest";
import {
  ApiError,
  type BorrowerClient,
  ClientConfigError,
  createBorrowerClient,
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
} from "../../src/testing/fixtures.js";
import { borrowerOn, rejectionOf, SESSION_TOKEN } from "./harness.js";
import { inOrder, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

const J = "jrn_fixture01";
const ROOT = "/api/v1/headless";

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
    reply: { journeys: [snapshotFixture()] },
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
    name: "submitProfile",
    call: (c) => c.submitProfile(J, profileFixture()),
    method: "PUT",
    path: `/journeys/${J}/profile`,
    status: 202,
    reply: snapshotFixture({ status: "PROFILE_SUBMITTED", nextAction: { type: "WAIT" } }),
    body: profileFixture(),
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
    call: (c) => c.proceedOffer(J, "ofr_fixture01"),
    method: "POST",
    path: `/journeys/${J}/offers/ofr_fixture01/proceed`,
    status: 202,
    reply: snapshotFixture({ status: "OFFER_SELECTED", lockedOfferID: "ofr_fixture01" }),
  },
  {
    name: "listSteps",
    call: (c) => c.listSteps(J),
    method: "GET",
    path: `/journeys/${J}/steps`,
    status: 200,
    reply: { steps: [stepFixture()] },
  },
  {
    name: "getStep",
    call: (c) => c.getStep(J, "stp_fixture01"),
    method: "GET",
    path: `/journeys/${J}/steps/stp_fixture01`,
    status: 200,
    reply: stepFixture(),
  },
  {
    name: "stepAction",
    call: (c) => c.stepAction(J, "stp_fixture01", { action: "SUBMIT", data: { city: "Pune" } }),
    method: "POST",
    path: `/journeys/${J}/steps/stp_fixture01/actions`,
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

describe("contract parsing of answers", () => {
  it("rejects a success body that breaks the contract as ApiError CONTRACT naming the paths", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: { ...snapshotFixture(), version: 0 } }));
    const { client } = borrowerOn(server);
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ _tag: "ApiError", code: "CONTRACT", status: 200, retryable: false });
    expect((error as ApiError).errors.map((e) => e.path)).toEqual(expect.arrayContaining(["version"]));
    expect(server.requests).toHaveLength(1);
  });

  it("rejects a body that is not JSON as CONTRACT", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: "<html>gateway</html>" }));
    const { client } = borrowerOn(server);
    expect(await rejectionOf(client.listJourneys())).toMatchObject({ code: "CONTRACT", status: 200 });
  });

  it("types a problem answer by its code with status, correlation id and field errors", async () => {
    const errors = [{ path: "pan", message: "must be a PAN like ABCDE1234F" }];
    server = await startScriptedServer(
      inOrder({
        status: 422,
        body: {
          type: "https://errors.example/validation",
          title: "Validation failed",
          status: 422,
          code: "VALIDATION_FAILED",
          correlationID: "corr-422",
          errors,
        },
      }),
    );
    const { client } = borrowerOn(server);
    const error = await rejectionOf(client.submitProfile(J, profileFixture()));
    expect(error).toMatchObject({
      _tag: "ApiError",
      code: "VALIDATION_FAILED",
      status: 422,
      retryable: false,
      correlationID: "corr-422",
      errors,
      endpoint: "submitProfile",
    });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ _tag: "ApiError", code: "VALIDATION_FAILED" });
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
    const error = await rejectionOf(client.submitProfile(J, bad));
    expect(error).toMatchObject({ code: "INVALID_REQUEST", retryable: false, status: undefined });
    expect((error as ApiError).errors.map((e) => e.path)).toEqual(["pan"]);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an empty path id naming it, and sends nothing", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    const { client } = borrowerOn(server);
    const error = await rejectionOf(client.getStep(J, ""));
    expect(error).toMatchObject({ code: "INVALID_REQUEST", errors: [{ path: "stepID" }] });
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
