import type { IncomingHttpHeaders } from "node:http";
import { Webhook } from "standardwebhooks";
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

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";
const NOW_SEC = 1_764_151_200;
const NOW = new Date(NOW_SEC * 1000);
const BODY = JSON.stringify(webhookFixture(), null, 2);

async function signed(body = BODY, options: { secrets?: string | string[]; at?: number; id?: string } = {}) {
  return signWebhook({
    webhookId: options.id ?? "msg_test01",
    timestamp: options.at ?? NOW_SEC,
    body,
    secrets: options.secrets ?? SECRET,
  });
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
}

describe("verifySignature: the Standard Webhooks known-answer vector", () => {
  const headers = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
  };
  const payload = '{"test": 2432232314}';

  it("accepts the spec's signature at the spec's time", async () => {
    const verified = await verifySignature(payload, headers, SECRET, { now: 1614265330 * 1000 });
    expect(verified.webhookId).toBe("msg_p5jXN8AQM9LWM0D4loKWxJek");
    expect(verified.timestamp).toBe(1614265330);
    expect(new TextDecoder().decode(verified.body)).toBe(payload);
  });

  it("signs exactly the spec's signature", async () => {
    const mine = await signWebhook({
      webhookId: headers["webhook-id"],
      timestamp: 1614265330,
      body: payload,
      secrets: SECRET,
    });
    expect(mine["webhook-signature"]).toBe(headers["webhook-signature"]);
  });
});

describe("verifyWebhook", () => {
  it("returns the parsed envelope, id and timestamp of a body signed by the standardwebhooks package", async () => {
    const signature = new Webhook(SECRET).sign("msg_pkg", NOW, BODY);
    const verified = await verifyWebhook(
      BODY,
      { "webhook-id": "msg_pkg", "webhook-timestamp": String(NOW_SEC), "webhook-signature": signature },
      SECRET,
      { now: NOW },
    );
    expect(verified).toEqual({ webhookId: "msg_pkg", timestamp: NOW_SEC, envelope: webhookFixture() });
  });

  it("accepts the body as string, Buffer, Uint8Array and ArrayBuffer", async () => {
    const headers = await signed();
    const bytes = new TextEncoder().encode(BODY);
    for (const body of [BODY, Buffer.from(BODY), bytes, bytes.buffer.slice(0)]) {
      await expect(verifyWebhook(body, headers, SECRET, { now: NOW })).resolves.toMatchObject({
        webhookId: "msg_test01",
      });
    }
  });

  it("reads headers from a Fetch Headers, a node header record and a mixed-case plain record", async () => {
    const headers = await signed();
    const mixedCase = {
      "Webhook-Id": headers["webhook-id"],
      "WEBHOOK-TIMESTAMP": headers["webhook-timestamp"],
      "webhook-Signature": headers["webhook-signature"],
    };
    const nodeLike = { ...headers, "content-type": "application/json", "x-forwarded-for": ["a", "b"] };
    for (const shape of [new Headers(headers), nodeLike, mixedCase]) {
      await expect(verifyWebhook(BODY, shape, SECRET, { now: NOW })).resolves.toMatchObject({
        webhookId: "msg_test01",
      });
    }
  });

  it("takes node:http's IncomingHttpHeaders as they are", async () => {
    const headers: IncomingHttpHeaders = {
      ...(await signed()),
      "content-length": "2",
      "set-cookie": ["a", "b"],
    };
    await expect(verifyWebhook(BODY, headers, SECRET, { now: NOW })).resolves.toBeDefined();
  });

  it("accepts a delivery signed under any of several secrets, in any order (rotation)", async () => {
    const underOld = await signed(BODY, { secrets: SECRET });
    const underNew = await signed(BODY, { secrets: OTHER_SECRET });
    const underBoth = await signed(BODY, { secrets: [OTHER_SECRET, SECRET] });
    expect(underBoth["webhook-signature"].split(" ")).toHaveLength(2);
    for (const headers of [underOld, underNew, underBoth]) {
      await expect(verifyWebhook(BODY, headers, [SECRET, OTHER_SECRET], { now: NOW })).resolves.toBeDefined();
    }
    await expect(verifyWebhook(BODY, underBoth, OTHER_SECRET, { now: NOW })).resolves.toBeDefined();
  });

  it("ignores signature entries of other versions and picks the v1 one among several", async () => {
    const headers = await signed();
    const crowded = {
      ...headers,
      "webhook-signature": `v1a,AAAA v1,bm90LXRoZS1zaWduYXR1cmU= ${headers["webhook-signature"]}  v2,xyz`,
    };
    await expect(verifyWebhook(BODY, crowded, SECRET, { now: NOW })).resolves.toBeDefined();
  });

  it("accepts signatures that node:http joined from repeated header lines", async () => {
    const underOld = await signed(BODY, { secrets: SECRET });
    const underNew = await signed(BODY, { secrets: OTHER_SECRET });
    const joined = {
      ...underNew,
      "webhook-signature": `${underOld["webhook-signature"]}, ${underNew["webhook-signature"]}`,
    };
    await expect(verifyWebhook(BODY, joined, OTHER_SECRET, { now: NOW })).resolves.toBeDefined();
    await expect(verifyWebhook(BODY, joined, SECRET, { now: NOW })).resolves.toBeDefined();
  });

  it("rejects a tampered body", async () => {
    const headers = await signed();
    const tampered = BODY.replace('"offerCount": 2', '"offerCount": 3');
    expect(tampered).not.toBe(BODY);
    expect(await reasonOf(verifyWebhook(tampered, headers, SECRET, { now: NOW }))).toBe(
      "NO_MATCHING_SIGNATURE",
    );
  });

  it("rejects a re-serialised JSON body, whether as a string or as the parsed object", async () => {
    const headers = await signed();
    const reserialised = JSON.stringify(JSON.parse(BODY));
    expect(await reasonOf(verifyWebhook(reserialised, headers, SECRET, { now: NOW }))).toBe(
      "NO_MATCHING_SIGNATURE",
    );
    const parsed = JSON.parse(BODY) as unknown as string;
    expect(await reasonOf(verifyWebhook(parsed, headers, SECRET, { now: NOW }))).toBe("BODY_NOT_RAW");
    expect(await reasonOf(verifyWebhook(null as unknown as string, headers, SECRET, { now: NOW }))).toBe(
      "BODY_NOT_RAW",
    );
  });

  it("rejects a wrong secret", async () => {
    const headers = await signed();
    expect(await reasonOf(verifyWebhook(BODY, headers, OTHER_SECRET, { now: NOW }))).toBe(
      "NO_MATCHING_SIGNATURE",
    );
  });

  it("rejects a signature made for another webhook id or timestamp", async () => {
    const headers = await signed();
    const otherId = { ...headers, "webhook-id": "msg_test02" };
    const otherTime = { ...headers, "webhook-timestamp": String(NOW_SEC + 1) };
    expect(await reasonOf(verifyWebhook(BODY, otherId, SECRET, { now: NOW }))).toBe("NO_MATCHING_SIGNATURE");
    expect(await reasonOf(verifyWebhook(BODY, otherTime, SECRET, { now: NOW }))).toBe(
      "NO_MATCHING_SIGNATURE",
    );
  });

  it("names each missing (or empty) header", async () => {
    const headers = await signed();
    for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"] as const) {
      for (const value of [undefined, "", "   "]) {
        const partial: Record<string, string | undefined> = { ...headers, [name]: value };
        const error = await verifyWebhook(BODY, partial, SECRET, { now: NOW }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WebhookVerificationError);
        expect(error).toMatchObject({ reason: "MISSING_HEADER", header: name });
        expect((error as Error).message).toContain(name);
      }
    }
  });

  it("rejects garbled timestamps and garbled signatures", async () => {
    const headers = await signed();
    for (const timestamp of ["abc", "1614265330.5", "-5", "0x10", "1e9", `${NOW_SEC}abc`]) {
      const garbled = { ...headers, "webhook-timestamp": timestamp };
      expect(await reasonOf(verifyWebhook(BODY, garbled, SECRET, { now: NOW }))).toBe("BAD_TIMESTAMP");
    }
    for (const signature of [
      "garbage",
      "v1",
      "v1,",
      "v1,!!!notbase64!!!",
      headers["webhook-signature"].slice(3),
    ]) {
      const garbled = { ...headers, "webhook-signature": signature };
      expect(await reasonOf(verifyWebhook(BODY, garbled, SECRET, { now: NOW }))).toBe(
        "NO_MATCHING_SIGNATURE",
      );
    }
  });

  it("applies the tolerance both ways: 300 s either side passes, 301 s does not", async () => {
    const verifyAt = async (offsetSec: number, toleranceSec?: number) =>
      verifyWebhook(BODY, await signed(BODY, { at: NOW_SEC + offsetSec }), SECRET, {
        now: NOW,
        ...(toleranceSec === undefined ? {} : { toleranceSec }),
      });
    await expect(verifyAt(-300)).resolves.toBeDefined();
    await expect(verifyAt(300)).resolves.toBeDefined();
    expect(await reasonOf(verifyAt(-301))).toBe("TOO_OLD");
    expect(await reasonOf(verifyAt(301))).toBe("TOO_NEW");
    expect(await reasonOf(verifyAt(-3600))).toBe("TOO_OLD");
    expect(await reasonOf(verifyAt(-31, 30))).toBe("TOO_OLD");
    await expect(verifyAt(-600, 600)).resolves.toBeDefined();
  });

  it("checks the timestamp before the signature, so an old replay is refused as old", async () => {
    const headers = await signed(BODY, { at: NOW_SEC - 3600 });
    expect(await reasonOf(verifyWebhook("tampered", headers, SECRET, { now: NOW }))).toBe("TOO_OLD");
  });

  it("raises a ContractError naming the field when a correctly signed body is not a valid envelope", async () => {
    const badEnvelope = JSON.stringify({ ...webhookFixture(), type: "journey.deleted" });
    const error = await verifyWebhook(badEnvelope, await signed(badEnvelope), SECRET, { now: NOW }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).issues.map((i) => i.path)).toEqual(["type"]);

    const notJson = "{not json";
    const notJsonError = await verifyWebhook(notJson, await signed(notJson), SECRET, { now: NOW }).catch(
      (e: unknown) => e,
    );
    expect(notJsonError).toBeInstanceOf(ContractError);
    expect((notJsonError as Error).message).toContain("not UTF-8 JSON");
  });

  it("refuses malformed or missing secrets with a WebhookSecretError naming which", async () => {
    const headers = await signed();
    const cases: [unknown, number][] = [
      [[], -1],
      ["whsec_", 0],
      ["whsec_not base64!", 0],
      [[SECRET, "whsec_%%%"], 1],
      [[SECRET, 42], 1],
    ];
    for (const [secrets, index] of cases) {
      const error = await verifyWebhook(BODY, headers, secrets as string[], { now: NOW }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WebhookSecretError);
      expect((error as WebhookSecretError).index).toBe(index);
    }
  });

  it("refuses an invalid clock or tolerance with a RangeError", async () => {
    const headers = await signed();
    await expect(verifyWebhook(BODY, headers, SECRET, { now: new Date("nope") })).rejects.toBeInstanceOf(
      RangeError,
    );
    await expect(verifyWebhook(BODY, headers, SECRET, { now: NOW, toleranceSec: -1 })).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});

describe("createWebhookVerifier", () => {
  it("verifies many deliveries with keys imported once and per-call clocks", async () => {
    const verifier = await createWebhookVerifier([SECRET], { toleranceSec: 60 });
    const headers = await signed();
    await expect(verifier.verify(BODY, headers, { now: NOW })).resolves.toMatchObject({ timestamp: NOW_SEC });
    expect(await reasonOf(verifier.verify(BODY, headers, { now: NOW.getTime() + 61_000 }))).toBe("TOO_OLD");
    await expect(verifier.verifySignature(BODY, headers, { now: NOW })).resolves.toMatchObject({
      webhookId: "msg_test01",
    });
  });
});
