import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createPartnerClient } from "../../src/client/index.js";
import { Envelope, ErrorBody, safeParse, WebhookConfiguration } from "../../src/contract/index.js";
import { redactSecret } from "../../src/sandbox/redact.js";
import { openSession, type Sandbox, startManual, submitProfile, TestClient } from "./helpers.js";
import { header, hmac, type Received, startReceiver } from "./receiver.js";

let sandbox: Sandbox | undefined;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function receiver() {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

/** True when the delivery's signature is the hex HMAC of its timestamp and raw body under `secret`. */
const signedWith = (secret: string, r: Received) =>
  header(r.headers, "x-al-webhook-signature") ===
  hmac(secret, header(r.headers, "x-al-webhook-timestamp"), r.raw);

interface Answer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience: bodies are checked against the contract schemas
  readonly envelope: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  readonly data: any;
}

/** Calls the webhook subscription API of `sandbox` (`which` below `…/webhooks`), checking the envelope. */
async function hooks(
  s: Sandbox,
  method: "GET" | "POST",
  which: "configuration" | "subscribe" | "unsubscribe",
  options: {
    body?: unknown;
    token?: string | null;
    key?: string | null;
    tenantID?: string;
    applicationID?: string;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? s.apiKey : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (method === "POST" && options.key !== null) headers["idempotency-key"] = options.key ?? randomUUID();
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const tenant = options.tenantID ?? s.tenantID;
  const application = options.applicationID ?? s.applicationID;
  const response = await fetch(
    `${s.url}/api/tenants/${tenant}/applications/${application}/webhooks/${which}`,
    {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    },
  );
  const envelope = JSON.parse(await response.text());
  const meta = safeParse(Envelope, envelope, "Envelope");
  expect(meta.ok && typeof meta.value.requestID === "string" && "data" in envelope).toBe(true);
  if (response.status < 300) {
    const parsed = safeParse(WebhookConfiguration, envelope.data, "WebhookConfiguration");
    expect(parsed.ok, JSON.stringify(envelope.data)).toBe(true);
  } else expect(safeParse(ErrorBody, envelope, "ErrorBody").ok).toBe(true);
  return { status: response.status, envelope, data: envelope.data };
}

async function controlSecret(s: Sandbox): Promise<string | null> {
  const response = await fetch(`${s.url}/_sandbox/webhooks/subscription/secret`);
  return ((await response.json()) as { secret: string | null }).secret;
}

describe("webhook subscription [C1] [C13] [C14]", () => {
  it("subscribe → deliveries signed with a new secret → unsubscribe (none) → subscribe again (a newer secret)", async () => {
    sandbox = await startManual();
    const s = sandbox;
    const client = new TestClient(s);
    const hook = await receiver();
    const disabled = {
      tenant_id: s.tenantID,
      application_id: s.applicationID,
      webhook_enabled: false,
      webhook_url: null,
    };
    const enabled = { ...disabled, webhook_enabled: true, webhook_url: hook.url };

    // Nothing subscribed at first.
    expect((await hooks(s, "GET", "configuration")).data).toEqual(disabled);
    expect(s.control.subscriptionSecret()).toBeUndefined();
    expect(await controlSecret(s)).toBeNull();

    const subscribed = await hooks(s, "POST", "subscribe", { body: { url: hook.url } });
    expect(subscribed.status).toBe(200);
    expect(subscribed.data).toEqual(enabled);
    expect(Object.keys(subscribed.data).sort()).toEqual([
      "application_id",
      "tenant_id",
      "webhook_enabled",
      "webhook_url",
    ]);
    expect((await hooks(s, "GET", "configuration")).data).toEqual(enabled);
    const first = s.control.subscriptionSecret() as string;
    expect(first).toMatch(/^al_wh_[0-9a-f]{32}$/);
    expect(first).not.toBe(s.webhookSecret);
    // Over HTTP only its redacted form: the secret itself is in process (control.subscriptionSecret()).
    expect(await controlSecret(s)).toBe(redactSecret(first));

    // A journey change is delivered to the subscribed URL, signed with the subscription's secret.
    const { token, journeyID } = await openSession(client, "sub-borrower-1");
    await s.control.settle();
    expect(hook.received.length).toBeGreaterThan(0);
    for (const delivery of hook.received) {
      expect(signedWith(first, delivery)).toBe(true);
      expect(header(delivery.headers, "x-al-tenant-id")).toBe(s.tenantID);
      expect(header(delivery.headers, "x-al-application-id")).toBe(s.applicationID);
      expect(JSON.parse(delivery.raw).borrower.journeys[0].journeyID).toBe(journeyID);
    }
    const seenBefore = hook.received.length;

    // Unsubscribe: delivery off, URL forgotten, secret deactivated; further changes are not delivered.
    const unsubscribed = await hooks(s, "POST", "unsubscribe");
    expect(unsubscribed.status).toBe(200);
    expect(unsubscribed.data).toEqual(disabled);
    expect((await hooks(s, "GET", "configuration")).data).toEqual(disabled);
    expect(s.control.subscriptionSecret()).toBeUndefined();
    expect(s.control.webhookEndpoints()).toEqual([]);
    expect((await submitProfile(client, token)).status).toBe(202);
    s.clock.advance(1000);
    s.clock.advance(2000);
    await s.control.settle();
    expect(hook.received).toHaveLength(seenBefore);

    // Subscribe again: deliveries resume under a new secret; the old one no longer verifies.
    expect((await hooks(s, "POST", "subscribe", { body: { url: hook.url } })).data).toEqual(enabled);
    const second = s.control.subscriptionSecret() as string;
    expect(second).toMatch(/^al_wh_[0-9a-f]{32}$/);
    expect(second).not.toBe(first);
    s.control.expireJourney(journeyID);
    await s.control.settle();
    const resumed = hook.received.slice(seenBefore);
    expect(resumed.length).toBeGreaterThan(0);
    for (const delivery of resumed) {
      expect(signedWith(second, delivery)).toBe(true);
      expect(signedWith(first, delivery)).toBe(false);
      expect(JSON.parse(delivery.raw).borrower.journeys[0].status).toBe("EXPIRED");
    }
  });

  it("rotates the subscription's secret through the control API: both sign during the rotation, then the new alone", async () => {
    sandbox = await startManual();
    const s = sandbox;
    const hook = await receiver();
    expect(s.control.rotateSubscriptionSecret()).toBeUndefined();
    await hooks(s, "POST", "subscribe", { body: { url: hook.url } });
    const old = s.control.subscriptionSecret() as string;
    const rotate = await fetch(`${s.url}/_sandbox/webhooks/subscription/rotate`, { method: "POST" });
    const shown = ((await rotate.json()) as { secret: string }).secret;
    const fresh = s.control.subscriptionSecret() as string;
    expect(fresh).not.toBe(old);
    expect(shown).toBe(redactSecret(fresh));
    const client = new TestClient(s);
    await openSession(client, "sub-rotating-1");
    await s.control.settle();
    const during = hook.received.splice(0);
    expect(during.length).toBeGreaterThan(0);
    // Two hex signatures, the new one first: a receiver holding either secret verifies.
    for (const r of during) {
      const [first, second] = header(r.headers, "x-al-webhook-signature").split(", ");
      const ts = header(r.headers, "x-al-webhook-timestamp");
      expect([first, second]).toEqual([hmac(fresh, ts, r.raw), hmac(old, ts, r.raw)]);
    }
    expect(s.control.finishSecretRotation()).toBe(true);
    expect(s.control.finishSecretRotation()).toBe(false);
    await openSession(client, "sub-rotating-2");
    await s.control.settle();
    const after = hook.received.splice(0);
    expect(after.length).toBeGreaterThan(0);
    for (const r of after) {
      expect(signedWith(fresh, r)).toBe(true);
      expect(header(r.headers, "x-al-webhook-signature")).not.toContain(",");
    }
  });

  it("keeps one callback URL per application: a new Subscribe moves deliveries and replaces the secret", async () => {
    sandbox = await startManual();
    const s = sandbox;
    const [a, b] = [await receiver(), await receiver()];
    await hooks(s, "POST", "subscribe", { body: { url: a.url } });
    const secretA = s.control.subscriptionSecret() as string;
    await hooks(s, "POST", "subscribe", { body: { url: b.url } });
    const secretB = s.control.subscriptionSecret() as string;
    expect(secretB).not.toBe(secretA);
    expect((await hooks(s, "GET", "configuration")).data.webhook_url).toBe(b.url);
    expect(s.control.webhookEndpoints()).toEqual([{ url: b.url, secrets: [secretB] }]);
    await openSession(new TestClient(s), "sub-borrower-2");
    await s.control.settle();
    expect(a.received).toHaveLength(0);
    expect(b.received.length).toBeGreaterThan(0);
    expect(b.received.every((r) => signedWith(secretB, r))).toBe(true);
  });

  it("replays a Subscribe with the same Idempotency-Key without issuing another secret", async () => {
    sandbox = await startManual();
    const s = sandbox;
    const hook = await receiver();
    const once = await hooks(s, "POST", "subscribe", { body: { url: hook.url }, key: "sub-key-1" });
    const secret = s.control.subscriptionSecret();
    const again = await hooks(s, "POST", "subscribe", { body: { url: hook.url }, key: "sub-key-1" });
    // The stored answer, with this request's ids (a replay is a request of its own).
    const { requestID: _r, correlationID: _c, ...stored } = once.envelope;
    const { requestID: _r2, correlationID: _c2, ...replayed } = again.envelope;
    expect(replayed).toEqual(stored);
    expect(s.control.subscriptionSecret()).toBe(secret);
    expect(
      (await hooks(s, "POST", "unsubscribe", { key: null })).envelope.error.code,
      "a mutation without a key",
    ).toBe("IDEMPOTENCY_KEY_REQUIRED");
  });

  it("keeps endpoints registered with startSandbox({ webhooks }) and addWebhookEndpoint delivering throughout", async () => {
    const registered = await receiver();
    sandbox = await startManual({ webhooks: [{ url: registered.url, secrets: ["registered-secret"] }] });
    const s = sandbox;
    const added = await receiver();
    s.control.addWebhookEndpoint(added.url, ["added-secret"]);
    const hook = await receiver();
    const client = new TestClient(s);

    await hooks(s, "POST", "subscribe", { body: { url: hook.url } });
    const secret = s.control.subscriptionSecret() as string;
    const { token } = await openSession(client, "sub-borrower-3");
    await s.control.settle();
    expect(registered.received.length).toBeGreaterThan(0);
    expect(registered.received.every((r) => signedWith("registered-secret", r))).toBe(true);
    expect(added.received.every((r) => signedWith("added-secret", r))).toBe(true);
    expect(added.received).toHaveLength(registered.received.length);
    expect(hook.received.every((r) => signedWith(secret, r))).toBe(true);
    expect(hook.received).toHaveLength(registered.received.length);

    await hooks(s, "POST", "unsubscribe");
    const before = registered.received.length;
    await submitProfile(client, token);
    await s.control.settle();
    expect(registered.received.length).toBeGreaterThan(before);
    expect(added.received).toHaveLength(registered.received.length);
    expect(hook.received).toHaveLength(before);
    expect(s.control.webhookEndpoints().map((e) => e.url)).toEqual([registered.url, added.url]);
  });

  it("gives a control-registered endpoint its own registration back when a subscription of its URL ends", async () => {
    const shared = await receiver();
    sandbox = await startManual({ webhooks: [{ url: shared.url, secrets: ["registered-secret"] }] });
    const s = sandbox;
    await hooks(s, "POST", "subscribe", { body: { url: shared.url } });
    const secret = s.control.subscriptionSecret() as string;
    expect(s.control.webhookEndpoints()).toEqual([{ url: shared.url, secrets: [secret] }]);
    await hooks(s, "POST", "unsubscribe");
    expect(s.control.webhookEndpoints()).toEqual([{ url: shared.url, secrets: ["registered-secret"] }]);
  });

  it("answers 401 without the API key (a borrower session token too), 404 for another tenant or application", async () => {
    sandbox = await startManual();
    const s = sandbox;
    const { token } = await openSession(new TestClient(s), "sub-borrower-4");
    for (const [method, which] of [
      ["GET", "configuration"],
      ["POST", "subscribe"],
      ["POST", "unsubscribe"],
    ] as const) {
      const body = which === "subscribe" ? { url: "https://partner.example/hooks" } : undefined;
      const none = await hooks(s, method, which, { token: null, body });
      expect([none.status, none.envelope.error.code], which).toEqual([401, "AUTH_INVALID_API_KEY"]);
      const session = await hooks(s, method, which, { token, body });
      expect([session.status, session.envelope.error.code], which).toEqual([401, "AUTH_INVALID_API_KEY"]);
      const wrongKey = await hooks(s, method, which, { token: "sk_test_not_this_one", body });
      expect(wrongKey.status, which).toBe(401);
      for (const other of [{ tenantID: randomUUID() }, { applicationID: randomUUID() }]) {
        const answer = await hooks(s, method, which, { ...other, body });
        expect([answer.status, answer.envelope.error.code], which).toEqual([404, "NOT_FOUND"]);
      }
      const upper = await hooks(s, method, which, {
        tenantID: s.tenantID.toUpperCase(),
        applicationID: s.applicationID.toUpperCase(),
        body,
      });
      expect(upper.status, which).toBe(200);
    }
    expect((await hooks(s, "GET", "configuration")).data.webhook_enabled).toBe(false);
  });

  it("answers 400 VALIDATION_FAILED naming url for a missing, malformed or non-HTTPS url", async () => {
    sandbox = await startManual();
    const s = sandbox;
    for (const body of [
      undefined,
      {},
      { url: "" },
      { url: 42 },
      { url: "http://partner.example/hooks" },
      { url: "ftp://partner.example/hooks" },
      { url: "not a url" },
    ]) {
      const answer = await hooks(s, "POST", "subscribe", { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.envelope.error.code).toBe("VALIDATION_FAILED");
      expect(answer.envelope.error.fields.map((f: { path: string }) => f.path)).toEqual(["url"]);
    }
    expect((await hooks(s, "GET", "configuration")).data.webhook_enabled).toBe(false);
    // Sandbox-only leniency: a loopback http: URL (a local receiver has no trusted certificate).
    for (const url of ["http://127.0.0.1:9/h", "http://localhost:9/h", "http://[::1]:9/h"])
      expect((await hooks(s, "POST", "subscribe", { body: { url } })).data.webhook_url).toBe(url);
  });

  it("is what the partner client speaks", async () => {
    sandbox = await startManual();
    const s = sandbox;
    const partner = createPartnerClient({
      baseUrl: s.url,
      apiKey: s.apiKey,
      tenantID: s.tenantID,
      applicationID: s.applicationID,
    });
    const url = "https://partner.example/hooks/credit";
    expect(await partner.getWebhookConfiguration()).toMatchObject({
      webhook_enabled: false,
      webhook_url: null,
    });
    expect(await partner.subscribeWebhooks(url)).toEqual({
      tenant_id: s.tenantID,
      application_id: s.applicationID,
      webhook_enabled: true,
      webhook_url: url,
    });
    expect(s.control.subscriptionSecret()).toMatch(/^al_wh_/);
    expect(await partner.getWebhookConfiguration()).toMatchObject({
      webhook_enabled: true,
      webhook_url: url,
    });
    expect(await partner.unsubscribeWebhooks()).toMatchObject({ webhook_enabled: false, webhook_url: null });
    const posts = s.control.mutations().map((m) => [m.endpoint, m.method]);
    expect(posts).toEqual([
      ["subscribeWebhooks", "POST"],
      ["unsubscribeWebhooks", "POST"],
    ]);
    const other = createPartnerClient({
      baseUrl: s.url,
      apiKey: s.apiKey,
      tenantID: randomUUID(),
      applicationID: s.applicationID,
    });
    await expect(other.getWebhookConfiguration()).rejects.toMatchObject({ code: "NOT_FOUND", status: 404 });
  });
});
