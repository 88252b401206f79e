import { afterEach, describe, expect, it } from "vitest";
import { ClientConfigError, createPartnerClient, responseMeta, ScopeError } from "../../src/client/index.js";
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

describe("partner client: the webhook subscription [C1] [C13] [C14]", () => {
  const TENANT = "3f6c2a1e-9b7d-4e8f-a1c2-5d4e3f2a1b0c";
  const APP = "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d";
  const HOOKS = `/api/tenants/${TENANT}/applications/${APP}/webhooks`;
  const URL_ = "https://partner.example/hooks/credit";
  const on = { tenant_id: TENANT, application_id: APP, webhook_enabled: true, webhook_url: URL_ };
  const off = { tenant_id: TENANT, application_id: APP, webhook_enabled: false, webhook_url: null };
  const clientOn = (s: ScriptedServer, extra: object = {}) =>
    createPartnerClient({
      baseUrl: s.baseUrl,
      apiKey: API_KEY,
      tenantID: TENANT,
      applicationID: APP,
      correlationID: "hooks-1",
      retry: noWait,
      ...extra,
    });

  it("subscribes, reads and unsubscribes outside the headless base path, with the API key and Idempotency-Keys", async () => {
    server = await startScriptedServer(
      inOrder({ status: 200, body: on }, { status: 200, body: on }, { status: 200, body: off }),
    );
    const client = clientOn(server);
    const subscribed = await client.subscribeWebhooks(URL_);
    expect(subscribed).toEqual(on);
    expect(responseMeta(subscribed)).toEqual({
      requestID: SCRIPTED_REQUEST_ID,
      correlationID: "hooks-1",
      timestamp: SCRIPTED_TIMESTAMP,
    });
    expect(await client.getWebhookConfiguration()).toEqual(on);
    expect(await client.unsubscribeWebhooks({ idempotencyKey: "unsub-1" })).toEqual(off);

    const [subscribe, read, unsubscribe] = server.requests;
    expect(server.requests.map((r) => [r.method, r.path])).toEqual([
      ["POST", `${HOOKS}/subscribe`],
      ["GET", `${HOOKS}/configuration`],
      ["POST", `${HOOKS}/unsubscribe`],
    ]);
    for (const r of server.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(r.headers["x-correlation-id"]).toBe("hooks-1");
      expect(r.headers.accept).toBe("application/json");
    }
    expect(subscribe?.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(subscribe?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(subscribe?.body ?? "")).toEqual({ url: URL_ });
    expect(read?.headers["idempotency-key"]).toBeUndefined();
    expect(read?.body).toBe("");
    expect(unsubscribe?.headers["idempotency-key"]).toBe("unsub-1");
    expect(unsubscribe?.headers["content-type"]).toBeUndefined();
    expect(unsubscribe?.body).toBe("");
  });

  it("reads a bare (un-enveloped) answer as well as an enveloped one, in either casing", async () => {
    const hybrid = {
      request_id: "req-hybrid",
      correlation_id: "corr-hybrid",
      timestamp: SCRIPTED_TIMESTAMP,
      data: off,
      error: null,
    };
    server = await startScriptedServer(
      inOrder(
        { status: 200, body: on, raw: true, headers: { "x-correlation-id": "corr-bare" } },
        { status: 200, body: off, raw: true },
        { status: 200, body: hybrid, raw: true },
      ),
    );
    const client = clientOn(server);
    const bare = await client.subscribeWebhooks(URL_);
    expect(bare).toEqual(on);
    expect(responseMeta(bare)).toEqual({
      requestID: undefined,
      correlationID: "corr-bare",
      timestamp: undefined,
    });
    expect(await client.unsubscribeWebhooks()).toEqual(off);
    const enveloped = await client.getWebhookConfiguration();
    expect(enveloped).toEqual(off);
    expect(responseMeta(enveloped)).toMatchObject({ requestID: "req-hybrid", correlationID: "corr-hybrid" });
  });

  it("refuses a bare answer that is not the four fields with CONTRACT, and keeps bare answers to these endpoints", async () => {
    server = await startScriptedServer(
      inOrder(
        { status: 200, body: { tenant_id: TENANT, webhook_enabled: "yes" }, raw: true },
        { status: 200, body: journeyFixture(), raw: true },
      ),
    );
    const client = clientOn(server);
    const error = await rejectionOf(client.getWebhookConfiguration());
    expect(error).toMatchObject({ code: "CONTRACT", endpoint: "getWebhookConfiguration" });
    expect((error as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(["application_id", "webhook_enabled", "webhook_url"]),
    );
    // A headless endpoint still needs the envelope.
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({ code: "CONTRACT" });
  });

  it("surfaces the platform's errors typed by code and status", async () => {
    server = await startScriptedServer(
      inOrder(problemReply(401, "AUTH_INVALID_API_KEY"), problemReply(404, "NOT_FOUND"), {
        status: 403,
        body: { error: { code: "FORBIDDEN", message: "another application" } },
      }),
    );
    const client = clientOn(server);
    expect(await rejectionOf(client.getWebhookConfiguration())).toMatchObject({
      code: "AUTH_INVALID_API_KEY",
      status: 401,
      retryable: false,
    });
    expect(await rejectionOf(client.unsubscribeWebhooks())).toMatchObject({ code: "NOT_FOUND", status: 404 });
    expect(await rejectionOf(client.subscribeWebhooks(URL_))).toMatchObject({
      code: "FORBIDDEN",
      status: 403,
      endpoint: "subscribeWebhooks",
    });
  });

  it("refuses a non-HTTPS or malformed URL with INVALID_REQUEST naming url, before sending", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: on }));
    const client = clientOn(server);
    for (const url of ["http://partner.example/hooks", "partner.example/hooks", "", "ftp://a.example/x"]) {
      const error = await rejectionOf(client.subscribeWebhooks(url));
      expect(error, url).toMatchObject({ code: "INVALID_REQUEST", endpoint: "subscribeWebhooks" });
      expect(
        (error as { errors: { path: string }[] }).errors.map((e) => e.path),
        url,
      ).toEqual(["url"]);
    }
    expect(await rejectionOf(client.subscribeWebhooks(42 as unknown as string))).toMatchObject({
      code: "INVALID_REQUEST",
    });
    expect(server.requests).toHaveLength(0);
  });

  it("validates tenantID and applicationID as UUIDs when the client is created", () => {
    const base = { baseUrl: "http://127.0.0.1:1", apiKey: API_KEY };
    expect(() => createPartnerClient(base)).not.toThrow();
    for (const [option, value] of [
      ["tenantID", "tenant-1"],
      ["tenantID", ""],
      ["applicationID", `${APP}x`],
      ["applicationID", 42],
    ] as const) {
      const create = () =>
        createPartnerClient({ ...base, tenantID: TENANT, applicationID: APP, [option]: value });
      expect(create, `${option}=${value}`).toThrow(ClientConfigError);
      expect(create, `${option}=${value}`).toThrow(expect.objectContaining({ field: option }));
    }
    expect(() =>
      createPartnerClient({ ...base, tenantID: TENANT.toUpperCase(), applicationID: APP }),
    ).not.toThrow();
  });

  it("rejects the subscription methods with a ClientConfigError naming the option not configured", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: on }));
    const noTenant = createPartnerClient({ baseUrl: server.baseUrl, apiKey: API_KEY, applicationID: APP });
    const noApp = createPartnerClient({ baseUrl: server.baseUrl, apiKey: API_KEY, tenantID: TENANT });
    for (const call of [
      () => noTenant.getWebhookConfiguration(),
      () => noTenant.subscribeWebhooks(URL_),
      () => noTenant.unsubscribeWebhooks(),
    ]) {
      const error = await rejectionOf(call());
      expect(error).toBeInstanceOf(ClientConfigError);
      expect(error).toMatchObject({ field: "tenantID" });
    }
    for (const call of [
      () => noApp.getWebhookConfiguration(),
      () => noApp.subscribeWebhooks(URL_),
      () => noApp.unsubscribeWebhooks(),
    ])
      expect(await rejectionOf(call())).toMatchObject({ _tag: "ClientConfigError", field: "applicationID" });
    // The rest of the client works without them.
    expect(server.requests).toHaveLength(0);
  });

  it("builds the URL from the origin even when baseUrl already names the headless base path", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: on }));
    const client = clientOn(server, { baseUrl: `${server.baseUrl}${ROOT}/` });
    await client.getWebhookConfiguration();
    expect(server.requests[0]?.path).toBe(`${HOOKS}/configuration`);
  });

  it("retries a lost Subscribe with the same Idempotency-Key and body", async () => {
    server = await startScriptedServer(inOrder({ drop: true }, { status: 200, body: on }));
    const client = clientOn(server);
    expect(await client.subscribeWebhooks(URL_)).toEqual(on);
    const [lost, resent] = server.requests;
    expect(resent?.headers["idempotency-key"]).toBe(lost?.headers["idempotency-key"]);
    expect(resent?.body).toBe(lost?.body);
  });
});
