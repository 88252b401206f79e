import { afterEach, describe, expect, it } from "vitest";
import { createBorrowerClient, createPartnerClient, responseMeta } from "../../src/client/index.js";
import { CreateSessionResponse, JourneyStateData, JourneySummary, parse } from "../../src/contract/index.js";
import { rejectionOf } from "../client/harness.js";
import { inOrder, type ScriptedServer, startScriptedServer } from "../client/scripted-server.js";
import { openSession, type Sandbox, startManual, TestClient } from "../sandbox/helpers.js";
import {
  ERROR_ANSWERS,
  JOURNEY_CREATED,
  SESSION_ANSWER,
  SESSION_ANSWER_NO_JOURNEY,
  STATE_ANSWER,
} from "./golden.js";

let server: ScriptedServer | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await server?.close();
  await sandbox?.close();
  server = undefined;
  sandbox = undefined;
});

const API_KEY = "sk_test_golden0001";
const partnerOn = (url: string) =>
  createPartnerClient({ baseUrl: url, apiKey: API_KEY, retry: { maxRetries: 0 } });
const borrowerOn = (url: string) =>
  createBorrowerClient({
    baseUrl: url,
    getSessionToken: () => "opaque-session",
    refreshSession: async () => "opaque-session",
    retry: { maxRetries: 0 },
  });

describe("golden payloads of PLATFORM.md parse to the documented values", () => {
  it("the session answer [L4], with and without an active journey, envelope meta kept", async () => {
    server = await startScriptedServer(
      inOrder(
        { status: 201, body: SESSION_ANSWER, raw: true },
        { status: 201, body: SESSION_ANSWER_NO_JOURNEY, raw: true },
      ),
    );
    const partner = partnerOn(server.baseUrl);
    const answer = await partner.createSession({ borrowerExternalID: "CUST_0012" });
    expect({ ...answer }).toEqual(SESSION_ANSWER.data);
    expect(responseMeta(answer)).toEqual({
      requestID: SESSION_ANSWER.requestID,
      correlationID: SESSION_ANSWER.correlationID,
      timestamp: SESSION_ANSWER.timestamp,
    });
    expect((await partner.createSession({ borrowerExternalID: "CUST_0012" })).activeJourney).toBeNull();
  });

  it("the journey creation answer [L3], with a null correlationID", async () => {
    server = await startScriptedServer(inOrder({ status: 201, body: JOURNEY_CREATED, raw: true }));
    const created = await borrowerOn(server.baseUrl).createJourney({ type: "PERSONAL_LOAN" });
    expect({ ...created }).toEqual(JOURNEY_CREATED.data);
    expect(responseMeta(created)?.requestID).toBe(JOURNEY_CREATED.requestID);
  });

  it("each documented error code [L7], with and without the envelope, is the ApiError's code and status", async () => {
    for (const { status, body } of ERROR_ANSWERS) {
      for (const payload of [
        body,
        {
          requestID: "r-9",
          correlationID: "c-9",
          timestamp: "2026-03-05T16:48:20.000Z",
          data: null,
          ...body,
        },
      ]) {
        server = await startScriptedServer(inOrder({ status, body: payload }));
        const error = await rejectionOf(
          partnerOn(server.baseUrl).getJourney("b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9"),
        );
        expect(error).toMatchObject({ _tag: "ApiError", code: body.error.code, status });
        expect((error as Error).message).toContain(body.error.message);
        if ("requestID" in payload) expect(error).toMatchObject({ requestID: "r-9", correlationID: "c-9" });
        await server.close();
        server = undefined;
      }
    }
  });

  it("the state answer [L2] [L3] [L7]: nulls read as absent, ordered by the answer's timestamp, the id from the path", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: STATE_ANSWER, raw: true }));
    const journeyID = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
    const state = await borrowerOn(server.baseUrl).getJourneyState(journeyID);
    expect(state).toMatchObject({ kind: "snapshot" });
    expect(state.kind === "snapshot" && state.snapshot).toEqual({
      journeyID,
      status: "OFFERS_PENDING",
      nextAction: null,
      diagnostics: STATE_ANSWER.data.diagnostics,
      pendingOperations: STATE_ANSWER.data.pendingOperations,
      asOf: Date.parse(STATE_ANSWER.timestamp),
    });
  });

  it("an unknown nextAction and an unknown status-free extra field: the value kept as a string, the field stripped", () => {
    const parsed = parse(
      JourneySummary,
      { ...JOURNEY_CREATED.data, nextAction: "UPLOAD_SALARY_SLIP", transaction_id: "ondc-internal" },
      "JourneySummary",
    );
    expect(parsed).toEqual({ ...JOURNEY_CREATED.data, nextAction: "UPLOAD_SALARY_SLIP" });
    const session = parse(
      CreateSessionResponse,
      { ...SESSION_ANSWER.data, bpp_id: "x" },
      "CreateSessionResponse",
    );
    expect(session).not.toHaveProperty("bpp_id");
  });
});

describe("the sandbox answers in the golden shapes", () => {
  const keys = (value: object) => Object.keys(value).sort();

  it("session bootstrap [L4] and journey creation [L3]: exactly the documented keys, in the envelope", async () => {
    sandbox = await startManual();
    const client = new TestClient(sandbox);
    const first = await openSession(client, "CUST_0012");
    expect(keys(first.reply.envelope)).toEqual(keys(SESSION_ANSWER));
    expect(keys(first.reply.body)).toEqual(keys(SESSION_ANSWER.data));
    expect(first.reply.body.activeJourney).toBeNull();
    const again = await openSession(client, "CUST_0012");
    expect(keys(again.reply.body.activeJourney)).toEqual(keys(SESSION_ANSWER.data.activeJourney));
    const created = await client.call("POST", "/journeys", {
      token: first.token,
      body: { type: "PERSONAL_LOAN" },
    });
    expect(keys(created.envelope)).toEqual(keys(JOURNEY_CREATED));
    expect(keys(created.body)).toEqual(keys(JOURNEY_CREATED.data));
    expect(client.violations).toEqual([]);
  });

  it("the state answer [L2] [L3]: the documented fields, only known modelled ones beside them, no version", async () => {
    sandbox = await startManual();
    const client = new TestClient(sandbox);
    const { token, journeyID } = await openSession(client, "CUST_0013");
    const reply = await client.call("GET", `/journeys/${journeyID}/state`, { token });
    expect(keys(reply.envelope)).toEqual(keys(STATE_ANSWER));
    expect(reply.body).toHaveProperty("status");
    expect(reply.body).toHaveProperty("nextAction");
    expect(reply.body).not.toHaveProperty("version");
    expect(reply.body).not.toHaveProperty("asOf");
    for (const key of Object.keys(reply.body)) expect(Object.keys(JourneyStateData.shape)).toContain(key);
    expect(client.violations).toEqual([]);
  });

  it("the documented errors AUTH_INVALID_API_KEY, AUTH_INVALID_SESSION, VALIDATION_FAILED in the error body (OFFER_LOCK_CONFLICT: test/sandbox/endpoints.test.ts)", async () => {
    sandbox = await startManual();
    const client = new TestClient(sandbox);
    const badKey = await client.call("POST", "/sessions", {
      token: "sk_test_wrongwrong",
      body: { borrowerExternalID: "x" },
    });
    const badSession = await client.call("GET", "/journeys", { token: "expired-or-unknown" });
    const invalid = await client.call("POST", "/sessions", { body: { borrowerExternalID: "" } });
    for (const [reply, [status, code]] of [
      [badKey, [401, "AUTH_INVALID_API_KEY"]],
      [badSession, [401, "AUTH_INVALID_SESSION"]],
      [invalid, [400, "VALIDATION_FAILED"]],
    ] as const) {
      expect([reply.status, reply.body.error.code]).toEqual([status, code]);
      expect(keys(reply.body.error)).toEqual(expect.arrayContaining(["code", "message"]));
    }
    expect(client.violations).toEqual([]);
  });
});
