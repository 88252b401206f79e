/** credit-journey/server: the partner-backend kit (verified webhooks, raw bodies, journey stores, sessions). */

export type { RawBodyReason } from "./raw-body/errors.js";
export { DEFAULT_RAW_BODY_LIMIT, RawBodyError } from "./raw-body/errors.js";
export type { FetchRequestLike } from "./raw-body/fetch.js";
export { readRequestBody } from "./raw-body/fetch.js";
export type { NodeRequestLike, ReadRawBodyOptions } from "./raw-body/node.js";
export { readRawBody } from "./raw-body/node.js";
export type { ExpressLike, FastifyLike, FastifyParserDone, ParsedRequestLike } from "./raw-body/parsed.js";
export {
  expressRawBody,
  rawBodyFromExpress,
  rawBodyFromFastify,
  rawBodyFromParsed,
  useRawJsonBody,
} from "./raw-body/parsed.js";
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
