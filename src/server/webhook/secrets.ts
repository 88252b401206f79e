import { fromBase64 } from "./encoding.js";
import { WebhookSecretError } from "./errors.js";

const SECRET_PREFIX = "whsec_";

/** One or several `whsec_<base64>` secrets; several while a rotation is in progress. */
export type WebhookSecrets = string | readonly string[];

/** A secret ready to sign with: its HMAC-SHA256 key. */
export interface SigningKey {
  readonly key: CryptoKey;
}

/**
 * Decodes the key bytes of a `whsec_<base64>` secret (the prefix may be omitted, as the reference library allows).
 * @throws {WebhookSecretError} when the secret is not a string, not base64, or decodes to no bytes.
 */
export function decodeSecret(secret: unknown, index = 0): Uint8Array<ArrayBuffer> {
  if (typeof secret !== "string") {
    throw new WebhookSecretError(index, `webhook secret #${index} must be a string "whsec_<base64>"`);
  }
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const bytes = fromBase64(encoded);
  if (bytes === undefined) {
    throw new WebhookSecretError(index, `webhook secret #${index} is not "whsec_<base64>"`);
  }
  if (bytes.length === 0) throw new WebhookSecretError(index, `webhook secret #${index} is empty`);
  return bytes;
}

/**
 * Imports every secret as an HMAC-SHA256 key, in order.
 * @throws {WebhookSecretError} when the list is empty or any secret is malformed (rejects the promise).
 */
export async function importSigningKeys(secrets: WebhookSecrets): Promise<SigningKey[]> {
  const list: readonly unknown[] =
    typeof secrets === "string" ? [secrets] : Array.isArray(secrets) ? secrets : [];
  if (list.length === 0) throw new WebhookSecretError(-1, "at least one webhook secret is required");
  const decoded = list.map((secret, index) => decodeSecret(secret, index));
  return Promise.all(
    decoded.map(async (bytes) => ({
      key: await crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
    })),
  );
}
