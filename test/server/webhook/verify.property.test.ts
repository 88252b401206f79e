import { fc, test } from "@fast-check/vitest";
import { Webhook } from "standardwebhooks";
import { describe, expect } from "vitest";
import { signWebhook, verifySignature, WebhookVerificationError } from "../../../src/server/index.js";

const secretArb = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .map((bytes) => `whsec_${Buffer.from(bytes).toString("base64")}`);
const msgIdArb = fc.stringMatching(/^msg_[A-Za-z0-9_-]{1,40}$/);
const timestampArb = fc.integer({ min: 0, max: 4_102_444_800 });
const payloadArb = fc.oneof(fc.string({ unit: "grapheme", maxLength: 300 }), fc.json({ maxDepth: 3 }));

function headersOf(id: string, timestampSec: number, signature: string) {
  return { "webhook-id": id, "webhook-timestamp": String(timestampSec), "webhook-signature": signature };
}

describe("verifySignature against the standardwebhooks reference package", () => {
  test.prop([secretArb, msgIdArb, timestampArb, payloadArb, fc.integer({ min: -300, max: 300 })], {
    numRuns: 1000,
  })(
    "accepts every delivery the package signs, as string or bytes, within the tolerance",
    async (secret, id, ts, payload, skewSec) => {
      const signature = new Webhook(secret).sign(id, new Date(ts * 1000), payload);
      const headers = headersOf(id, ts, signature);
      const now = (ts + skewSec) * 1000;
      const asString = await verifySignature(payload, headers, secret, { now });
      expect(asString).toMatchObject({ webhookId: id, timestamp: ts });
      await expect(verifySignature(Buffer.from(payload), headers, secret, { now })).resolves.toBeDefined();
      // Our own signer agrees with the package byte for byte.
      const mine = await signWebhook({ webhookId: id, timestamp: ts, body: payload, secrets: secret });
      expect(mine["webhook-signature"]).toBe(signature);
    },
  );

  test.prop(
    [secretArb, secretArb, msgIdArb, timestampArb, fc.string({ minLength: 1, maxLength: 200 }), fc.nat()],
    {
      numRuns: 300,
    },
  )(
    "rejects a wrong secret and a one-character change to the body",
    async (secret, other, id, ts, payload, at) => {
      fc.pre(secret !== other);
      const headers = headersOf(id, ts, new Webhook(secret).sign(id, new Date(ts * 1000), payload));
      const now = ts * 1000;
      const wrongSecret = await verifySignature(payload, headers, other, { now }).catch((e: unknown) => e);
      expect(wrongSecret).toBeInstanceOf(WebhookVerificationError);
      expect((wrongSecret as WebhookVerificationError).reason).toBe("NO_MATCHING_SIGNATURE");
      const index = at % payload.length;
      const flipped = String.fromCharCode(payload.charCodeAt(index) === 65 ? 66 : 65);
      const tampered = payload.slice(0, index) + flipped + payload.slice(index + 1);
      const tamperedError = await verifySignature(tampered, headers, secret, { now }).catch(
        (e: unknown) => e,
      );
      expect(tamperedError).toMatchObject({ reason: "NO_MATCHING_SIGNATURE" });
    },
  );

  test.prop([secretArb, msgIdArb, timestampArb, fc.integer({ min: 301, max: 10_000_000 }), fc.boolean()], {
    numRuns: 200,
  })("rejects a timestamp more than 5 minutes off either way", async (secret, id, ts, offsetSec, ahead) => {
    const headers = headersOf(id, ts, new Webhook(secret).sign(id, new Date(ts * 1000), "{}"));
    const now = (ahead ? ts - offsetSec : ts + offsetSec) * 1000;
    const error = await verifySignature("{}", headers, secret, { now }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: ahead ? "TOO_NEW" : "TOO_OLD" });
  });
});
