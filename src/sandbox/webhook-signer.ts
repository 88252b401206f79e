import { createHmac, randomBytes } from "node:crypto";

/**
 * Checks a webhook secret: any non-empty string, used as given (its UTF-8 bytes are the HMAC key [L6]).
 * @throws {TypeError} naming `option` when the secret is not a non-empty string.
 */
export function checkWebhookSecret(secret: unknown, option = "webhook secret"): string {
  if (typeof secret !== "string" || secret.length === 0)
    throw new TypeError(`${option} must be a non-empty string`);
  return secret;
}

/** A fresh random secret, `al_wh_` and 32 hex characters from the OS's CSPRNG (never seeded); never throws. */
export function generateWebhookSecret(): string {
  return `al_wh_${randomBytes(16).toString("hex")}`;
}

/**
 * The `X-AL-Webhook-Signature` value [L6]: lower-case hex HMAC-SHA256, keyed with the secret string as given,
 * over `` `${timestamp}.${rawBody}` `` (`timestamp` exactly the `X-AL-Webhook-Timestamp` value). One signature per
 * secret, joined by `", "` during a rotation (modelled: the docs are silent on rotation).
 * @throws {TypeError} when a secret is not a non-empty string.
 */
export function signWebhook(secrets: readonly string[], timestamp: string, rawBody: string): string {
  return secrets
    .map((secret) =>
      createHmac("sha256", checkWebhookSecret(secret)).update(`${timestamp}.${rawBody}`).digest("hex"),
    )
    .join(", ");
}
