import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { parseWebhookEnvelope } from "../../src/contract/index.js";
import { generateWebhookSecret, signWebhook } from "../../src/sandbox/index.js";
import {
  openSession,
  profileFor,
  type Sandbox,
  startManual,
  submitProfile,
  TestClient,
  toDisbursed,
} from "./helpers.js";
import { startReceiver } from "./receiver.js";

let sandbox: Sandbox | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sandbox?.close();
  await receiver?.close();
  sandbox = undefined;
  receiver = undefined;
});

const headersOf = (h: Record<string, unknown>) => ({
  "webhook-id": String(h["webhook-id"]),
  "webhook-timestamp": String(h["webhook-timestamp"]),
  "webhook-signature": String(h["webhook-signature"]),
});

describe("webhook signing", () => {
  it("reproduces the Standard Webhooks known answer", () => {
    expect(
      signWebhook(
        ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("signs deliveries that the standardwebhooks package verifies, and carries the correlation id", async () => {
    receiver = await startReceiver();
    sandbox = await startManual({ webhooks: [{ url: receiver.url }] });
    const client = new TestClient(sandbox);
    const { token } = await openSession(client, "hook-borrower");
    await submitProfile(client, token, profileFor(), { "x-correlation-id": "corr-profile" });
    await sandbox.control.settle();
    expect(receiver.received.length).toBeGreaterThanOrEqual(3);
    const verifier = new Webhook(sandbox.webhookSecret);
    for (const delivery of receiver.received) {
      const payload = verifier.verify(delivery.raw, headersOf(delivery.headers));
      const envelope = parseWebhookEnvelope(payload);
      expect(envelope.id).toBe(delivery.headers["webhook-id"]);
      expect(envelope.type).toBe("journey.snapshot");
    }
    const last = parseWebhookEnvelope(JSON.parse(receiver.received.at(-1)?.raw ?? "{}"));
    expect(last.data.status).toBe("PROFILE_SUBMITTED");
    expect(last.correlationID).toBe("corr-profile");
    const tampered = receiver.received[0];
    expect(() => verifier.verify(`${tampered?.raw} `, headersOf(tampered?.headers ?? {}))).toThrow();
  });

  it("signs with both secrets during a rotation; each verifies on its own", async () => {
    receiver = await startReceiver();
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    sandbox = await startManual();
    sandbox.control.addWebhookEndpoint(receiver.url, [oldSecret, newSecret]);
    const client = new TestClient(sandbox);
    await openSession(client, "rotation-borrower");
    await sandbox.control.settle();
    const delivery = receiver.received[0];
    expect(delivery).toBeDefined();
    const headers = headersOf(delivery?.headers ?? {});
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(delivery?.raw ?? "", headers)).toBeTruthy();
    expect(new Webhook(newSecret).verify(delivery?.raw ?? "", headers)).toBeTruthy();
    expect(() => new Webhook(generateWebhookSecret()).verify(delivery?.raw ?? "", headers)).toThrow();
  });
});

describe("webhook delivery", () => {
  it("retries a failing endpoint with backoff on the clock, with the same id, and logs every attempt", async () => {
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
    const ids = receiver.received.map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(2);
    const log = sandbox.control.webhookAttempts();
    expect(log.map((a) => a.status)).toEqual([500, 500, 204, 204]);
    expect(log.filter((a) => a.attempt === 2)).toHaveLength(2);
    expect(sandbox.control.webhookDeliveries().every((d) => d.state === "delivered")).toBe(true);
  });

  it("stamps every answer and event strictly later than the one before, even on a manual clock", async () => {
    receiver = await startReceiver();
    sandbox = await startManual({ webhooks: [{ url: receiver.url }] });
    const client = new TestClient(sandbox);
    const { token, journeyID } = await openSession(client, "stamp-borrower");
    const stamps: number[] = [];
    const shown: string[] = [];
    const originalCall = client.call.bind(client);
    client.call = async (method, path, options) => {
      const reply = await originalCall(method, path, options);
      stamps.push(Date.parse(reply.envelope?.timestamp));
      const updatedAt = reply.status < 300 ? reply.body?.updatedAt : undefined;
      if (typeof updatedAt === "string" && reply.body?.journeyID === journeyID) shown.push(updatedAt);
      return reply;
    };
    expect((await toDisbursed(client, token, journeyID)).status).toBe("DISBURSED");
    await sandbox.control.settle();
    // The clock never moved, yet no two answers share a timestamp: the SDK's order key is never tied.
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThan(stamps[i - 1] as number);
    // Emission order (delivery order is not promised): events' createdAt strictly increase.
    const events = sandbox.control.webhookDeliveries().map((d) => Date.parse(d.event.createdAt));
    for (let i = 1; i < events.length; i++) expect(events[i]).toBeGreaterThan(events[i - 1] as number);
    const received = receiver.received.map((r) => Date.parse(JSON.parse(r.raw).createdAt));
    expect([...received].sort((x, y) => x - y)).toEqual(events);
    // Every state a response showed was also sent as a webhook (one event per change).
    const sent = new Set(sandbox.control.webhookDeliveries().map((d) => d.event.data.updatedAt));
    for (const updatedAt of shown) expect(sent).toContain(updatedAt);
    const statuses = sandbox.control.webhookDeliveries().map((d) => d.event.data.status);
    expect(statuses[0]).toBe("STARTED");
    expect(statuses.at(-1)).toBe("DISBURSED");
  });
});
