import { concatBytes, toBase64, utf8 } from "./encoding.js";
import { importSigningKeys, type SigningKey, type WebhookSecrets } from "./secrets.js";

/** The three Standard Webhooks headers of one signed delivery. */
// A type alias rather than an interface so it is assignable to header records and `HeadersInit`.
export type SignedWebhookHeaders = {
  readonly "webhook-id": string;
  readonly "webhook-timestamp": string;
  readonly "webhook-signature": string;
};

/** What {@link signWebhook} signs. */
export interface SignWebhookInput {
  /** The delivery id, the same on every retry (`webhook-id`). */
  readonly webhookId: string;
  /** When it was sent: a `Date`, or Unix seconds. */
  readonly timestamp: Date | number;
  /** The exact body bytes that will be sent (a string is sent as UTF-8). */
  readonly body: string | Uint8Array;
  /** One secret, or several during a rotation: one `v1,` signature each, space-separated. */
  readonly secrets: WebhookSecrets;
}

/** Unix seconds of a `Date` or of a number already in seconds. */
export function unixSeconds(timestamp: Date | number): number {
  return typeof timestamp === "number" ? Math.floor(timestamp) : Math.floor(timestamp.getTime() / 1000);
}

/** The bytes Standard Webhooks v1 signs: `{id}.{timestamp}.{body}`. */
export function signedContent(webhookId: string, timestampSec: number, body: Uint8Array): Uint8Array {
  return concatBytes(utf8(`${webhookId}.${timestampSec}.`), body);
}

/** Base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under one key. */
export async function hmacBase64(signingKey: SigningKey, content: Uint8Array): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", signingKey.key, content as Uint8Array<ArrayBuffer>);
  return toBase64(new Uint8Array(mac));
}

/**
 * Signs a delivery as Standard Webhooks v1 on Web Crypto, for tests and for partners' own tests.
 * @throws {WebhookSecretError} when no secret is given or one is malformed (rejects the promise).
 * @throws {TypeError} when the timestamp is not a valid date or a finite number of seconds (rejects).
 */
export async function signWebhook(input: SignWebhookInput): Promise<SignedWebhookHeaders> {
  const timestampSec = unixSeconds(input.timestamp);
  if (!Number.isFinite(timestampSec)) throw new TypeError("timestamp must be a valid Date or Unix seconds");
  const keys = await importSigningKeys(input.secrets);
  const body = typeof input.body === "string" ? utf8(input.body) : input.body;
  const content = signedContent(input.webhookId, timestampSec, body);
  const signatures = await Promise.all(keys.map(async (key) => `v1,${await hmacBase64(key, content)}`));
  return {
    "webhook-id": input.webhookId,
    "webhook-timestamp": String(timestampSec),
    "webhook-signature": signatures.join(" "),
  };
}
