/** credit-journey/server: the partner-backend kit (verified webhooks, raw bodies, journey stores, sessions). */

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
