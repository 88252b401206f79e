import type { EndpointScope, Session } from "../contract/index.js";
import { isApiKey } from "../contract/index.js";
import type { SandboxClock } from "./clock.js";
import type { SandboxTimings } from "./options.js";
import { SandboxProblem } from "./problem.js";
import { secretToken } from "./random.js";

/** Who a borrower session token acts for: one borrower of one partner. */
export interface BorrowerPrincipal {
  readonly partnerKey: string;
  readonly borrowerExternalID: string;
}

/** A resolved credential: the partner's API key, a live borrower session, or a refresh token. */
export type Caller =
  | { readonly kind: "apiKey"; readonly principal: string; readonly partnerKey: string }
  | {
      readonly kind: "sessionToken";
      readonly principal: string;
      readonly borrower: BorrowerPrincipal;
    }
  | { readonly kind: "refreshToken"; readonly principal: string; readonly token: string };

interface SessionTokenRecord {
  readonly token: string;
  readonly borrower: BorrowerPrincipal;
  readonly familyId: string;
  expiresAtMs: number;
  revoked: boolean;
}

interface RefreshTokenRecord {
  readonly token: string;
  readonly familyId: string;
  readonly index: number;
  expiresAtMs: number;
  rotatedAtMs: number | undefined;
}

interface Family {
  readonly id: string;
  readonly borrower: BorrowerPrincipal;
  revoked: boolean;
  /** The newest pair: what a refresh with the current or grace-window token returns. */
  current: Session;
  latestIndex: number;
  /** The family's session tokens, oldest first (at most {@link TOKEN_HISTORY}). */
  readonly sessionTokens: string[];
  /** The family's refresh tokens, oldest first (at most {@link TOKEN_HISTORY}). */
  readonly refreshTokens: string[];
}

/**
 * How many session and refresh tokens a family keeps: older ones are forgotten (then answered as unknown, `401`;
 * an old refresh token forgotten this way no longer revokes the family).
 */
export const TOKEN_HISTORY = 16;

/** 401 AUTH_INVALID_API_KEY [L7]: the partner API refused its bearer. */
export const invalidApiKey = (detail: string) => new SandboxProblem(401, "AUTH_INVALID_API_KEY", detail);
/** 401 AUTH_INVALID_SESSION [L7]: a borrower API refused its bearer (expired, rotated out, unknown). */
export const invalidSession = (detail: string) => new SandboxProblem(401, "AUTH_INVALID_SESSION", detail);

/**
 * The 401 an endpoint of `scope` answers for a bearer it refuses: partner endpoints speak of the API key,
 * borrower ones of the session, and the endpoints both may read of whichever the caller presented.
 */
export function refusedCredential(
  scope: EndpointScope,
  presentedApiKey: boolean,
  detail: string,
): SandboxProblem {
  const apiKeyish = scope === "partner" || (scope === "partnerRead" && presentedApiKey);
  return apiKeyish ? invalidApiKey(detail) : invalidSession(detail);
}

/**
 * The three credentials and their lifecycles: the API key, short-lived borrower session tokens, and
 * rotating refresh tokens in families (grace window for the previous token, family revocation on reuse). At most
 * `maxFamilies` families are kept (the oldest dropped with its tokens); expired tokens and families are swept.
 */
export class CredentialStore {
  private readonly sessions = new Map<string, SessionTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** In creation order: the first is the oldest. */
  private readonly families = new Map<string, Family>();
  private familySeq = 0;

  constructor(
    readonly apiKey: string,
    private readonly clock: SandboxClock,
    private readonly timings: SandboxTimings,
    private readonly maxFamilies = Number.POSITIVE_INFINITY,
  ) {}

  /** How many families, session tokens and refresh tokens are held. */
  sizes(): { families: number; sessionTokens: number; refreshTokens: number } {
    return {
      families: this.families.size,
      sessionTokens: this.sessions.size,
      refreshTokens: this.refreshTokens.size,
    };
  }

  /**
   * Forgets expired session tokens, and whole families whose newest refresh token has expired (nothing of theirs
   * can authenticate any more); never throws.
   */
  sweep(): void {
    const now = this.clock.now();
    for (const family of this.families.values()) {
      if (Date.parse(family.current.refreshExpiresAt) <= now) {
        this.drop(family);
        continue;
      }
      const live = family.sessionTokens.filter((token) => {
        const session = this.sessions.get(token);
        if (session && session.expiresAtMs > now) return true;
        this.sessions.delete(token);
        return false;
      });
      family.sessionTokens.splice(0, family.sessionTokens.length, ...live);
    }
  }

  /** Forgets a family and every token of it. */
  private drop(family: Family): void {
    for (const token of family.sessionTokens) this.sessions.delete(token);
    for (const token of family.refreshTokens) this.refreshTokens.delete(token);
    this.families.delete(family.id);
  }

  /**
   * The rate-limit bucket of a request: its credential, however the header spells the scheme and the space, when
   * it is one the sandbox issued (expired or revoked included); else the remote address, so made-up bearers share
   * one bucket and never crowd out the real credentials'. Never throws.
   */
  rateKeyOf(authorization: string | undefined, remoteAddress: string | undefined): string {
    const credential = bearerOf(authorization);
    const known =
      credential !== undefined &&
      (credential === this.apiKey || this.sessions.has(credential) || this.refreshTokens.has(credential));
    return known ? `credential:${credential}` : `ip:${remoteAddress}`;
  }

  /**
   * Resolves an `Authorization` header into a caller, for an endpoint of `scope`. Tokens are opaque: a bearer is
   * the API key, a live session token or a refresh token by lookup, never by its form.
   * @throws {SandboxProblem} 401 AUTH_INVALID_API_KEY on partner endpoints, 401 AUTH_INVALID_SESSION on borrower
   *   ones, when the bearer is missing, malformed, unknown, revoked or expired.
   */
  authenticate(authorization: string | undefined, scope: EndpointScope): Caller {
    const bearer = bearerOf(authorization);
    const credential = bearer ?? "";
    const refuse = (detail: string) => refusedCredential(scope, isApiKey(credential), detail);
    if (bearer === undefined) throw refuse("send Authorization: Bearer <credential>");
    if (credential === this.apiKey)
      return { kind: "apiKey", principal: `partner:${credential}`, partnerKey: credential };
    if (isApiKey(credential)) throw refuse("unknown API key");
    const session = this.sessions.get(credential);
    if (session) {
      if (session.revoked) throw refuse("the session was revoked; bootstrap a new one");
      if (session.expiresAtMs <= this.clock.now()) throw refuse("the session token has expired; renew it");
      return {
        kind: "sessionToken",
        principal: borrowerPrincipal(session.borrower),
        borrower: session.borrower,
      };
    }
    const refresh = this.refreshTokens.get(credential);
    if (refresh) {
      const family = this.families.get(refresh.familyId) as Family;
      return { kind: "refreshToken", principal: `family:${family.id}`, token: credential };
    }
    throw refuse("unknown credential");
  }

  /** Opens a new token family for a borrower and returns its first pair; never throws. */
  issue(borrower: BorrowerPrincipal): Session {
    const familyId = `fam${++this.familySeq}`;
    const family: Family = {
      id: familyId,
      borrower,
      revoked: false,
      current: undefined as unknown as Session,
      latestIndex: -1,
      sessionTokens: [],
      refreshTokens: [],
    };
    this.families.set(familyId, family);
    const first = this.rotate(family);
    while (this.families.size > this.maxFamilies) {
      const oldest = this.families.values().next().value as Family;
      this.drop(oldest);
    }
    return first;
  }

  /**
   * Rotates a refresh token: the current one yields a new pair; the immediately previous one within the
   * grace window yields the current pair again; any older one revokes the whole family.
   * @throws {SandboxProblem} 401 AUTH_INVALID_SESSION when the token is unknown or expired, when an older token
   *   is presented (the family is revoked then) or the family was already revoked [L7].
   */
  refresh(refreshToken: string): Session {
    const record = this.refreshTokens.get(refreshToken);
    if (!record) throw invalidSession("unknown refresh token");
    const family = this.families.get(record.familyId) as Family;
    if (family.revoked) throw invalidSession("this refresh token's family has been revoked");
    const now = this.clock.now();
    if (record.index === family.latestIndex) {
      if (record.expiresAtMs <= now)
        throw invalidSession("the refresh token has expired; start a new session");
      record.rotatedAtMs = now;
      return this.rotate(family);
    }
    const withinGrace =
      record.index === family.latestIndex - 1 &&
      record.rotatedAtMs !== undefined &&
      now - record.rotatedAtMs <= this.timings.refreshGrace;
    if (withinGrace) return { ...family.current };
    this.revoke(family);
    throw invalidSession("an already rotated refresh token was presented; the session family is revoked");
  }

  /**
   * Control: makes a session or refresh token expire now.
   * @throws {SandboxProblem} 404 NOT_FOUND for an unknown token.
   */
  expire(token: string): void {
    const record = this.sessions.get(token) ?? this.refreshTokens.get(token);
    if (!record) throw new SandboxProblem(404, "NOT_FOUND", "unknown token");
    record.expiresAtMs = this.clock.now();
  }

  private revoke(family: Family): void {
    family.revoked = true;
    for (const token of family.sessionTokens) {
      const session = this.sessions.get(token);
      if (session) session.revoked = true;
    }
  }

  private rotate(family: Family): Session {
    const now = this.clock.now();
    const token = secretToken();
    const refreshToken = secretToken();
    const index = family.latestIndex + 1;
    const sessionExpires = now + this.timings.sessionTtl;
    const refreshExpires = now + this.timings.refreshTtl;
    this.sessions.set(token, {
      token,
      borrower: family.borrower,
      familyId: family.id,
      expiresAtMs: sessionExpires,
      revoked: false,
    });
    this.refreshTokens.set(refreshToken, {
      token: refreshToken,
      familyId: family.id,
      index,
      expiresAtMs: refreshExpires,
      rotatedAtMs: undefined,
    });
    family.sessionTokens.push(token);
    family.refreshTokens.push(refreshToken);
    for (const old of family.sessionTokens.splice(
      0,
      Math.max(0, family.sessionTokens.length - TOKEN_HISTORY),
    ))
      this.sessions.delete(old);
    for (const old of family.refreshTokens.splice(
      0,
      Math.max(0, family.refreshTokens.length - TOKEN_HISTORY),
    ))
      this.refreshTokens.delete(old);
    family.latestIndex = index;
    family.current = {
      sessionToken: token,
      sessionExpiresAt: new Date(sessionExpires).toISOString(),
      refreshToken,
      refreshExpiresAt: new Date(refreshExpires).toISOString(),
    };
    return { ...family.current };
  }
}

/** The idempotency principal of a borrower: stable across token refreshes. */
export function borrowerPrincipal(borrower: BorrowerPrincipal): string {
  return `borrower:${borrower.partnerKey}:${borrower.borrowerExternalID}`;
}

/** The credential an `Authorization` header carries (`Bearer <credential>`, any case and spacing), or `undefined`. */
function bearerOf(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
}
