import { CreditJourneyError } from "../../contract/errors.js";

/**
 * The platform refused the refresh with `401 AUTH_INVALID_SESSION` [L7]: the refresh token was rotated out (an
 * older token of its family was presented, a sign it leaked), expired, or revoked. Start a new session with
 * `bootstrapSession`, the documented way to resume.
 */
export class RefreshRefusedError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "RefreshRefusedError" as const;
  /** The platform's code. */
  readonly code = "AUTH_INVALID_SESSION" as const;
  /** The token-store key whose family was revoked. */
  readonly key: string;

  constructor(key: string, options?: { cause?: unknown }) {
    super(`the refresh of "${key}" was refused (AUTH_INVALID_SESSION); bootstrap a new session`, options);
    this.name = "RefreshRefusedError";
    this.key = key;
  }
}

/** A refresh was asked for a key the token store holds no session for. */
export class NoStoredSessionError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "NoStoredSessionError" as const;
  /** The token-store key that was looked up. */
  readonly key: string;

  constructor(key: string) {
    super(`no session is stored for "${key}"; bootstrap one first`);
    this.name = "NoStoredSessionError";
    this.key = key;
  }
}

/** True when an error from a partner client is the platform's `401 AUTH_INVALID_SESSION` answer; never throws. */
export function isRefreshRefused(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  return (error as { code?: unknown }).code === "AUTH_INVALID_SESSION";
}
