import { afterEach, describe, expect, it } from "vitest";
import { ClientConfigError, createPartnerClient, ScopeError } from "../../src/client/index.js";
import {
  createSessionRequestFixture,
  createSessionResponseFixture,
  journeyFixture,
  sessionFixture,
  snapshotFixture,
} from "../../src/testing/fixtures.js";
import { API_KEY, rejectionOf, SESSION_TOKEN } from "./harness.js";
import {
  inOrder,
  problemReply,
  SCRIPTED_REQUEST_ID,
  SCRIPTED_TIMESTAMP,
  type ScriptedServer,
  startScriptedServer,
} from "./scripted-server.js";

const ROOT = "/api/v1/headless";
const J = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const noWait = { sleep: async () => {} };
const REFRESH_TOKEN = sessionFixture().refreshToken;

describe("partner client scope", () => {
  it("refuses a session token (anything but sk_…) with a ScopeError before any request", async () => {
    server = await startScriptedServer(inOrder({ status: 201, body: createSessionResponseFixture() }));
    const create = () => createPartnerClient({ baseUrl: server!.baseUrl, apiKey: SESSION_TOKEN });
    expect(create).toThrow(ScopeError);
    expect(create).toThrow(expect.objectContaining({ _tag: "ScopeError", reason: "NOT_AN_API_KEY" }));
    for (const apiKey of [sessionFixture().refreshToken, ` ${API_KEY}`, `${API_KEY} `, "sk_", "SK_test_abcd"])
      expect(() => createPartnerClient({ baseUrl: server!.baseUrl, apiKey })).toThrow(
        expect.objectContaining({ _tag: "ScopeError", reason: "NOT_AN_API_KEY" }),
      );
    expect(server.requests).toHaveLength(0);
  });

  it("refuses to run where window exists unless serverSide is true", () => {
    const scope = globalThis as { window?: unknown };
    scope.window = {};
    try {
      expect(() => createPartnerClient({ baseUrl: "http://127.0.0.1:1", apiKey: API_KEY })).toThrow(
        expect.objectContaining({ _tag: "ScopeError", reason: "PARTNER_CLIENT_IN_BROWSER" }),
      );
      expect(() =>
        createPartnerClient({ baseUrl: "http://127.0.0.1:1", apiKey: API_KEY, serverSide: true }),
      ).not.toThrow();
    } finally {
      delete scope.window;
    }
    expect(() => createPartnerClient({ baseUrl: "http://127.0.0.1:1", apiKey: API_KEY })).not.toThrow();
  });

  it("refuses to run where document exists", () => {
    const scope = globalThis as { document?: unknown };
    scope.document = {};
    try {
      expect(() => createPartnerClient({ baseUrl: "http://127.0.0.1:1", apiKey: API_KEY })).toThrow(
        ScopeError,
      );
    } finally {
      delete scope.document;
    }
  });

  it("refuses a missing API key with a ClientConfigError naming apiKey", () => {
    expect(() => createPartnerClient({ baseUrl: "http://127.0.0.1:1", apiKey: "" })).toThrow(
      ClientConfigError,
    );
    expect(() => createPartnerClient({ baseUrl: "http://127.0.0.1:1", apiKey: "" })).toThrow(/apiKey/);
  });
});

describe("partner client calls", () => {
  it("creates a session with the API key, an Idempotency-Key and a correlation id", async () => {
    server = await startScriptedServer(inOrder({ status: 201, body: createSessionResponseFixture() }));
    const client = createPartnerClient({
      baseUrl: server.baseUrl,
      apiKey: API_KEY,
      correlationID: "signup-1",
    });
    const result = await client.createSession(createSessionRequestFixture());
    expect(result).toEqual(createSessionResponseFixture());
    const [request] = server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(`${ROOT}/sessions`);
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(request?.headers["x-correlation-id"]).toBe("signup-1");
    expect(JSON.parse(request?.body ?? "")).toEqual(createSessionRequestFixture());
  });

  it("retries a lost refresh with the same key and the same refresh token", async () => {
    server = await startScriptedServer(
      inOrder({ drop: true }, { status: 200, body: { session: sessionFixture() } }),
    );
    const client = createPartnerClient({ baseUrl: server.baseUrl, apiKey: API_KEY, retry: noWait });
    const result = await client.refreshSession(REFRESH_TOKEN);
    expect(result).toEqual({ session: sessionFixture() });
    const [lost, resent] = server.requests;
    expect(resent?.headers["idempotency-key"]).toBe(lost?.headers["idempotency-key"]);
    expect(resent?.body).toBe(lost?.body);
    expect(JSON.parse(resent?.body ?? "")).toEqual({ refreshToken: REFRESH_TOKEN });
  });

  it("surfaces a rotated-out refresh token (401 AUTH_INVALID_SESSION) as a typed, non-retryable error", async () => {
    server = await startScriptedServer(inOrder(problemReply(401, "AUTH_INVALID_SESSION")));
    const client = createPartnerClient({ baseUrl: server.baseUrl, apiKey: API_KEY, retry: noWait });
    expect(await rejectionOf(client.refreshSession(REFRESH_TOKEN))).toMatchObject({
      code: "AUTH_INVALID_SESSION",
      status: 401,
      retryable: false,
      endpoint: "refreshSession",
    });
    expect(server.requests).toHaveLength(1);
  });

  it("reads a journey and its state, conditionally", async () => {
    server = await startScriptedServer(
      inOrder(
        { status: 200, body: journeyFixture() },
        { status: 200, body: snapshotFixture(), headers: { etag: 'W/"5"' } },
        { status: 304 },
      ),
    );
    const client = createPartnerClient({
      baseUrl: server.baseUrl,
      apiKey: API_KEY,
      correlationID: "ops-read",
    });
    expect(await client.getJourney(J)).toEqual(journeyFixture());
    expect(await client.getJourneyState(J)).toEqual({
      kind: "snapshot",
      snapshot: snapshotFixture(),
      meta: { requestID: SCRIPTED_REQUEST_ID, correlationID: "ops-read", timestamp: SCRIPTED_TIMESTAMP },
      etag: 'W/"5"',
    });
    expect(await client.getJourneyState(J, { etag: 'W/"5"' })).toEqual({
      kind: "notModified",
      etag: 'W/"5"',
    });
    expect(server.requests.map((r) => [r.method, r.path, r.headers["idempotency-key"]])).toEqual([
      ["GET", `${ROOT}/journeys/${J}`, undefined],
      ["GET", `${ROOT}/journeys/${J}/state`, undefined],
      ["GET", `${ROOT}/journeys/${J}/state`, undefined],
    ]);
  });

  it("never refreshes on a 401: an API key has no session (AUTH_INVALID_SESSION and AUTH_INVALID_API_KEY alike)", async () => {
    server = await startScriptedServer(
      inOrder(problemReply(401, "AUTH_INVALID_SESSION"), problemReply(401, "AUTH_INVALID_API_KEY")),
    );
    const client = createPartnerClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({
      code: "AUTH_INVALID_SESSION",
      status: 401,
    });
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({
      code: "AUTH_INVALID_API_KEY",
      status: 401,
      retryable: false,
    });
    expect(server.requests).toHaveLength(2);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
  });
});
