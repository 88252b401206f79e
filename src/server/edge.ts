/**
 * credit-journey/server/edge: the Web-API-only part of the server kit (webhook verification and signing, the webhook
 * handler's `fetch` adapter, Fetch raw bodies, the in-memory journey store, sessions, the reconciler and the SSE push
 * relay's `handleFetch`), for Deno, Bun, Cloudflare Workers, Vercel Edge and Hono there.
 * No `node:` import is reachable from here.
 */

import { webhookFunctions } from "./webhook/entry.js";
import { webHmac } from "./webhook/hmac-web.js";

export type { PushAuthorizer, PushRelay, PushRelayOptions, PushRelayStats } from "./push-relay.js";
export { createPushRelay, PUSH_RELAY_DEFAULTS, PushRelayConfigError, snapshotFrame } from "./push-relay.js";
export type { RawBodyReason } from "./raw-body/errors.js";
export { RawBodyError, RawBodyLimitError } from "./raw-body/errors.js";
export type { FetchRequestLike } from "./raw-body/fetch.js";
export { readRequestBody } from "./raw-body/fetch.js";
export type { ReconcileReport, Reconciler, ReconcilerOptions } from "./reconciler.js";
export {
  createReconciler,
  HeldAnomalyError,
  ReconcilerConfigError,
  ReconcileTimeoutError,
} from "./reconciler.js";
export type {
  AppSessionContext,
  BootstrapSessionOptions,
  BootstrapSessionResult,
  BorrowerRef,
  PartnerCallOptions,
  RefreshTokenCustody,
  SessionCreator,
} from "./session/bootstrap.js";
export { bootstrapSession } from "./session/bootstrap.js";
export { isRefreshRefused, NoStoredSessionError, RefreshRefusedError } from "./session/errors.js";
export type { FreshSessionOptions, SessionRefresher } from "./session/refresh.js";
export { getFreshSession, refreshStoredSession } from "./session/refresh.js";
export type { TokenStore } from "./session/token-store.js";
export { createMemoryTokenStore } from "./session/token-store.js";
export type { CorruptRecordIssue, CorruptRecordScope, StoreUnavailableCode } from "./store/errors.js";
export {
  CorruptRecordError,
  StoreClosedError,
  StoreConfigError,
  StoreInputError,
  StoreUnavailableError,
} from "./store/errors.js";
export { createMemoryJourneyStore } from "./store/memory.js";
export type {
  ApplyWebhookResult,
  JourneyRecordInput,
  JourneyStore,
  JsonValue,
  LeasedJourney,
  LeaseHeld,
  LeaseStaleOptions,
  ListStaleOptions,
  RowKey,
  StoreClockOptions,
  StoredJourney,
} from "./store/types.js";
export type { WebhookHeaderName, WebhookVerificationReason } from "./webhook/errors.js";
export { WebhookSecretError, WebhookVerificationError } from "./webhook/errors.js";
export type { HeaderGetter, HeaderRecord, WebhookHeaders } from "./webhook/headers.js";
export type { WebhookSecrets } from "./webhook/secrets.js";
export type { SignedWebhookHeaders, SignWebhookInput } from "./webhook/sign.js";
export { signWebhook } from "./webhook/sign.js";
export type {
  RawBody,
  VerifiedSignature,
  VerifiedWebhook,
  VerifyWebhookOptions,
  WebhookVerifier,
} from "./webhook/verify.js";
export { parseVerifiedBody } from "./webhook/verify.js";
export type {
  WebhookErrorContext,
  WebhookHandler,
  WebhookHandlerOptions,
  WebhookJourneyResult,
  WebhookOutcome,
  WebhookResult,
} from "./webhook-handler.js";
export { WebhookHandlerConfigError } from "./webhook-handler.js";

const web = webhookFunctions(webHmac);

/**
 * Imports the secrets once (Web Crypto) and returns a verifier to reuse across deliveries.
 * @throws {WebhookSecretError} when no secret is given or one is not a non-empty string (rejects).
 * @throws {RangeError} naming `options.now` or `options.toleranceSec` when `defaults` are invalid (rejects).
 */
export const createWebhookVerifier = web.createWebhookVerifier;

/**
 * Verifies a delivery's `X-AL-*` headers, timestamp (±`toleranceSec`) and hex HMAC-SHA256 signature [L6] on Web
 * Crypto, compared in constant time, without interpreting the body.
 * @throws {WebhookVerificationError} with reason MISSING_HEADER, BAD_EVENT_ID, BAD_TIMESTAMP, TOO_OLD, TOO_NEW,
 *   NO_MATCHING_SIGNATURE or BODY_NOT_RAW (rejects).
 * @throws {WebhookSecretError} when no secret is given or one is not a non-empty string (rejects).
 * @throws {RangeError} naming `options`, `options.now` or `options.toleranceSec` when invalid (rejects).
 */
export const verifySignature = web.verifySignature;

/**
 * Verifies a delivery as {@link verifySignature} does and parses its body; give it the raw body.
 * @throws {WebhookVerificationError} as {@link verifySignature} (rejects).
 * @throws {ContractError} when a correctly signed body is not a valid delivery, or its ids disagree with its
 *   headers (rejects).
 * @throws {WebhookSecretError} / {RangeError} as {@link verifySignature} (rejects).
 */
export const verifyWebhook = web.verifyWebhook;

/**
 * Creates the webhook endpoint of a partner backend (Web Crypto): verify the raw body, apply each journey the
 * delivery names with the journey reducer over the stored state, and write every record and the event id in one
 * atomic write. 2xx for applied, stale, duplicate and ignored deliveries; 4xx for a bad signature or body; 5xx
 * only when the store failed, so the platform retries and nothing is half-written.
 * @throws {WebhookHandlerConfigError} naming a missing or malformed option (rejects).
 * @throws {WebhookSecretError} when no secret is given or one is not a non-empty string (rejects).
 * @throws {RawBodyLimitError} when `bodyLimit` is not a positive integer (rejects).
 */
export const createWebhookHandler = web.createWebhookHandler;
