import { createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { ContractError } from "../../../src/contract/index.js";
import {
  createWebhookVerifier,
  signWebhook,
  verifySignature,
  verifyWebhook,
  WebhookSecretError,
  WebhookVerificationError,
} from "../../../src/server/index.js";
import { webhookFixture } from "../../../src/testing/fixtures.js";

const SECRET = "al_wh_known_answer";
const OTHER_SECRET = "another secret, any string will do";
const NOW_SEC = 1_764_151_200;
const NOW = NOW_SEC * 1000;
const BODY = JSON.stringify(webhookFixture(), null, 2);

/** The platform's signature [L6], computed with node:crypto, never with the SDK. */
const hmacHex = (secret: string, timestamp: string, body: string) =>
  createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");

function headers(body = BODY, options: { secret?: string; timestamp?: string; eventID?: string } = {}) {
  const timestamp = options.timestamp ?? String(NOW_SEC);
  return {
    "x-al-event-id": options.eventID ?? "evt_01JB2X4CE6",
    "x-al-tenant-id": webhookFixture().tenant_id as string,
    "x-al-application-id": webhookFixture().application_id as string,
    "x-al-webhook-timestamp": timestamp,
    "x-al-webhook-signature": hmacHex(options.secret ?? SECRET, timestamp, body),
  };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
}

describe("verifySignature: the documented scheme [L6]", () => {
  const payload = '{"event_id":"evt_01JB2X4CE6"}';
  const known = {
    "x-al-event-id": "evt_01JB2X4CE6",
    "x-al-webhook-timestamp": "1764151200",
    // printf '%s' '1764151200.{"event_id":"evt_01JB2X4CE6"}' | openssl dgst -sha256 -hmac 'al_wh_known_answer'
    "x-al-webhook-signature": "7acc33de55f64b59e4e0dd4d6fd0e80ed382fbab8fb2880ab38624ddf4db4edd",
  };

  it("accepts a known-answer vector computed with openssl", async () => {
    const verified = await verifySignature(payload, known, SECRET, { now: NOW });
    expect(verified).toMatchObject({ eventID: "evt_01JB2X4CE6", timestampMs: NOW });
    expect(new TextDecoder().decode(verified.body)).toBe(payload);
  });

  it("signs exactly that vector (signWebhook, for partners' tests)", async () => {
    const mine = await signWebhook({
      eventID: "evt_01JB2X4CE6",
      timestamp: NOW,
      body: payload,
      secrets: SECRET,
    });
    expect(mine).toEqual(known);
  });

  it("takes the secret as given: no prefix stripped, no base64 decoded", async () => {
    const secret = "whsec_c2VjcmV0";
    const h = {
      ...known,
      "x-al-webhook-signature": hmacHex(secret, known["x-al-webhook-timestamp"], payload),
    };
    await expect(verifySignature(payload, h, secret, { now: NOW })).resolves.toBeDefined();
    expect(await reasonOf(verifySignature(payload, h, "c2VjcmV0", { now: NOW }))).toBe(
      "NO_MATCHING_SIGNATURE",
    );
  });

  it("reads the timestamp as Unix seconds, Unix milliseconds or ISO-8601 (the unit is not documented)", async () => {
    for (const timestamp of [String(NOW_SEC), String(NOW + 250), "2025-11-26T10:00:00.250Z"]) {
      const h = headers(payload, { timestamp });
      const at = timestamp.includes("T") ? Date.parse(timestamp) : Number(timestamp);
      const verified = await verifySignature(payload, h, SECRET, { now: at > 1e11 ? at : at * 1000 });
      expect(verified.timestampMs).toBe(at > 1e11 ? at : at * 1000);
    }
  });

  it("reads the signature bare, upper-case, with a sha256= prefix, or among several (a rotation)", async () => {
    const signature = hmacHex(SECRET, String(NOW_SEC), payload);
    const other = hmacHex(OTHER_SECRET, String(NOW_SEC), payload);
    for (const value of [
      signature.toUpperCase(),
      `sha256=${signature}`,
      `${other}, ${signature}`,
      `${other} ${signature}`,
    ]) {
      const h = { ...headers(payload), "x-al-webhook-signature": value };
      await expect(verifySignature(payload, h, SECRET, { now: NOW }), value).resolves.toBeDefined();
    }
  });
});

describe("verifyWebhook", () => {
  it("returns the parsed body with the event id, tenant, application and time", async () => {
    const verified = await verifyWebhook(BODY, headers(), SECRET, { now: NOW });
    expect(verified).toEqual({
      eventID: "evt_01JB2X4CE6",
      tenantID: webhookFixture().tenant_id,
      applicationID: webhookFixture().application_id,
      timestampMs: NOW,
      body: webhookFixture(),
    });
  });

  it("accepts the body as string, Buffer, Uint8Array and ArrayBuffer", async () => {
    const bytes = new TextEncoder().encode(BODY);
    for (const body of [BODY, Buffer.from(BODY), bytes, bytes.buffer.slice(0)]) {
      await expect(verifyWebhook(body, headers(), SECRET, { now: NOW })).resolves.toBeDefined();
    }
  });

  it("reads headers from a Fetch Headers, a node header record and a mixed-case plain record", async () => {
    const h = headers();
    const mixed = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));
    for (const given of [new Headers(h), h, mixed]) {
      await expect(verifySignature(BODY, given, SECRET, { now: NOW })).resolves.toBeDefined();
    }
    const incoming: IncomingHttpHeaders = { ...h, "x-al-webhook-signature": [h["x-al-webhook-signature"]] };
    await expect(verifySignature(BODY, incoming, SECRET, { now: NOW })).resolves.toBeDefined();
  });

  it("accepts a delivery signed under any of several secrets, in any order (rotation)", async () => {
    const h = headers(BODY, { secret: OTHER_SECRET });
    await expect(verifyWebhook(BODY, h, [SECRET, OTHER_SECRET], { now: NOW })).resolves.toBeDefined();
    await expect(verifyWebhook(BODY, h, [OTHER_SECRET, SECRET], { now: NOW })).resolves.toBeDefined();
    expect(await reasonOf(verifyWebhook(BODY, h, SECRET, { now: NOW }))).toBe("NO_MATCHING_SIGNATURE");
  });

  it("refuses a tampered body, and a re-serialised one as a string or as the parsed object", async () => {
    const h = headers();
    const tampered = BODY.replace("CUST_0012", "CUST_0013");
    expect(await reasonOf(verifyWebhook(tampered, h, SECRET, { now: NOW }))).toBe("NO_MATCHING_SIGNATURE");
    const compact = JSON.stringify(JSON.parse(BODY));
    expect(await reasonOf(verifyWebhook(compact, h, SECRET, { now: NOW }))).toBe("NO_MATCHING_SIGNATURE");
    expect(await reasonOf(verifyWebhook(JSON.parse(BODY) as never, h, SECRET, { now: NOW }))).toBe(
      "BODY_NOT_RAW",
    );
  });

  it("refuses a signature made for another timestamp", async () => {
    const h = { ...headers(), "x-al-webhook-timestamp": String(NOW_SEC + 1) };
    expect(await reasonOf(verifyWebhook(BODY, h, SECRET, { now: NOW }))).toBe("NO_MATCHING_SIGNATURE");
  });

  it("names each missing (or empty) header", async () => {
    for (const name of ["x-al-event-id", "x-al-webhook-timestamp", "x-al-webhook-signature"] as const) {
      for (const value of [undefined, "  "]) {
        const h: Record<string, string | undefined> = { ...headers(), [name]: value };
        const error = await verifyWebhook(BODY, h, SECRET, { now: NOW }).catch((e: unknown) => e);
        expect(error).toMatchObject({ reason: "MISSING_HEADER", header: name });
      }
    }
  });

  it("refuses an X-AL-Event-ID no store could record, before any HMAC, even when correctly signed", async () => {
    // A 304-character id used to verify and then be refused by the store on every retry (503 for ever).
    for (const eventID of ["e".repeat(129), "e".repeat(304), "evt\u0000nul", "evt\nline"]) {
      const body = JSON.stringify(webhookFixture({ event_id: eventID }));
      const error = await verifyWebhook(body, headers(body, { eventID }), SECRET, { now: NOW }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ reason: "BAD_EVENT_ID", header: "x-al-event-id" });
    }
    const longest = "e".repeat(128);
    const body = JSON.stringify(webhookFixture({ event_id: longest }));
    await expect(
      verifyWebhook(body, headers(body, { eventID: longest }), SECRET, { now: NOW }),
    ).resolves.toMatchObject({ eventID: longest });
  });

  it("refuses garbled timestamps and signatures that are not hex HMAC-SHA256", async () => {
    // A day that does not exist (Date.parse rolls it over into the next month) and an hour 24 too.
    for (const timestamp of [
      "soon",
      "-1",
      "1.5",
      "17641512000000000",
      "2026-02-31T10:00:00Z",
      "2026-04-31T10:00:00Z",
      "2026-11-26T24:00:00Z",
    ]) {
      const h = { ...headers(), "x-al-webhook-timestamp": timestamp };
      expect(await reasonOf(verifyWebhook(BODY, h, SECRET, { now: NOW })), timestamp).toBe("BAD_TIMESTAMP");
    }
    for (const signature of ["abc", `v1,${"A".repeat(44)}`, "z".repeat(64)]) {
      const h = { ...headers(), "x-al-webhook-signature": signature };
      expect(await reasonOf(verifyWebhook(BODY, h, SECRET, { now: NOW }))).toBe("NO_MATCHING_SIGNATURE");
    }
  });

  it("applies the tolerance both ways: 300 s either side passes, 301 s does not; configurable", async () => {
    const h = headers();
    for (const off of [-300, 300])
      await expect(verifyWebhook(BODY, h, SECRET, { now: NOW + off * 1000 })).resolves.toBeDefined();
    expect(await reasonOf(verifyWebhook(BODY, h, SECRET, { now: NOW + 301_000 }))).toBe("TOO_OLD");
    expect(await reasonOf(verifyWebhook(BODY, h, SECRET, { now: NOW - 301_000 }))).toBe("TOO_NEW");
    await expect(
      verifyWebhook(BODY, h, SECRET, { now: NOW + 900_000, toleranceSec: 900 }),
    ).resolves.toBeDefined();
  });

  it("checks the timestamp before the signature, so an old replay is refused as old", async () => {
    const h = headers(BODY, { secret: OTHER_SECRET });
    expect(await reasonOf(verifyWebhook(BODY, h, SECRET, { now: NOW + 3_600_000 }))).toBe("TOO_OLD");
  });

  it("raises a ContractError naming the field for a correctly signed body that is not a delivery", async () => {
    const bad = JSON.stringify({
      ...webhookFixture(),
      borrower: { journeys: [{ journeyID: "j", status: "NOPE" }] },
    });
    const error = await verifyWebhook(bad, headers(bad), SECRET, { now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).issues.map((i) => i.path)).toEqual(["borrower.journeys.0.status"]);
  });

  it("refuses with a ContractError an X-AL-Event-ID, tenant or application id the body disagrees with", async () => {
    const h = { ...headers(), "x-al-event-id": "evt_SOMETHINGELSE", "x-al-tenant-id": "another-tenant" };
    const error = await verifyWebhook(BODY, h, SECRET, { now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).issues.map((i) => i.path)).toEqual(["event_id", "tenant_id"]);
  });

  it("refuses missing, empty or too many secrets with a WebhookSecretError naming which", async () => {
    const cases: [unknown, number][] = [
      [[], -1],
      ["", 0],
      [[SECRET, ""], 1],
      [[SECRET, 42], 1],
      [Array.from({ length: 9 }, (_, i) => `s${i}`), -1],
    ];
    for (const [secrets, index] of cases) {
      const error = await createWebhookVerifier(secrets as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebhookSecretError);
      expect((error as WebhookSecretError).index).toBe(index);
    }
  });

  it("refuses an invalid clock or tolerance with a RangeError", async () => {
    await expect(verifyWebhook(BODY, headers(), SECRET, { now: Number.NaN })).rejects.toBeInstanceOf(
      RangeError,
    );
    await expect(
      verifyWebhook(BODY, headers(), SECRET, { now: NOW, toleranceSec: -1 }),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it("verifies many deliveries with the secrets imported once and per-call clocks", async () => {
    const verifier = await createWebhookVerifier([SECRET, OTHER_SECRET]);
    for (let i = 0; i < 20; i++) {
      const timestamp = String(NOW_SEC + i * 60);
      const body = JSON.stringify({ ...webhookFixture(), event_id: `evt_${i}` });
      const h = { ...headers(body, { timestamp, eventID: `evt_${i}` }) };
      await expect(verifier.verify(body, h, { now: (NOW_SEC + i * 60) * 1000 })).resolves.toMatchObject({
        eventID: `evt_${i}`,
      });
    }
  });
});
