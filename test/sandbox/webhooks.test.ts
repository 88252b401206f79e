import { afterEach, describe, expect, it } from "vitest";
import { safeParse, WebhookBody } from "../../src/contract/index.js";
import { generateWebhookSecret, type SandboxOptions, signWebhook } from "../../src/sandbox/index.js";
import {
  openSession,
  profileFor,
  type Sandbox,
  startManual,
  submitProfile,
  TestClient,
  toDisbursed,
  toOffers,
} from "./helpers.js";
import { header, hmac, type Received, startReceiver } from "./receiver.js";

let sandbox: Sandbox | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sandbox?.close();
  await receiver?.close();
  sandbox = undefined;
  receiver = undefined;
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BODY_KEYS = [
  "application_id",
  "borrower",
  "event_at",
  "event_id",
  "event_type",
  "issuer",
  "schema_version",
  "sequence",
  "snapshot_generated_at",
  "tenant_id",
];

/** The delivery's body, as JSON (the raw bytes are what the signature covers). */
// biome-ignore lint/suspicious/noExplicitAny: test convenience: bodies are checked against WebhookBody
const bodyOf = (r: Received): any => JSON.parse(r.raw);

describe("webhook signing", () => {
  it('signs hex HMAC-SHA256 over "timestamp.rawBody", keyed with the secret as given', () => {
    const raw = '{"event_id":"evt_01JB2X4CE6"}';
    expect(signWebhook(["s3cret"], "1741179022", raw)).toBe(hmac("s3cret", "1741179022", raw));
    expect(signWebhook(["s3cret"], "1741179022", raw)).toMatch(/^[0-9a-f]{64}$/);
    // A known answer, from `openssl dgst -sha256 -hmac s3cret` over `1741179022.{"event_id":"evt_01JB2X4CE6"}`.
    expect(signWebhook(["s3cret"], "1741179022", raw)).toBe(
      "f7e59b3c2cebee6d7b5e4904e79fd1181ecde92742b65cef7df8ae3b1bc79adc",
    );
    // One signature per secret, ", "-joined (a rotation).
    expect(signWebhook(["a", "b"], "1", "{}")).toBe(`${hmac("a", "1", "{}")}, ${hmac("b", "1", "{}")}`);
    expect(() => signWebhook([""], "1", "{}")).toThrow(TypeError);
  });

  it("generates fresh unseeded secrets", () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    expect(a).toMatch(/^al_wh_[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });

  it("refuses an empty or non-string secret, naming the option", async () => {
    const refused = async (options: SandboxOptions, option: string) => {
      const error = await startManual(options).then(
        async (started) => {
          await started.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(option);
    };
    await refused({ webhookSecret: "" }, "webhookSecret");
    await refused({ webhookSecret: 42 as unknown as string }, "webhookSecret");
    await refused(
      { webhooks: [{ url: "http://127.0.0.1:9/hooks", secrets: ["ok", ""] }] },
      "webhooks[0].secrets[1]",
    );
    await refused(
      { webhooks: [{ url: "http://127.0.0.1:9/hooks", secrets: [null as unknown as string] }] },
      "webhooks[0].secrets[0]",
    );
    sandbox = await startManual({ webhookSecret: "any string at all" });
    expect(sandbox.webhookSecret).toBe("any string at all");
    expect(() => sandbox?.control.addWebhookEndpoint("http://127.0.0.1:9/hooks", [""])).toThrow(TypeError);
  });

  it("sends the documented headers and body, signed over the exact raw bytes", async () => {
    receiver = await startReceiver();
    sandbox = await startManual({ webhooks: [{ url: receiver.url }] });
    const client = new TestClient(sandbox);
    const { token, journeyID } = await openSession(client, "hook-borrower");
    await submitProfile(client, token, profileFor(), { "x-correlation-id": "corr-profile" });
    await sandbox.control.settle();
    expect(receiver.received.length).toBeGreaterThanOrEqual(3);
    expect(sandbox.tenantID).toMatch(UUID);
    expect(sandbox.applicationID).toMatch(UUID);
    expect(sandbox.tenantID).not.toBe(sandbox.applicationID);
    const seconds = String(Math.floor(sandbox.clock.now() / 1000));
    for (const delivery of receiver.received) {
      const { headers, raw } = delivery;
      expect(headers["content-type"]).toBe("application/json");
      expect(header(headers, "x-al-tenant-id")).toBe(sandbox.tenantID);
      expect(header(headers, "x-al-application-id")).toBe(sandbox.applicationID);
      const timestamp = header(headers, "x-al-webhook-timestamp");
      expect(timestamp).toMatch(/^\d+$/);
      // Unix seconds of the sandbox clock (manual here: it has not moved).
      expect(timestamp).toBe(seconds);
      const signature = header(headers, "x-al-webhook-signature");
      expect(signature).toMatch(/^[0-9a-f]{64}$/);
      expect(signature).toBe(hmac(sandbox.webhookSecret, timestamp, raw));
      // The exact bytes: a re-serialised or altered body does not verify.
      expect(hmac(sandbox.webhookSecret, timestamp, `${raw} `)).not.toBe(signature);
      expect(hmac(sandbox.webhookSecret, String(Number(timestamp) + 1), raw)).not.toBe(signature);

      const parsed = safeParse(WebhookBody, JSON.parse(raw), "WebhookBody");
      expect(parsed.ok).toBe(true);
      const body = bodyOf(delivery);
      expect(Object.keys(body).sort()).toEqual(BODY_KEYS);
      expect(body.schema_version).toBe("1.0.0");
      expect(body.event_type).toBe("journey.snapshot");
      expect(body.event_id).toMatch(/^evt_[0-9A-Z]{10}$/);
      expect(header(headers, "x-al-event-id")).toBe(body.event_id);
      expect(body.snapshot_generated_at).toMatch(ISO_MS_Z);
      expect(body.event_at).toBe(body.snapshot_generated_at);
      expect(body.sequence).toBe(Date.parse(body.snapshot_generated_at));
      expect(Number.isInteger(body.sequence)).toBe(true);
      expect(Object.keys(body.issuer).sort()).toEqual(["source", "trigger"]);
      expect(body.issuer.source).toBe("credit-api");
      expect(body.issuer.trigger).toMatch(/^journey(\.[a-z]+)+$/);
      expect(body.tenant_id).toBe(sandbox.tenantID);
      expect(body.application_id).toBe(sandbox.applicationID);
      expect(Object.keys(body.borrower).sort()).toEqual(["borrowerExternalID", "journeys"]);
      expect(body.borrower.borrowerExternalID).toBe("hook-borrower");
      expect(body.borrower.journeys).toHaveLength(1);
      // The thin form: only the three journey fields, never the rest of the snapshot.
      expect(Object.keys(body.borrower.journeys[0]).sort()).toEqual(["journeyID", "nextAction", "status"]);
      expect(body.borrower.journeys[0].journeyID).toBe(journeyID);
    }
    const bodies = receiver.received.map(bodyOf);
    expect(bodies.map((b) => b.borrower.journeys[0].status)).toEqual([
      "STARTED",
      "PROFILE_REQUIRED",
      "PROFILE_SUBMITTED",
    ]);
    expect(bodies.map((b) => b.issuer.trigger)).toEqual([
      "journey.created",
      "journey.status.updated",
      "journey.status.updated",
    ]);
    expect(bodies[1].borrower.journeys[0].nextAction).toBe("SUBMIT_PROFILE");
    expect(new Set(bodies.map((b) => b.event_id)).size).toBe(bodies.length);
    // The correlation id is kept in the delivery log (the documented body has no field for it).
    expect(sandbox.control.webhookDeliveries().at(-1)?.correlationID).toBe("corr-profile");
  });

  it("draws the tenant and application from the seed", async () => {
    const [a, b, c] = [
      await startManual({ seed: 5 }),
      await startManual({ seed: 5 }),
      await startManual({ seed: 6 }),
    ];
    try {
      expect(a.tenantID).toBe(b.tenantID);
      expect(a.applicationID).toBe(b.applicationID);
      expect(c.tenantID).not.toBe(a.tenantID);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it("signs once per secret during a rotation, ', '-joined; each verifies on its own", async () => {
    receiver = await startReceiver();
    const secrets = [generateWebhookSecret(), "a plain secret, with ünïcode ✓", generateWebhookSecret()];
    sandbox = await startManual();
    sandbox.control.addWebhookEndpoint(receiver.url, secrets);
    const client = new TestClient(sandbox);
    await openSession(client, "rotation-borrower");
    await sandbox.control.settle();
    expect(receiver.received.length).toBeGreaterThan(0);
    for (const { headers, raw } of receiver.received) {
      const timestamp = header(headers, "x-al-webhook-timestamp");
      const signatures = header(headers, "x-al-webhook-signature").split(", ");
      expect(signatures).toEqual(secrets.map((secret) => hmac(secret, timestamp, raw)));
      for (const signature of signatures) expect(signature).toMatch(/^[0-9a-f]{64}$/);
      expect(signatures).not.toContain(hmac(generateWebhookSecret(), timestamp, raw));
    }
  });
});

describe("webhook delivery", () => {
  it("retries after a 500 with backoff on the clock: the same event id and body, a fresh timestamp and signature", async () => {
    receiver = await startReceiver((n) => (n <= 2 ? 500 : 204));
    sandbox = await startManual({ webhooks: [{ url: receiver.url }] });
    const client = new TestClient(sandbox);
    await openSession(client, "retry-borrower");
    await sandbox.control.settle();
    // Two snapshots (STARTED, PROFILE_REQUIRED) were attempted once each and both failed.
    expect(receiver.received).toHaveLength(2);
    sandbox.clock.advance(999);
    await sandbox.control.settle();
    expect(receiver.received).toHaveLength(2);
    sandbox.clock.advance(1);
    await sandbox.control.settle();
    expect(receiver.received).toHaveLength(4);
    const ids = receiver.received.map((r) => header(r.headers, "x-al-event-id"));
    expect(new Set(ids).size).toBe(2);
    for (const [first, retry] of [
      [0, 2],
      [1, 3],
    ] as const) {
      const [a, b] = [receiver.received[first] as Received, receiver.received[retry] as Received];
      expect(header(b.headers, "x-al-event-id")).toBe(header(a.headers, "x-al-event-id"));
      expect(b.raw).toBe(a.raw);
      expect(bodyOf(b).event_id).toBe(header(a.headers, "x-al-event-id"));
      const [tsA, tsB] = [
        header(a.headers, "x-al-webhook-timestamp"),
        header(b.headers, "x-al-webhook-timestamp"),
      ];
      expect(Number(tsB)).toBe(Number(tsA) + 1);
      expect(header(b.headers, "x-al-webhook-signature")).toBe(hmac(sandbox.webhookSecret, tsB, b.raw));
      expect(header(b.headers, "x-al-webhook-signature")).not.toBe(
        header(a.headers, "x-al-webhook-signature"),
      );
    }
    const log = sandbox.control.webhookAttempts();
    expect(log.map((a) => a.status)).toEqual([500, 500, 204, 204]);
    expect(log.filter((a) => a.attempt === 2)).toHaveLength(2);
    expect(new Set(log.map((a) => a.eventId))).toEqual(new Set(ids));
    const deliveries = sandbox.control.webhookDeliveries();
    expect(deliveries.every((d) => d.state === "delivered" && d.attempts === 2)).toBe(true);
    for (const attempt of log) {
      const delivery = deliveries.find((d) => d.body.event_id === attempt.eventId);
      expect(attempt.journeyID).toBe(delivery?.body.borrower.journeys[0].journeyID);
      expect(attempt.snapshotGeneratedAt).toBe(delivery?.body.snapshot_generated_at);
    }
  });

  it("stamps events strictly later in emission order, across journeys, even on a manual clock", async () => {
    receiver = await startReceiver();
    sandbox = await startManual({ webhooks: [{ url: receiver.url }] });
    const client = new TestClient(sandbox);
    const first = await openSession(client, "stamp-borrower");
    const second = await openSession(client, "stamp-other");
    const stamps: number[] = [];
    const shown: string[] = [];
    const originalCall = client.call.bind(client);
    client.call = async (method, path, options) => {
      const reply = await originalCall(method, path, options);
      stamps.push(Date.parse(reply.envelope?.timestamp));
      const status = reply.status < 300 ? reply.body?.status : undefined;
      if (typeof status === "string" && reply.body?.journeyID === first.journeyID) shown.push(status);
      return reply;
    };
    expect((await toDisbursed(client, first.token, first.journeyID)).status).toBe("DISBURSED");
    await toOffers(client, second.token, second.journeyID);
    await sandbox.control.settle();
    // The clock never moved, yet no two answers share a timestamp: the SDK's order key is never tied.
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThan(stamps[i - 1] as number);
    // Emission order (delivery order is not promised): snapshot_generated_at and sequence strictly increase,
    // over every event of the sandbox (both journeys).
    const bodies = sandbox.control.webhookDeliveries().map((d) => d.body);
    expect(new Set(bodies.map((b) => b.borrower.journeys[0].journeyID)).size).toBe(2);
    for (let i = 1; i < bodies.length; i++) {
      const [before, after] = [bodies[i - 1], bodies[i]];
      expect(Date.parse(after?.snapshot_generated_at ?? "")).toBeGreaterThan(
        Date.parse(before?.snapshot_generated_at ?? ""),
      );
      expect(after?.sequence).toBeGreaterThan(before?.sequence as number);
    }
    expect(new Set(bodies.map((b) => b.event_id)).size).toBe(bodies.length);
    const received = receiver.received.map((r) => bodyOf(r).sequence as number);
    expect([...received].sort((x, y) => x - y)).toEqual(bodies.map((b) => b.sequence));
    // Every state a response showed was also sent as a webhook (one event per change).
    const sent = new Set(
      bodies
        .filter((b) => b.borrower.journeys[0].journeyID === first.journeyID)
        .map((b) => b.borrower.journeys[0].status),
    );
    for (const status of shown) expect(sent).toContain(status);
    const statuses = bodies
      .filter((b) => b.borrower.journeys[0].journeyID === first.journeyID)
      .map((b) => b.borrower.journeys[0].status);
    expect(statuses[0]).toBe("STARTED");
    expect(statuses.at(-1)).toBe("DISBURSED");
    const triggers = new Set(bodies.map((b) => b.issuer.trigger));
    expect(triggers).toContain("journey.status.updated");
    expect(triggers).toContain("journey.step.updated");
  });
});
