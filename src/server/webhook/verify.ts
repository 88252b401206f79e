import {
  ContractError,
  MAX_OPAQUE_ID_LENGTH,
  parse,
  WEBHOOK_HEADERS,
  WebhookBody,
} from "../../contract/index.js";
import { isCalendarDay, TIMESTAMP_PATTERN } from "../../contract/primitives.js";
import { readWebhookBody } from "../../contract/webhook-read.js";
import { timingSafeEqual, utf8 } from "./encoding.js";
import { type WebhookHeaderName, WebhookVerificationError } from "./errors.js";
import { readHeader, type WebhookHeaders } from "./headers.js";
import type { HmacFactory, HmacSigner } from "./hmac.js";
import { secretList, type WebhookSecrets } from "./secrets.js";

/** A request body exactly as received: never a parsed object. */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** Options of a verification. */
export interface VerifyWebhookOptions {
  /** The current time (a `Date` or epoch milliseconds); defaults to the system clock. */
  readonly now?: Date | number;
  /** How far, in seconds, `X-AL-Webhook-Timestamp` may be from `now` either way; default 300. */
  readonly toleranceSec?: number;
}

/** A delivery whose signature checked out, before its body is interpreted. */
export interface VerifiedSignature {
  /** `X-AL-Event-ID`: the deduplication key, the same on every retry [L6]. */
  readonly eventID: string;
  /** `X-AL-Tenant-ID`, when sent. */
  readonly tenantID: string | undefined;
  /** `X-AL-Application-ID`, when sent. */
  readonly applicationID: string | undefined;
  /** `X-AL-Webhook-Timestamp` as epoch milliseconds (read as Unix seconds, milliseconds or ISO-8601). */
  readonly timestampMs: number;
  /** The body bytes that were signed. */
  readonly body: Uint8Array;
}

/** A verified delivery with its parsed body. */
export interface VerifiedWebhook extends Omit<VerifiedSignature, "body"> {
  /** The parsed body (unknown fields stripped). */
  readonly body: WebhookBody;
}

/** A verifier with its secrets imported once, for a long-lived webhook endpoint. */
export interface WebhookVerifier {
  /**
   * Checks headers, timestamp and signature only.
   * @throws {WebhookVerificationError} naming the reason (rejects the promise).
   * @throws {RangeError} when `now` or `toleranceSec` is invalid (rejects).
   */
  verifySignature(
    rawBody: RawBody,
    headers: WebhookHeaders,
    options?: VerifyWebhookOptions,
  ): Promise<VerifiedSignature>;
  /**
   * Checks the signature, then parses the body; `X-AL-Event-ID` must equal the body's `event_id`.
   * @throws {WebhookVerificationError} naming the reason (rejects the promise).
   * @throws {ContractError} when a correctly signed body is not a valid delivery, or its ids disagree with the
   *   headers (rejects).
   * @throws {RangeError} when `now` or `toleranceSec` is invalid (rejects).
   */
  verify(rawBody: RawBody, headers: WebhookHeaders, options?: VerifyWebhookOptions): Promise<VerifiedWebhook>;
}

const DEFAULT_TOLERANCE_SEC = 300;
/** A Unix time in seconds or milliseconds: at most 16 digits. */
const UNIX_PATTERN = /^[0-9]{1,16}$/;
/** From here on a Unix number is milliseconds (1e11 s would be the year 5138; 1e11 ms is 1973). */
const MILLISECONDS_FROM = 1e11;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
/** The most signatures read from one header (a rotation sends a few). */
const MAX_SIGNATURES = 16;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === "[object ArrayBuffer]";
}

/**
 * The body as bytes, refusing anything a framework has already parsed.
 * @throws {WebhookVerificationError} `BODY_NOT_RAW`.
 */
export function rawBodyBytes(rawBody: unknown): Uint8Array {
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

function requireHeader(headers: WebhookHeaders, name: WebhookHeaderName): string {
  const value = readHeader(headers, name);
  if (value === undefined)
    throw new WebhookVerificationError("MISSING_HEADER", `missing the ${name} header`, name);
  return value;
}

/**
 * `X-AL-Event-ID`, checked before any HMAC is computed: an id no store could record (empty, over
 * {@link MAX_OPAQUE_ID_LENGTH} characters, or with control characters) would be verified and then refused on every
 * retry, for ever. A final 4xx names it instead.
 * @throws {WebhookVerificationError} `MISSING_HEADER` or `BAD_EVENT_ID`.
 */
function requireEventID(headers: WebhookHeaders): string {
  const name = WEBHOOK_HEADERS.eventID;
  const value = requireHeader(headers, name);
  if (value.length === 0 || value.length > MAX_OPAQUE_ID_LENGTH || CONTROL_CHARACTER.test(value))
    throw new WebhookVerificationError(
      "BAD_EVENT_ID",
      `${name} must be 1–${MAX_OPAQUE_ID_LENGTH} printable characters (got ${value.length})`,
      name,
    );
  return value;
}

function nowMs(now: Date | number | undefined): number {
  const ms =
    now === undefined
      ? Date.now()
      : typeof now === "number"
        ? now
        : now instanceof Date
          ? now.getTime()
          : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError("options.now must be a valid Date or epoch milliseconds");
  return ms;
}

/**
 * `X-AL-Webhook-Timestamp` as epoch ms. Its unit is not documented [L6]: Unix seconds, Unix milliseconds
 * (told apart by size) and ISO-8601 are all read (docs/webhooks.md).
 */
function timestampMs(header: string): number {
  if (UNIX_PATTERN.test(header)) {
    const value = Number(header);
    return value >= MILLISECONDS_FROM ? value : value * 1000;
  }
  // The body's own timestamp form and day check: `Date.parse` would roll 2026-02-31 over into March.
  const parsed = TIMESTAMP_PATTERN.test(header) && isCalendarDay(header) ? Date.parse(header) : Number.NaN;
  if (Number.isFinite(parsed)) return parsed;
  throw new WebhookVerificationError(
    "BAD_TIMESTAMP",
    "x-al-webhook-timestamp is neither Unix seconds, Unix milliseconds nor ISO-8601",
  );
}

/**
 * Checks verify options where they are given, before any header is read.
 * @throws {RangeError} naming `options`, `options.now` or `options.toleranceSec`.
 */
function checkVerifyOptions(options: unknown): VerifyWebhookOptions {
  if (typeof options !== "object" || options === null)
    throw new RangeError("options must be an object ({ now?, toleranceSec? })");
  const { now, toleranceSec } = options as VerifyWebhookOptions;
  if (now !== undefined) nowMs(now);
  checkTolerance(toleranceSec);
  return options;
}

function checkTolerance(toleranceSec: unknown): number {
  const tolerance = toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  if (typeof tolerance !== "number" || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError("options.toleranceSec must be a non-negative number of seconds");
  }
  return tolerance;
}

function checkTimestamp(header: string, options: VerifyWebhookOptions): number {
  const tolerance = checkTolerance(options.toleranceSec);
  const current = nowMs(options.now);
  const at = timestampMs(header);
  const skewSec = Math.round((current - at) / 1000);
  if (current - at > tolerance * 1000)
    throw new WebhookVerificationError(
      "TOO_OLD",
      `the delivery is ${skewSec}s old, more than the ${tolerance}s tolerated`,
    );
  if (at - current > tolerance * 1000)
    throw new WebhookVerificationError(
      "TOO_NEW",
      `the delivery is ${-skewSec}s ahead, more than the ${tolerance}s tolerated`,
    );
  return at;
}

/**
 * The hex signatures in `X-AL-Webhook-Signature`: one, or several separated by commas or spaces (modelled: the
 * docs show one and name no prefix; a `sha256=` or `v1=` prefix is tolerated).
 */
function hexSignatures(header: string): string[] {
  // The documented form, one lower-case hex signature, needs no splitting.
  if (header.length === 64 && HEX_SHA256.test(header)) return [header];
  return header
    .split(/[\s,]+/)
    .slice(0, MAX_SIGNATURES)
    .map((entry) => entry.replace(/^(sha256|v1)=/i, "").toLowerCase())
    .filter((entry) => HEX_SHA256.test(entry));
}

/**
 * What comes before the raw body in the bytes the platform signs: `` `${timestamp}.${rawBody}` ``, with the
 * header exactly as sent [L6] (signed as UTF-8). Never throws.
 */
export function signedPrefix(timestampHeader: string): string {
  return `${timestampHeader}.`;
}

async function checkSignature(
  signers: readonly HmacSigner[],
  rawBody: unknown,
  headers: WebhookHeaders,
  options: VerifyWebhookOptions,
): Promise<VerifiedSignature> {
  const body = rawBodyBytes(rawBody);
  const eventID = requireEventID(headers);
  const timestampHeader = requireHeader(headers, WEBHOOK_HEADERS.timestamp);
  const signatureHeader = requireHeader(headers, WEBHOOK_HEADERS.signature);
  const at = checkTimestamp(timestampHeader, options);
  const candidates = hexSignatures(signatureHeader);
  if (candidates.length > 0) {
    const prefix = signedPrefix(timestampHeader);
    let matched = false;
    // Every secret against every candidate, without stopping early: timing never reveals which one matched.
    for (const signer of signers) {
      const signed = signer.sign(prefix, body);
      // node:crypto signs synchronously: awaited only when it is a promise (Web Crypto), saving a turn per secret.
      const expected = typeof signed === "string" ? signed : await signed;
      for (const candidate of candidates) matched = timingSafeEqual(candidate, expected) || matched;
    }
    if (matched)
      return {
        eventID,
        tenantID: readHeader(headers, WEBHOOK_HEADERS.tenantID),
        applicationID: readHeader(headers, WEBHOOK_HEADERS.applicationID),
        timestampMs: at,
        body,
      };
  }
  throw new WebhookVerificationError(
    "NO_MATCHING_SIGNATURE",
    candidates.length === 0
      ? "x-al-webhook-signature holds no hex HMAC-SHA256"
      : "no signature matches the body under any configured secret",
  );
}

/**
 * Decodes a verified body as UTF-8 JSON and parses it as a delivery; the header ids must agree with the body's.
 * @throws {ContractError} when the body is not UTF-8 JSON, not a valid delivery, or names another event, tenant
 *   or application than its headers.
 */
export function parseVerifiedBody(verified: VerifiedSignature): VerifiedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(verified.body));
  } catch (cause) {
    throw new ContractError("WebhookBody", [
      {
        path: "",
        message: `body is not UTF-8 JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
      },
    ]);
  }
  // The usual delivery read by hand (proven equal to the schema); anything else by the schema, for its errors.
  const body = readWebhookBody(json) ?? parse(WebhookBody, json, "WebhookBody");
  const disagree = [
    disagreement("event_id", verified.eventID, body.event_id),
    disagreement("tenant_id", verified.tenantID, body.tenant_id),
    disagreement("application_id", verified.applicationID, body.application_id),
  ].filter((path) => path !== undefined);
  if (disagree.length > 0)
    throw new ContractError(
      "WebhookBody",
      disagree.map((path) => ({ path, message: "must equal its X-AL-* header" })),
    );
  return {
    eventID: verified.eventID,
    tenantID: verified.tenantID,
    applicationID: verified.applicationID,
    timestampMs: verified.timestampMs,
    body,
  };
}

/** `path` when the header and the body both give an id and they differ, else `undefined`. */
function disagreement(
  path: string,
  header: string | undefined,
  value: string | undefined,
): string | undefined {
  return header !== undefined && value !== undefined && header !== value ? path : undefined;
}

/**
 * The verifier factory over one HMAC implementation (the Node and edge entries each bind theirs).
 * @throws {WebhookSecretError} when no secret is given or one is not a non-empty string (rejects).
 * @throws {RangeError} naming `options`, `options.now` or `options.toleranceSec` when `defaults` are invalid (rejects).
 */
export function verifierFactory(hmac: HmacFactory) {
  return async function createWebhookVerifier(
    secrets: WebhookSecrets,
    defaults: VerifyWebhookOptions = {},
  ): Promise<WebhookVerifier> {
    checkVerifyOptions(defaults);
    const signers = await hmac(secretList(secrets));
    const verifySignature = async (
      rawBody: RawBody,
      headers: WebhookHeaders,
      options?: VerifyWebhookOptions,
    ) => checkSignature(signers, rawBody, headers, checkVerifyOptions({ ...defaults, ...options }));
    return {
      verifySignature,
      async verify(rawBody, headers, options) {
        return parseVerifiedBody(await verifySignature(rawBody, headers, options));
      },
    };
  };
}
