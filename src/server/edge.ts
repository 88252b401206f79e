/**
 * credit-journey/server/edge: the Web-API-only part of the server kit (webhook verification and signing, the webhook
 * handler's `fetch` adapter, Fetch raw bodies, the in-memory journey store, sessions, the reconciler and the SSE push
 * relay's `handleFetch`), for Deno, Bun, Cloudflare Workers, Vercel Edge and Hono there.
 * No `node:` import is reachable from here.
 */

export type { PushAuthorizer, PushRelay, PushRelayOptions, PushRelayStats } from "./push-relay.js";
export { createPushRelay, PUSH_RELAY_DEFAULTS, PushRelayConfigError, snapshotFrame } from "./push-relay.js";
export type { RawBodyReason } from "./raw-body/errors.js";
export { RawBodyError, RawBodyLimitError } from "./raw-body/errors.js";
export type { FetchRequestLike } from "./raw-body/fetch.js";
export { readRequestBody } from "./raw-body/fetch.js";
export type { ReconcileReport, Reconciler, ReconcilerOptions } from "./reconciler.js";
export { createReconciler } from "./reconciler.js";
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
export type { StoreUnavailableCode } from "./store/errors.js";
export {
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
  ListStaleOptions,
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
export {
  createWebhookVerifier,
  parseVerifiedBody,
  verifySignature,
  verifyWebhook,
} from "./webhook/verify.js";
export type {
  WebhookHandler,
  WebhookHandlerOptions,
  WebhookOutcome,
  WebhookResult,
} from "./webhook-handler.js";
export { createWebhookHandler } from "./webhook-handler.js";
