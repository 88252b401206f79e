import { ContractError, parseWebhookEnvelope, type WebhookEnvelope } from "../../contract/index.js";
import { timingSafeEqual, utf8 } from "./encoding.js";
import { WebhookVerificationError } from "./errors.js";
import { readHeader, type WebhookHeaders } from "./headers.js";
import { importSigningKeys, type SigningKey, type WebhookSecrets } from "./secrets.js";
import { hmacBase64, signedContent } from "./sign.js";

/** A request body exactly as received: never a parsed object. */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** Options of a verification. */
export interface VerifyWebhookOptions {
  /** The current time (a `Date` or epoch milliseconds); defaults to the system clock. */
  readonly now?: Date | number;
  /** How far, in seconds, the `webhook-timestamp` may be from `now` either way; default 300. */
  readonly toleranceSec?: number;
}

/** A delivery whose signature checked out, before its body is interpreted. */
export interface VerifiedSignature {
  /** The `webhook-id` header: the deduplication key, the same on every retry. */
  readonly webhookId: string;
  /** The `webhook-timestamp` header, in Unix seconds. */
  readonly timestamp: number;
  /** The body bytes that were signed. */
  readonly body: Uint8Array;
}

/** A verified `journey.snapshot` delivery. */
export interface VerifiedWebhook {
  /** The `webhook-id` header: the deduplication key, the same on every retry. */
  readonly webhookId: string;
  /** The `webhook-timestamp` header, in Unix seconds. */
  readonly timestamp: number;
  /** The parsed body. */
  readonly envelope: WebhookEnvelope;
}

/** A verifier with its secrets imported once, for a long-lived webhook endpoint. */
export interface WebhookVerifier {
  /**
   * Checks headers, timestamp and signature only.
   * @throws {WebhookVerificationError} naming the reason (rejects the promise).
   */
  verifySignature(
    rawBody: RawBody,
    headers: WebhookHeaders,
    options?: VerifyWebhookOptions,
  ): Promise<VerifiedSignature>;
  /**
   * Checks the signature, then parses the body as a `journey.snapshot` envelope.
   * @throws {WebhookVerificationError} naming the reason (rejects the promise).
   * @throws {ContractError} when a correctly signed body is not a valid envelope (rejects).
   */
  verify(rawBody: RawBody, headers: WebhookHeaders, options?: VerifyWebhookOptions): Promise<VerifiedWebhook>;
}

const DEFAULT_TOLERANCE_SEC = 300;
const TIMESTAMP_PATTERN = /^[0-9]{1,15}$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === "[object ArrayBuffer]";
}

/** The body as bytes, refusing anything a framework has already parsed. */
function rawBodyBytes(rawBody: unknown): Uint8Array {
  if (typeof rawBody === "string") return utf8(rawBody);
  if (rawBody instanceof Uint8Array) return rawBody;
  if (ArrayBuffer.isView(rawBody))
    return new Uint8Array(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  if (isArrayBuffer(rawBody)) return new Uint8Array(rawBody);
  const got = rawBody === null ? "null" : typeof rawBody;
  throw new WebhookVerificationError(
    "BODY_NOT_RAW",
    `the webhook body must be the raw request body (string, Uint8Array or ArrayBuffer), got ${got}: ` +
      "a JSON body parser ran before verification; see docs/webhooks.md",
  );
}

function requireHeader(
  headers: WebhookHeaders,
  name: "webhook-id" | "webhook-timestamp" | "webhook-signature",
) {
  const value = readHeader(headers, name);
  if (value === undefined) {
    throw new WebhookVerificationError("MISSING_HEADER", `missing the ${name} header`, name);
  }
  return value;
}

function nowMs(now: Date | number | undefined): number {
  const ms = now === undefined ? Date.now() : typeof now === "number" ? now : now.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("options.now must be a valid Date or epoch milliseconds");
  return ms;
}

function checkTimestamp(header: string, options: VerifyWebhookOptions): number {
  const tolerance = options.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError("options.toleranceSec must be a non-negative number of seconds");
  }
  const currentSec = Math.floor(nowMs(options.now) / 1000);
  if (!TIMESTAMP_PATTERN.test(header)) {
    throw new WebhookVerificationError("BAD_TIMESTAMP", `webhook-timestamp "${header}" is not Unix seconds`);
  }
  const timestamp = Number(header);
  if (currentSec - timestamp > tolerance) {
    throw new WebhookVerificationError(
      "TOO_OLD",
      `webhook-timestamp is ${currentSec - timestamp}s old, more than the ${tolerance}s tolerated`,
    );
  }
  if (timestamp - currentSec > tolerance) {
    throw new WebhookVerificationError(
      "TOO_NEW",
      `webhook-timestamp is ${timestamp - currentSec}s ahead, more than the ${tolerance}s tolerated`,
    );
  }
  return timestamp;
}

/** The base64 parts of the `v1,<base64>` entries; other versions are ignored. */
function v1Signatures(header: string): string[] {
  return (
    header
      .split(/\s+/)
      // Node joins a header repeated on several lines with ", ": base64 never ends in a comma, so drop it.
      .map((entry) => entry.replace(/,$/, ""))
      .filter((entry) => entry.startsWith("v1,"))
      .map((entry) => entry.slice(3))
  );
}

async function checkSignature(
  keys: readonly SigningKey[],
  rawBody: unknown,
  headers: WebhookHeaders,
  options: VerifyWebhookOptions,
): Promise<VerifiedSignature> {
  const body = rawBodyBytes(rawBody);
  const webhookId = requireHeader(headers, "webhook-id");
  const timestampHeader = requireHeader(headers, "webhook-timestamp");
  const signatureHeader = requireHeader(headers, "webhook-signature");
  const timestamp = checkTimestamp(timestampHeader, options);
  const candidates = v1Signatures(signatureHeader);
  if (candidates.length > 0) {
    const content = signedContent(webhookId, timestamp, body);
    for (const key of keys) {
      const expected = await hmacBase64(key, content);
      // Compare against every candidate without stopping early, so timing never reveals which one matched.
      let matched = false;
      for (const candidate of candidates) matched = timingSafeEqual(candidate, expected) || matched;
      if (matched) return { webhookId, timestamp, body };
    }
  }
  throw new WebhookVerificationError(
    "NO_MATCHING_SIGNATURE",
    candidates.length === 0
      ? "webhook-signature holds no v1 signature"
      : "no v1 signature matches the body under any configured secret",
  );
}

/**
 * Decodes a verified body as UTF-8 JSON and parses it as a webhook envelope.
 * @throws {ContractError} when the body is not UTF-8 JSON or not a valid envelope.
 */
export function parseVerifiedBody(body: Uint8Array): WebhookEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(body));
  } catch (cause) {
    throw new ContractError("WebhookEnvelope", [
      {
        path: "",
        message: `body is not UTF-8 JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
      },
    ]);
  }
  return parseWebhookEnvelope(json);
}

/**
 * Imports the secrets once and returns a verifier to reuse across deliveries.
 * @throws {WebhookSecretError} when no secret is given or one is malformed (rejects the promise).
 */
export async function createWebhookVerifier(
  secrets: WebhookSecrets,
  defaults: VerifyWebhookOptions = {},
): Promise<WebhookVerifier> {
  const keys = await importSigningKeys(secrets);
  const verifySignatureWithKeys = (
    rawBody: RawBody,
    headers: WebhookHeaders,
    options?: VerifyWebhookOptions,
  ) => checkSignature(keys, rawBody, headers, { ...defaults, ...options });
  return {
    verifySignature: verifySignatureWithKeys,
    async verify(rawBody, headers, options) {
      const verified = await verifySignatureWithKeys(rawBody, headers, options);
      return {
        webhookId: verified.webhookId,
        timestamp: verified.timestamp,
        envelope: parseVerifiedBody(verified.body),
      };
    },
  };
}

/**
 * Verifies a delivery's Standard Webhooks v1 signature (headers, timestamp tolerance both ways, HMAC-SHA256
 * on Web Crypto compared in constant time) without interpreting the body.
 * @throws {WebhookVerificationError} with reason MISSING_HEADER, BAD_TIMESTAMP, TOO_OLD, TOO_NEW,
 *   NO_MATCHING_SIGNATURE or BODY_NOT_RAW (rejects the promise).
 * @throws {WebhookSecretError} when no secret is given or one is malformed (rejects).
 * @throws {RangeError} when `now` or `toleranceSec` is invalid (rejects).
 */
export async function verifySignature(
  rawBody: RawBody,
  headers: WebhookHeaders,
  secrets: WebhookSecrets,
  options: VerifyWebhookOptions = {},
): Promise<VerifiedSignature> {
  rawBodyBytes(rawBody);
  return (await createWebhookVerifier(secrets, options)).verifySignature(rawBody, headers);
}

/**
 * Verifies a `journey.snapshot` delivery and returns its parsed envelope with the webhook id and timestamp.
 * Give it the raw body: a re-serialised JSON body does not match the signature.
 * @throws {WebhookVerificationError} with reason MISSING_HEADER, BAD_TIMESTAMP, TOO_OLD, TOO_NEW,
 *   NO_MATCHING_SIGNATURE or BODY_NOT_RAW (rejects the promise).
 * @throws {ContractError} when a correctly signed body is not a valid envelope (rejects).
 * @throws {WebhookSecretError} when no secret is given or one is malformed (rejects).
 * @throws {RangeError} when `now` or `toleranceSec` is invalid (rejects).
 */
export async function verifyWebhook(
  rawBody: RawBody,
  headers: WebhookHeaders,
  secrets: WebhookSecrets,
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook> {
  rawBodyBytes(rawBody);
  return (await createWebhookVerifier(secrets, options)).verify(rawBody, headers);
}
