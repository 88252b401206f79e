import { createHmac } from "node:crypto";
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import * as edge from "../../../src/server/edge.js";
import * as node from "../../../src/server/index.js";

/** Signs as PLATFORM.md §7 describes [L6], with node:crypto directly: hex HMAC-SHA256 of `${ts}.${body}`. */
function platformSignature(secret: string, timestamp: string, body: string | Buffer): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
}

const secretArb = fc.string({ unit: "grapheme", minLength: 1, maxLength: 48 });
const eventIdArb = fc.stringMatching(/^evt_[0-9A-Z]{6,26}$/);
const secondsArb = fc.integer({ min: 1_000_000_000, max: 4_102_444_800 });
const payloadArb = fc.oneof(fc.string({ unit: "grapheme", maxLength: 300 }), fc.json({ maxDepth: 3 }));
const unitArb = fc.constantFrom<"s" | "ms">("s", "ms");

function headersOf(eventID: string, timestamp: string, signature: string) {
  return {
    "x-al-event-id": eventID,
    "x-al-webhook-timestamp": timestamp,
    "x-al-webhook-signature": signature,
  };
}

const stamp = (sec: number, unit: "s" | "ms") => String(unit === "s" ? sec : sec * 1000 + 123);
const entries = [
  ["node:crypto (credit-journey/server)", node.verifySignature],
  ["Web Crypto (credit-journey/server/edge)", edge.verifySignature],
] as const;

describe.each(entries)("verifySignature on %s, against node:crypto's HMAC", (_name, verifySignature) => {
  test.prop([secretArb, eventIdArb, secondsArb, unitArb, payloadArb, fc.integer({ min: -300, max: 300 })], {
    numRuns: 1000,
  })(
    "accepts every delivery signed per the docs, as string or bytes, in seconds or ms, within ±5 min",
    async (secret, eventID, sec, unit, payload, skewSec) => {
      const timestamp = stamp(sec, unit);
      const headers = headersOf(eventID, timestamp, platformSignature(secret, timestamp, payload));
      const at = unit === "s" ? sec * 1000 : sec * 1000 + 123;
      const now = at + skewSec * 1000;
      const verified = await verifySignature(payload, headers, secret, { now });
      expect(verified).toMatchObject({ eventID, timestampMs: at });
      await expect(verifySignature(Buffer.from(payload), headers, secret, { now })).resolves.toBeDefined();
    },
  );

  test.prop(
    [secretArb, secretArb, eventIdArb, secondsArb, fc.string({ minLength: 1, maxLength: 200 }), fc.nat()],
    { numRuns: 1000 },
  )(
    "refuses a wrong secret, and a one-byte change to the body, the timestamp or the signature",
    async (secret, other, eventID, sec, payload, at) => {
      fc.pre(secret !== other);
      const timestamp = String(sec);
      const signature = platformSignature(secret, timestamp, payload);
      const headers = headersOf(eventID, timestamp, signature);
      const now = sec * 1000;
      const reason = (promise: Promise<unknown>) =>
        promise.then(
          () => "accepted",
          (e: unknown) => (e as { reason?: string }).reason,
        );
      expect(await reason(verifySignature(payload, headers, other, { now }))).toBe("NO_MATCHING_SIGNATURE");
      const i = at % payload.length;
      const tampered = `${payload.slice(0, i)}${payload.charCodeAt(i) === 65 ? "B" : "A"}${payload.slice(i + 1)}`;
      expect(await reason(verifySignature(tampered, headers, secret, { now }))).toBe("NO_MATCHING_SIGNATURE");
      const nextSecond = headersOf(eventID, String(sec + 1), signature);
      expect(await reason(verifySignature(payload, nextSecond, secret, { now }))).toBe(
        "NO_MATCHING_SIGNATURE",
      );
      const j = at % signature.length;
      const flipped = `${signature.slice(0, j)}${signature[j] === "0" ? "1" : "0"}${signature.slice(j + 1)}`;
      const badSignature = headersOf(eventID, timestamp, flipped);
      expect(await reason(verifySignature(payload, badSignature, secret, { now }))).toBe(
        "NO_MATCHING_SIGNATURE",
      );
    },
  );

  test.prop(
    [secretArb, eventIdArb, secondsArb, unitArb, fc.integer({ min: 301, max: 10_000_000 }), fc.boolean()],
    {
      numRuns: 1000,
    },
  )(
    "refuses a timestamp more than 5 minutes off either way",
    async (secret, eventID, sec, unit, off, ahead) => {
      const timestamp = stamp(sec, unit);
      const headers = headersOf(eventID, timestamp, platformSignature(secret, timestamp, "{}"));
      const now = (ahead ? sec - off : sec + off) * 1000;
      const error = await verifySignature("{}", headers, secret, { now }).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: ahead ? "TOO_NEW" : "TOO_OLD" });
    },
  );
});

describe("the node:http and Fetch adapters agree", () => {
  test.prop([secretArb, eventIdArb, secondsArb, payloadArb, fc.boolean()], { numRuns: 200 })(
    "a node header record and a Fetch Headers object verify alike, signed or tampered",
    async (secret, eventID, sec, payload, tamper) => {
      const timestamp = String(sec);
      const signature = platformSignature(secret, tamper ? "0" : timestamp, payload);
      const record = headersOf(eventID, timestamp, signature);
      const fetchHeaders = new Headers(record);
      const outcome = (promise: Promise<unknown>) =>
        promise.then(
          () => "ok",
          (e: unknown) => (e as { reason?: string }).reason,
        );
      const now = sec * 1000;
      const viaNode = await outcome(node.verifySignature(payload, record, secret, { now }));
      const viaFetch = await outcome(edge.verifySignature(payload, fetchHeaders, secret, { now }));
      expect(viaFetch).toBe(viaNode);
      expect(viaNode).toBe(tamper ? "NO_MATCHING_SIGNATURE" : "ok");
    },
  );
});
