/**
 * The platform answered `401 REFRESH_TOKEN_REUSED`: an older refresh token of this family was presented, so the
 * platform revoked the whole family (a sign the token leaked). Start a new session with `bootstrapSession`.
 */
export class RefreshTokenReusedError extends Error {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "RefreshTokenReusedError" as const;
  /** The platform's code. */
  readonly code = "REFRESH_TOKEN_REUSED" as const;
  /** The token-store key whose family was revoked. */
  readonly key: string;

  constructor(key: string, options?: { cause?: unknown }) {
    super(`the refresh-token family of "${key}" was revoked after a reuse; bootstrap a new session`, options);
    this.name = "RefreshTokenReusedError";
    this.key = key;
  }
}

/** A refresh was asked for a key the token store holds no session for. */
export class NoStoredSessionError extends Error {
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

/** True when an error from a partner client is the platform's `REFRESH_TOKEN_REUSED` answer; never throws. */
export function isRefreshTokenReused(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, problem } = error as { code?: unknown; problem?: { code?: unknown } };
  return code === "REFRESH_TOKEN_REUSED" || problem?.code === "REFRESH_TOKEN_REUSED";
}
