import { randomUUID } from "node:crypto";
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BASE_PATH } from "../../src/contract/index.js";
import { DEFAULT_LIMITS, startSandbox } from "../../src/sandbox/index.js";
import { sandboxInternals } from "../../src/sandbox/internals.js";
import { redactSecret } from "../../src/sandbox/redact.js";
import { openSession, type Sandbox, startManual, TestClient, toDisbursed } from "./helpers.js";
import { startReceiver } from "./receiver.js";

let sandbox: Sandbox | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await sandbox?.close();
  await receiver?.close();
  sandbox = undefined;
  receiver = undefined;
});

/** A raw answer: status, lower-cased headers and the body text. */
interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** One request over node:http, which (unlike fetch) sends any `Host` and `Origin` the test names. */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, url), { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const LOOPBACK_ORIGIN = "http://localhost:5173";
const EVIL_ORIGIN = "https://evil.example";

describe("CORS", () => {
  it("answers a loopback origin's preflight and calls, and gives other origins nothing to read", async () => {
    sandbox = await startManual();
    const client = new TestClient(sandbox);
    const { token, journeyID } = await openSession(client, "cors-borrower");
    const statePath = `${BASE_PATH}/journeys/${journeyID}/state`;

    const preflight = await raw(sandbox.url, "OPTIONS", statePath, {
      origin: LOOPBACK_ORIGIN,
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization, x-correlation-id",
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(LOOPBACK_ORIGIN);
    const allowed = String(preflight.headers["access-control-allow-headers"]).toLowerCase();
    for (const name of [
      "authorization",
      "content-type",
      "idempotency-key",
      "x-correlation-id",
      "if-none-match",
    ])
      expect(allowed).toContain(name);
    expect(String(preflight.headers["access-control-allow-methods"])).toContain("PATCH");

    const read = await raw(sandbox.url, "GET", statePath, {
      origin: "http://127.0.0.1:3000",
      authorization: `Bearer ${token}`,
    });
    expect(read.status).toBe(200);
    expect(read.headers["access-control-allow-origin"]).toBe("http://127.0.0.1:3000");
    const exposed = String(read.headers["access-control-expose-headers"]).toLowerCase();
    for (const name of ["x-correlation-id", "retry-after", "etag"]) expect(exposed).toContain(name);
    expect(read.headers.vary).toContain("Origin");
    const ipv6 = await raw(sandbox.url, "GET", statePath, {
      origin: "http://[::1]:8080",
      authorization: `Bearer ${token}`,
    });
    expect(ipv6.headers["access-control-allow-origin"]).toBe("http://[::1]:8080");

    const evilPreflight = await raw(sandbox.url, "OPTIONS", statePath, {
      origin: EVIL_ORIGIN,
      "access-control-request-method": "GET",
    });
    expect(evilPreflight.status).toBe(403);
    expect(evilPreflight.headers["access-control-allow-origin"]).toBeUndefined();
    const evilRead = await raw(sandbox.url, "GET", statePath, {
      origin: EVIL_ORIGIN,
      authorization: `Bearer ${token}`,
    });
    expect(evilRead.headers["access-control-allow-origin"]).toBeUndefined();
    for (const origin of ["null", "http://localhost.evil.example", "http://127.0.0.1.evil.example"])
      expect(
        (await raw(sandbox.url, "GET", statePath, { origin, authorization: `Bearer ${token}` })).headers[
          "access-control-allow-origin"
        ],
      ).toBeUndefined();
  });

  it("gives the control API no CORS at all and refuses it to pages of other origins", async () => {
    sandbox = await startManual();
    const preflight = await raw(sandbox.url, "OPTIONS", "/_sandbox/clock/advance", {
      origin: LOOPBACK_ORIGIN,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    const before = sandbox.clock.now();
    // A cross-origin POST needs no preflight when it has no body: the Origin alone refuses it.
    const rotate = await raw(sandbox.url, "POST", "/_sandbox/clock/advance", { origin: LOOPBACK_ORIGIN });
    expect(rotate.status).toBe(403);
    expect(JSON.parse(rotate.text).error.code).toBe("ORIGIN_NOT_ALLOWED");
    expect(rotate.headers["access-control-allow-origin"]).toBeUndefined();
    const crossSite = await raw(sandbox.url, "GET", "/_sandbox/journeys", { "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    // Same origin (a page the sandbox served) and tools (no Origin) pass.
    const host = new URL(sandbox.url).host;
    expect((await raw(sandbox.url, "GET", "/_sandbox/clock", { origin: `http://${host}` })).status).toBe(200);
    expect((await raw(sandbox.url, "GET", "/_sandbox/clock")).status).toBe(200);
    expect(sandbox.clock.now()).toBe(before);
  });

  it("adds the origins of allowedOrigins, and refuses a malformed one at start", async () => {
    sandbox = await startManual({ allowedOrigins: ["https://app.example"] });
    const answer = await raw(sandbox.url, "GET", `${BASE_PATH}/journeys`, { origin: "https://app.example" });
    expect(answer.status).toBe(401);
    expect(answer.headers["access-control-allow-origin"]).toBe("https://app.example");
    await expect(startSandbox({ allowedOrigins: ["https://app.example/path"] })).rejects.toThrow(
      /allowedOrigins\[0\]/,
    );
    await expect(startSandbox({ allowedOrigins: ["ftp://x.example"] })).rejects.toThrow(TypeError);
  });
});

describe("allowed hosts", () => {
  it("refuses a Host that does not name the sandbox on the API, hosted pages and the control API", async () => {
    sandbox = await startManual();
    const port = new URL(sandbox.url).port;
    for (const path of [`${BASE_PATH}/journeys`, "/_sandbox/", "/_sandbox/journeys", "/hosted/return"]) {
      const answer = await raw(sandbox.url, "GET", path, { host: "evil.example" });
      expect(answer.status, path).toBe(421);
      const body = JSON.parse(answer.text);
      expect(body.error.code).toBe("HOST_NOT_ALLOWED");
      expect(body.data).toBeNull();
      expect(typeof body.requestID).toBe("string");
      expect(answer.text).not.toContain(sandbox.apiKey);
    }
    // DNS rebinding keeps the port: evil.example:PORT is refused too; so is loopback on another port.
    expect((await raw(sandbox.url, "GET", "/_sandbox/", { host: `evil.example:${port}` })).status).toBe(421);
    expect((await raw(sandbox.url, "GET", "/_sandbox/", { host: "127.0.0.1:1" })).status).toBe(421);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `127.1.2.3:${port}`, `[::1]:${port}`])
      expect((await raw(sandbox.url, "GET", "/_sandbox/clock", { host })).status, host).toBe(200);
  });

  it("accepts the hosts of allowedHosts (with or without a port) and refuses a malformed entry at start", async () => {
    sandbox = await startManual({ allowedHosts: ["sandbox.test", "pinned.test:81", "web.test:80"] });
    const port = new URL(sandbox.url).port;
    expect((await raw(sandbox.url, "GET", "/_sandbox/clock", { host: `sandbox.test:${port}` })).status).toBe(
      200,
    );
    expect((await raw(sandbox.url, "GET", "/_sandbox/clock", { host: "pinned.test:81" })).status).toBe(200);
    expect((await raw(sandbox.url, "GET", "/_sandbox/clock", { host: `pinned.test:${port}` })).status).toBe(
      421,
    );
    // `:80` is a port like any other (the URL drops http's default port, which read as "any port").
    for (const [host, status] of [
      ["web.test:80", 200],
      ["web.test", 200],
      [`web.test:${port}`, 421],
    ] as const)
      expect((await raw(sandbox.url, "GET", "/_sandbox/clock", { host })).status, host).toBe(status);
    await expect(startSandbox({ allowedHosts: ["a/b"] })).rejects.toThrow(/allowedHosts\[0\]/);
  });
});

describe("redaction", () => {
  it("keeps the API key, webhook secrets and tokens out of every control answer and every log line", async () => {
    receiver = await startReceiver();
    const logged: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    sandbox = await startManual({
      webhooks: [{ url: receiver.url, secrets: ["whsec_endpoint-secret-0123456789"] }],
      extensions: { refreshEndpoint: true },
    });
    const client = new TestClient(sandbox);
    const happy = await openSession(client, "redact-happy");
    await toDisbursed(client, happy.token, happy.journeyID);
    const refreshed = await client.call("POST", "/sessions/refresh", {
      body: { refreshToken: happy.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const subscribeUrl = `/api/tenants/${sandbox.tenantID}/applications/${sandbox.applicationID}/webhooks/subscribe`;
    const subscribed = await fetch(`${sandbox.url}${subscribeUrl}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${sandbox.apiKey}`,
        "idempotency-key": randomUUID(),
        "content-type": "application/json",
      },
      body: JSON.stringify({ url: `${receiver.url}/sub` }),
    });
    expect(subscribed.status).toBe(200);
    await sandbox.control.settle();
    // The sandbox's own error reporter, fed an error that names the key.
    sandboxInternals(sandbox).report(new Error(`boom with ${sandbox.apiKey}`));

    const subscriptionSecret = sandbox.control.subscriptionSecret() as string;
    const secrets = [
      sandbox.apiKey,
      sandbox.webhookSecret,
      subscriptionSecret,
      happy.token,
      happy.refreshToken,
      refreshed.body.session.refreshToken as string,
      refreshed.body.session.sessionToken as string,
    ];
    const control = async (method: string, path: string, body?: unknown) =>
      (
        await raw(
          sandbox?.url as string,
          method,
          `/_sandbox${path}`,
          body === undefined ? {} : { "content-type": "application/json" },
          body === undefined ? undefined : JSON.stringify(body),
        )
      ).text;
    const answers = [
      await control("GET", "/"),
      await control("GET", "/scenarios"),
      await control("GET", "/clock"),
      await control("GET", "/journeys"),
      await control("GET", `/journeys/${happy.journeyID}`),
      await control("GET", "/faults"),
      await control("GET", "/mutations"),
      await control("GET", "/requests"),
      await control("GET", "/webhooks/attempts"),
      await control("GET", "/webhooks/deliveries"),
      await control("GET", "/webhooks/endpoints"),
      await control("GET", "/webhooks/subscription/secret"),
      await control("POST", "/webhooks/endpoints", { url: `${receiver.url}/added` }),
      await control("POST", "/webhooks/subscription/rotate"),
      await control("GET", `/nowhere/${sandbox.apiKey}`),
    ];
    const rotated = sandbox.control.subscriptionSecret() as string;
    secrets.push(rotated);
    expect(answers.join("\n").length).toBeGreaterThan(2000);
    for (const text of [...answers, ...logged])
      for (const secret of secrets)
        expect(text.includes(secret), `${secret} in ${text.slice(0, 200)}`).toBe(false);
    // The redacted forms say which secret is meant without giving it away.
    expect(JSON.parse(answers[0] as string).apiKey).toBe(redactSecret(sandbox.apiKey));
    expect(redactSecret(sandbox.apiKey)).toMatch(/^sk_test_….{4}$/);
    expect(JSON.parse(answers[13] as string).secret).toBe(redactSecret(rotated));
    expect(logged.some((line) => line.includes("boom with sk_test_…"))).toBe(true);
    // In process, the full values are still there for tests and tools.
    expect(sandbox.control.journey(happy.journeyID).partnerKey).toBe(sandbox.apiKey);
    expect(sandbox.control.mutations().every((m) => !m.principal.includes(sandbox?.apiKey as string))).toBe(
      true,
    );
  });
});

describe("clients that misbehave on the wire", () => {
  /** Writes `text` to the sandbox over a raw socket; resolves with what came back once it closes. */
  function raw(port: number, text: string, hangUpAfterMs?: number): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(text);
        if (hangUpAfterMs !== undefined) setTimeout(() => socket.destroy(), hangUpAfterMs);
      });
      let answer = "";
      socket.on("data", (chunk) => {
        answer += chunk;
      });
      socket.on("close", () => resolve(answer));
      socket.on("error", () => resolve(answer));
      setTimeout(() => socket.destroy(), 1_000);
    });
  }

  it("answers a request target that is no URL 400 VALIDATION_FAILED, and a client that hangs up mid-upload is no sandbox error", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      sandbox = await startManual();
      const port = Number(new URL(sandbox.url).port);
      const bad = await raw(
        port,
        `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
      );
      expect(bad.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
      expect(bad).toContain('"VALIDATION_FAILED"');
      for (let i = 0; i < 5; i++)
        await raw(
          port,
          `POST ${BASE_PATH}/sessions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${sandbox.apiKey}\r\n` +
            `Idempotency-Key: k${i}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"borr`,
          20,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });
});

describe("redaction of a short API key", () => {
  it("names the partner by its redacted key in every principal of the mutation log (partner and borrower), even a key shorter than the text redactor passes over", async () => {
    sandbox = await startManual({ apiKey: "sk_k3y" });
    const client = new TestClient(sandbox);
    await openSession(client, "sbx-happy-short-key");
    const principals = sandbox.control.mutations().map((m) => m.principal);
    expect(principals).toContain(`partner:${redactSecret("sk_k3y")}`);
    expect(principals.some((p) => p.includes("k3y"))).toBe(false);
  });
});

describe("JSON-only control and subscription endpoints", () => {
  it("refuses text/plain and form bodies with 415 and registers nothing", async () => {
    sandbox = await startManual();
    const hook = JSON.stringify({ url: "http://127.0.0.1:9/hooks" });
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const added = await raw(
        sandbox.url,
        "POST",
        "/_sandbox/webhooks/endpoints",
        { "content-type": type },
        hook,
      );
      expect(added.status, type).toBe(415);
      expect(JSON.parse(added.text).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    expect(sandbox.control.webhookEndpoints()).toEqual([]);
    const before = sandbox.clock.now();
    const advanced = await raw(
      sandbox.url,
      "POST",
      "/_sandbox/clock/advance",
      { "content-type": "text/plain" },
      '{"ms":60000}',
    );
    expect(advanced.status).toBe(415);
    expect(sandbox.clock.now()).toBe(before);
    const faults = await raw(sandbox.url, "PUT", "/_sandbox/faults", {}, '{"errorRate":1}');
    expect(faults.status).toBe(415);
    expect(sandbox.control.faults()).toEqual({});

    const subscribe = `/api/tenants/${sandbox.tenantID}/applications/${sandbox.applicationID}/webhooks/subscribe`;
    const subscribed = await raw(
      sandbox.url,
      "POST",
      subscribe,
      {
        authorization: `Bearer ${sandbox.apiKey}`,
        "idempotency-key": randomUUID(),
        "content-type": "text/plain",
      },
      JSON.stringify({ url: "https://hooks.example/in" }),
    );
    expect(subscribed.status).toBe(415);
    expect(sandbox.control.subscriptionSecret()).toBeUndefined();
    expect(sandbox.control.webhookEndpoints()).toEqual([]);
    // JSON (with a charset) still works.
    const ok = await raw(
      sandbox.url,
      "POST",
      "/_sandbox/webhooks/endpoints",
      { "content-type": "application/json; charset=utf-8" },
      hook,
    );
    expect(ok.status).toBe(201);
  });
});

describe("body bounds", () => {
  it("answers a 100,000-deep JSON body 400 naming the body, not 500, and keeps answering", async () => {
    sandbox = await startManual();
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const api = await raw(
      sandbox.url,
      "POST",
      `${BASE_PATH}/sessions`,
      {
        authorization: `Bearer ${sandbox.apiKey}`,
        "idempotency-key": randomUUID(),
        "content-type": "application/json",
      },
      deep,
    );
    expect(api.status).toBe(400);
    const error = JSON.parse(api.text).error;
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toMatch(/body nests .* deeper than 64/);
    expect(error.fields).toEqual([expect.objectContaining({ path: "" })]);
    const objects = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const control = await raw(
      sandbox.url,
      "POST",
      "/_sandbox/clock/advance",
      { "content-type": "application/json" },
      objects,
    );
    expect(control.status).toBe(400);
    // Brackets inside strings are not nesting.
    const inString = await raw(
      sandbox.url,
      "POST",
      "/_sandbox/clock/advance",
      { "content-type": "application/json" },
      JSON.stringify({ ms: 1, note: "[".repeat(1000) }),
    );
    expect(inString.status).toBe(200);
    const client = new TestClient(sandbox);
    expect((await openSession(client, "after-deep")).journeyID).toBeTruthy();
  });

  it("refuses a body over maxBodyBytes with 413, and bad limits at start naming the field", async () => {
    sandbox = await startManual({ limits: { maxBodyBytes: 1000, maxJsonDepth: 3 } });
    const big = await raw(
      sandbox.url,
      "POST",
      "/_sandbox/webhooks/endpoints",
      { "content-type": "application/json" },
      JSON.stringify({ url: `http://127.0.0.1:9/${"x".repeat(2000)}` }),
    );
    expect(big.status).toBe(413);
    const deep = await raw(
      sandbox.url,
      "POST",
      "/_sandbox/clock/advance",
      { "content-type": "application/json" },
      '{"a":[[[1]]]}',
    );
    expect(deep.status).toBe(400);
    expect(DEFAULT_LIMITS).toMatchObject({ maxBodyBytes: 1_000_000, maxJsonDepth: 64, requestLog: 10_000 });
    await expect(startSandbox({ limits: { journeys: 0 } })).rejects.toThrow(/limits\.journeys/);
    await expect(startSandbox({ limits: { endedJourneyTtl: -1 } })).rejects.toThrow(RangeError);
    await expect(startSandbox({ limits: { maxJsonDepth: 100_000 } })).rejects.toThrow(/limits\.maxJsonDepth/);
    await expect(startSandbox({ limits: { nope: 1 } as never })).rejects.toThrow(/limits\.nope/);
  });
});

describe("clock bounds", () => {
  it("refuses an absurd advance with 400 naming ms and keeps the clock working", async () => {
    sandbox = await startManual({ startAt: Date.UTC(2026, 0, 1) });
    const post = (body: unknown) =>
      raw(
        sandbox?.url as string,
        "POST",
        "/_sandbox/clock/advance",
        { "content-type": "application/json" },
        JSON.stringify(body),
      );
    for (const ms of [1e300, -1, 11 * 365 * 86_400_000, "10"]) {
      const answer = await post({ ms });
      expect(answer.status, String(ms)).toBe(400);
      expect(JSON.parse(answer.text).error.fields[0].path).toBe("ms");
    }
    expect(() => sandbox?.clock.advance(Number.POSITIVE_INFINITY)).toThrow(/ms/);
    expect(() => sandbox?.clock.advance(1e300)).toThrow(RangeError);
    expect(sandbox.clock.nowIso()).toBe("2026-01-01T00:00:00.000Z");
    const next = await post({ ms: 60_000 });
    expect(next.status).toBe(200);
    expect(JSON.parse(next.text).now).toBe("2026-01-01T00:01:00.000Z");
    const client = new TestClient(sandbox);
    expect((await openSession(client, "after-clock")).reply.status).toBe(201);
    expect(client.violations).toEqual([]);
    // Near the end of time, a move past the year 9999 is refused.
    const late = await startManual({ startAt: Date.UTC(9999, 11, 31) });
    try {
      expect(() => late.clock.advance(2 * 86_400_000)).toThrow(/9999/);
      expect(late.clock.nowIso()).toBe("9999-12-31T00:00:00.000Z");
    } finally {
      await late.close();
    }
    await expect(startSandbox({ clock: "manual", startAt: 1e300 })).rejects.toThrow(/startAt/);
  });
});

/** One request straight into the sandbox's request listener (no socket), answered as status and JSON body. */
function inProcess(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: { data?: Record<string, unknown> } | undefined }> {
  const payload = body === undefined ? [] : [Buffer.from(JSON.stringify(body))];
  const req = Object.assign(Readable.from(payload), {
    method,
    url,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    socket: { remoteAddress: "127.0.0.1" },
  });
  return new Promise((resolve) => {
    let status = 0;
    const res = {
      headersSent: false,
      setHeader() {},
      writeHead(code: number) {
        status = code;
        this.headersSent = true;
        return this;
      },
      end(text?: string) {
        resolve({ status, body: text ? JSON.parse(text) : undefined });
      },
      destroy() {
        resolve({ status: 0, body: undefined });
      },
    };
    listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
}

describe("bounded memory", () => {
  it("keeps every store under its cap through a 60,000-request flood, and empties them once the TTLs pass", async () => {
    const caps = {
      requestLog: 500,
      mutationLog: 500,
      webhookLog: 300,
      journeys: 300,
      borrowers: 300,
      sessions: 300,
      idempotencyKeys: 300,
      rateLimitBuckets: 300,
    };
    sandbox = await startManual({ limits: caps, rateLimit: 1e9 });
    const { listener, sizes } = sandboxInternals(sandbox);
    const host = new URL(sandbox.url).host;
    const partner = { host, authorization: `Bearer ${sandbox.apiKey}` };
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const session = await inProcess(
        listener,
        "POST",
        `${BASE_PATH}/sessions`,
        { ...partner, "idempotency-key": `flood-s-${i}` },
        { borrowerExternalID: `flood-${i}` },
      );
      const token = session.body?.data?.sessionToken as string;
      const journey = await inProcess(
        listener,
        "POST",
        `${BASE_PATH}/journeys`,
        { host, authorization: `Bearer ${token}`, "idempotency-key": `flood-j-${i}` },
        { type: "PERSONAL_LOAN" },
      );
      const read = await inProcess(
        listener,
        "GET",
        `${BASE_PATH}/journeys/${journey.body?.data?.journeyID}/state`,
        { host, authorization: `Bearer bogus-${i}` },
      );
      expect([session.status, journey.status, read.status]).toEqual([201, 201, 401]);
      answered += 3;
    }
    expect(answered).toBe(60_000);
    const during = sizes();
    expect(during.requestLog).toBeLessThanOrEqual(caps.requestLog);
    expect(during.mutationLog).toBeLessThanOrEqual(caps.mutationLog);
    expect(during.journeys).toBeLessThanOrEqual(caps.journeys);
    expect(during.borrowerIndex).toBeLessThanOrEqual(caps.journeys);
    expect(during.webhookJourneys).toBeLessThanOrEqual(caps.journeys);
    expect(during.borrowers).toBeLessThanOrEqual(caps.borrowers);
    expect(during.families).toBeLessThanOrEqual(caps.sessions);
    expect(during.idempotencyKeys).toBeLessThanOrEqual(caps.idempotencyKeys);
    expect(during.rateLimitBuckets).toBeLessThanOrEqual(caps.rateLimitBuckets);
    expect(during.clockTimers).toBeLessThanOrEqual(caps.journeys * 2);

    // Past the session and idle TTLs (30 days), then past the ended-journey TTL (24 h): each sweep runs on a request.
    const tick = () => inProcess(listener, "GET", "/_sandbox/clock", { host });
    sandbox.clock.advance(31 * 86_400_000);
    expect((await tick()).status).toBe(200);
    sandbox.clock.advance(2 * 86_400_000);
    expect((await tick()).status).toBe(200);
    const after = sizes();
    expect(after).toMatchObject({
      journeys: 0,
      borrowers: 0,
      borrowerIndex: 0,
      links: 0,
      families: 0,
      sessionTokens: 0,
      refreshTokens: 0,
      idempotencyKeys: 0,
      rateLimitBuckets: 0,
      webhookJourneys: 0,
      clockTimers: 0,
    });
    expect(after.requestLog).toBeLessThanOrEqual(caps.requestLog);
    expect(after.mutationLog).toBeLessThanOrEqual(caps.mutationLog);
  }, 90_000);

  it("finds a borrower's open journey again after thousands of others (the index, not a scan, answers)", async () => {
    sandbox = await startManual();
    const client = new TestClient(sandbox);
    const first = await openSession(client, "indexed-borrower");
    const { listener } = sandboxInternals(sandbox);
    const host = new URL(sandbox.url).host;
    for (let i = 0; i < 2000; i++) {
      const session = await inProcess(
        listener,
        "POST",
        `${BASE_PATH}/sessions`,
        { host, authorization: `Bearer ${sandbox.apiKey}`, "idempotency-key": `other-${i}` },
        { borrowerExternalID: `other-${i}` },
      );
      await inProcess(
        listener,
        "POST",
        `${BASE_PATH}/journeys`,
        {
          host,
          authorization: `Bearer ${session.body?.data?.sessionToken}`,
          "idempotency-key": `other-j-${i}`,
        },
        { type: "PERSONAL_LOAN" },
      );
    }
    const again = await openSession(client, "indexed-borrower");
    expect(again.reply.body.activeJourney.journeyID).toBe(first.journeyID);
    const listed = await client.call("GET", "/journeys", { token: again.token });
    expect(listed.body.journeys.map((j: { journeyID: string }) => j.journeyID)).toEqual([first.journeyID]);
  });
});
