/**
 * The error codes the platform documents [L7], with the status each comes with. The set is open: any other
 * `code` string parses and passes through as it is.
 */
export const DOCUMENTED_ERROR_CODES = {
  /** 401 on the partner API: wrong-environment, revoked or rotated API key, or no bearer. */
  AUTH_INVALID_API_KEY: 401,
  /** 401 on a borrower API: an expired session token, a rotated-out refresh token, another environment's token. */
  AUTH_INVALID_SESSION: 401,
  /** 400: a request field is missing or malformed (profile: contact number, PAN, DOB, email, an enum value). */
  VALIDATION_FAILED: 400,
  /** 409: another offer of the journey was proceeded first; re-read the journey and its offers. */
  OFFER_LOCK_CONFLICT: 409,
} as const;

/**
 * Codes the sandbox answers with beyond the documented ones (modelled: the platform's docs are silent). The SDK
 * never depends on them: they classify nothing that the status alone would not.
 */
export const MODELLED_ERROR_CODES = {
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  OFFER_EXPIRED: 410,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

/**
 * Codes only the sandbox's transport guards answer with (docs/sandbox.md): a body that is not JSON, a page of
 * another origin, a Host it does not serve. Never on the platform's wire: kept apart so the client does not ship them.
 */
export const SANDBOX_GUARD_CODES = {
  UNSUPPORTED_MEDIA_TYPE: 415,
  ORIGIN_NOT_ALLOWED: 403,
  HOST_NOT_ALLOWED: 421,
} as const;

/** A code the platform documents. */
export type DocumentedErrorCode = keyof typeof DOCUMENTED_ERROR_CODES;
/** A code the sandbox models beyond the documented ones. */
export type ModelledErrorCode = keyof typeof MODELLED_ERROR_CODES;
/** A code only the sandbox's transport guards answer with. */
export type SandboxGuardCode = keyof typeof SANDBOX_GUARD_CODES;
/** A platform error code: a known one, or any other string the platform sends (kept as it is). */
export type PlatformErrorCode = DocumentedErrorCode | ModelledErrorCode | (string & {});
