import { afterEach, describe, expect, it } from "vitest";
import { openSession, profileFor, type Sandbox, startManual, submitProfile, TestClient } from "./helpers.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function setup(options: Parameters<typeof startManual>[0] = {}) {
  // ETag/304 and Idempotent-Replayed are sandbox extensions (docs/sandbox.md), switched on for their tests.
  sandbox = await startManual({ extensions: { etag: true, idempotentReplayedHeader: true }, ...options });
  const client = new TestClient(sandbox);
  return { sandbox, client, ...(await openSession(client, "rules-borrower")) };
}

describe("Idempotency-Key", () => {
  it("is required on every mutation (400 IDEMPOTENCY_KEY_REQUIRED), and nothing is applied", async () => {
    const { client, sandbox, token, journeyID } = await setup();
    const before = sandbox.control.mutations().length;
    const reply = await client.call("PUT", "/profile", {
      token,
      key: null,
      body: profileFor(),
    });
    expect([reply.status, reply.body.error.code]).toEqual([400, "IDEMPOTENCY_KEY_REQUIRED"]);
    const session = await client.call("POST", "/sessions", {
      key: null,
      body: { borrowerExternalID: "k" },
    });
    expect(session.status).toBe(400);
    expect(sandbox.control.mutations()).toHaveLength(before);
    expect(sandbox.control.journey(journeyID).journey.status).toBe("PROFILE_REQUIRED");
  });

  it("replays the stored response for the same key and body, with Idempotent-Replayed: true", async () => {
    const { client, sandbox, token } = await setup();
    const body = profileFor();
    const first = await client.call("PUT", "/profile", {
      token,
      key: "k-profile",
      body,
    });
    const again = await client.call("PUT", "/profile", {
      token,
      key: "k-profile",
      body: JSON.parse(JSON.stringify(body)),
    });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again.body).toEqual(first.body);
    expect(sandbox.control.mutations().filter((m) => m.idempotencyKey === "k-profile")).toHaveLength(1);
  });

  it("replays with this request's requestID and correlation id in the envelope (as in its header), the state's time kept", async () => {
    const { client, token } = await setup();
    const body = profileFor();
    const call = (correlationID: string) =>
      client.call("PUT", "/profile", {
        token,
        key: "k-ids",
        body,
        headers: { "x-correlation-id": correlationID },
      });
    const first = await call("cid-first");
    const again = await call("cid-retry");
    expect(again.headers.get("x-correlation-id")).toBe("cid-retry");
    expect(again.envelope.correlationID).toBe("cid-retry");
    expect(again.envelope.requestID).not.toBe(first.envelope.requestID);
    expect(again.envelope.timestamp).toBe(first.envelope.timestamp);
    expect(again.envelope.data).toEqual(first.envelope.data);
  });

  it("answers 422 IDEMPOTENCY_KEY_REUSED for the same key with a different body", async () => {
    const { client, token } = await setup();
    await client.call("PUT", "/profile", { token, key: "k1", body: profileFor() });
    const reply = await client.call("PUT", "/profile", {
      token,
      key: "k1",
      body: { ...profileFor(), panName: "Someone Else" },
    });
    expect([reply.status, reply.body.error.code]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
  });

  it("scopes keys to the principal: another borrower may use the same key", async () => {
    const { client, token } = await setup();
    const other = await openSession(client, "rules-other");
    const a = await client.call("PUT", "/profile", {
      token,
      key: "shared",
      body: profileFor(),
    });
    const b = await client.call("PUT", "/profile", {
      token: other.token,
      key: "shared",
      body: profileFor(),
    });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers.get("idempotent-replayed")).toBeNull();
  });

  it("answers 409 IDEMPOTENCY_IN_PROGRESS while the first request with the key still runs", async () => {
    const { client, sandbox, token } = await setup();
    sandbox.control.setFaults({ routes: { upsertProfile: { latencyMs: 300 } } });
    const body = profileFor();
    const first = client.call("PUT", "/profile", { token, key: "slow", body });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await client.call("PUT", "/profile", { token, key: "slow", body });
    expect([second.status, second.body.error.code]).toEqual([409, "IDEMPOTENCY_IN_PROGRESS"]);
    expect((await first).status).toBe(200);
  });
});

describe("X-Correlation-ID", () => {
  it("echoes the id sent, and generates one when absent", async () => {
    const { client, token, journeyID } = await setup();
    const echoed = await client.call("GET", `/journeys/${journeyID}/state`, {
      token,
      headers: { "x-correlation-id": "corr-123" },
    });
    expect(echoed.headers.get("x-correlation-id")).toBe("corr-123");
    const generated = await client.call("GET", `/journeys/${journeyID}/state`, { token });
    expect(generated.headers.get("x-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
    const problem = await client.call("GET", "/journeys/jrn_missing/state", {
      token,
      headers: { "x-correlation-id": "corr-404" },
    });
    expect(problem.body.correlationID).toBe("corr-404");
  });

  it("records Idempotency-Key and X-Correlation-ID in the request log", async () => {
    const { client, sandbox, token } = await setup();
    await client.call("PUT", "/profile", {
      token,
      key: "logged-key",
      body: profileFor(),
      headers: { "x-correlation-id": "logged-corr" },
    });
    const entry = sandbox.control.requests().find((r) => r.headers["idempotency-key"] === "logged-key");
    expect(entry?.headers["x-correlation-id"]).toBe("logged-corr");
    expect(entry?.status).toBe(200);
    expect(entry?.headers.authorization).not.toContain(token);
  });
});

describe("ETag on /state", () => {
  it("answers 304 for the current tag and 200 with a new tag after a change", async () => {
    const { client, token, journeyID } = await setup();
    const first = await client.call("GET", `/journeys/${journeyID}/state`, { token });
    const etag = first.headers.get("etag") as string;
    expect(etag).toBeTruthy();
    const same = await client.call("GET", `/journeys/${journeyID}/state`, {
      token,
      headers: { "if-none-match": etag },
    });
    expect(same.status).toBe(304);
    expect(same.text).toBe("");
    await submitProfile(client, token);
    const changed = await client.call("GET", `/journeys/${journeyID}/state`, {
      token,
      headers: { "if-none-match": etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });
});

describe("rate limiting", () => {
  it("answers 429 RATE_LIMITED with Retry-After above the rate, per credential, and recovers with time", async () => {
    const { client, sandbox, token, journeyID } = await setup({ rateLimit: 3 });
    sandbox.clock.advance(1_000); // a new second: the journey creation in setup spent one of this token's requests
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await client.call("GET", `/journeys/${journeyID}/state`, { token })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await client.call("GET", `/journeys/${journeyID}/state`, { token });
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await client.call("GET", `/journeys/${journeyID}`, { token: sandbox.apiKey })).status).toBe(200);
    sandbox.clock.advance(1000);
    expect((await client.call("GET", `/journeys/${journeyID}/state`, { token })).status).toBe(200);
  });

  it("below one a second lets one request through every 1 / rate seconds, and says so in Retry-After", async () => {
    const { client, sandbox, token, journeyID } = await setup({ rateLimit: 0.5 });
    sandbox.clock.advance(2_000);
    const read = () => client.call("GET", `/journeys/${journeyID}/state`, { token });
    expect((await read()).status).toBe(200);
    const limited = await read();
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "2"]);
    sandbox.clock.advance(1_000);
    expect((await read()).status).toBe(429);
    sandbox.clock.advance(1_000);
    expect((await read()).status).toBe(200);
  });

  it("counts a credential in one bucket however its header is spelled, and made-up bearers in the caller's address's", async () => {
    const { client, sandbox, token, journeyID } = await setup({ rateLimit: 1 });
    sandbox.clock.advance(1_000);
    const read = (authorization: string) =>
      client.call("GET", `/journeys/${journeyID}/state`, { token: "", headers: { authorization } });
    expect((await read(`Bearer ${token}`)).status).toBe(200);
    for (const spelling of [`bearer ${token}`, `BEARER ${token}`, `Bearer  ${token}`, `Bearer\t${token}`])
      expect((await read(spelling)).status, spelling).toBe(429);
    // Unknown bearers share the address's bucket: the first is refused as unknown, the rest are throttled.
    expect((await read("Bearer made-up-1")).status).toBe(401);
    expect((await read("Bearer made-up-2")).status).toBe(429);
  });
});
