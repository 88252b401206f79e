import { createHmac, randomBytes } from "node:crypto";
import { WebhookSecret } from "../contract/index.js";

/**
 * The key bytes of a `whsec_<base64>` secret.
 * @throws {TypeError} when the secret is not `whsec_` followed by base64.
 */
export function secretKey(secret: string): Buffer {
  if (!WebhookSecret.safeParse(secret).success) throw new TypeError("webhook secret must be whsec_<base64>");
  return Buffer.from(secret.slice("whsec_".length), "base64");
}

/** A fresh `whsec_` secret with 24 random key bytes; never throws. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/**
 * The Standard Webhooks v1 signature header value: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
 * for each secret, space-separated (two during a rotation).
 * @throws {TypeError} when a secret is malformed.
 */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  return secrets
    .map(
      (secret) =>
        `v1,${createHmac("sha256", secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`,
    )
    .join(" ");
}
