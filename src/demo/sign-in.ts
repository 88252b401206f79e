/**
 * What the demo partner backend's sign-in and its callers agree on: the sandbox password, the CSRF header and
 * the default lifetimes. Plain constants, so the browser app can import them too (no node modules here).
 */

/** The demo's one sign-in password, for every borrower; public on purpose (a sandbox, not a password store). */
export const DEMO_PASSWORD = "sandbox";

/**
 * The header every browser-facing POST must carry (any non-empty value). A cross-origin page can send one only
 * after a CORS preflight, which the demo backend never approves; HTML forms and `text/plain` beacons cannot set it.
 */
export const CSRF_HEADER = "x-requested-with";

/** The value the demo's own callers send in {@link CSRF_HEADER}. */
export const CSRF_HEADER_VALUE = "credit-journey-demo";

/** Defaults of the demo backend's app authentication. */
export const APP_AUTH_DEFAULTS = {
  /** How long an app token is honoured after sign-in, in ms (15 minutes). */
  appTokenTtlMs: 15 * 60_000,
  /** Failed sign-ins for one borrower before that borrower's sign-in is locked. */
  maxFailedSignIns: 5,
  /** How long a locked sign-in stays locked, in ms (1 minute). */
  lockoutMs: 60_000,
} as const;
