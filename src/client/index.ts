/**
 * credit-journey/client: typed HTTP clients for the borrower app and the partner backend. Effect inside,
 * Promises and plain tagged errors outside.
 */
export { BASE_PATH, ENDPOINTS, isMutatingMethod } from "../contract/index.js";
export {
  type BorrowerClient,
  type BorrowerClientOptions,
  type ConditionalCallOptions,
  createBorrowerClient,
  type SubmitProfileOptions,
} from "./borrower-client.js";
export {
  ApiError,
  type ApiErrorCode,
  type ApiErrorData,
  CLIENT_ERROR_CODES,
  ClientConfigError,
  type ClientErrorCode,
  type FieldError,
  isApiError,
  isScopeError,
  ScopeError,
  type ScopeErrorReason,
} from "./errors.js";
export {
  type JourneyBootstrap,
  openJourney,
  type StartOrResumeOptions,
  startOrResumeJourney,
} from "./journeys.js";
export type {
  ClientEvent,
  ClientObserver,
  RefreshEvent,
  RequestEvent,
  ResponseEvent,
  RetryEvent,
} from "./observer.js";
export { createPartnerClient, type PartnerClient, type PartnerClientOptions } from "./partner-client.js";
export type { JourneyStateResult } from "./results.js";
export {
  DEFAULT_RETRY,
  type FailureShape,
  fullJitterDelay,
  isTransient,
  parseRetryAfter,
  type RetryOptions,
} from "./retry-policy.js";
export { type CommonClientOptions, DEFAULT_TIMEOUT_MS } from "./settings.js";
export { type CallOptions, responseMeta, type WithMeta } from "./transport.js";
