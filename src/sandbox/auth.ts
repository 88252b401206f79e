import type { Session } from "../contract/index.js";
import { credentialKind } from "../contract/index.js";
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
  readonly sessionTokens: string[];
}

const unauthenticated = (detail: string) => new SandboxProblem(401, "UNAUTHENTICATED", detail);
const expired = (detail: string) => new SandboxProblem(401, "TOKEN_EXPIRED", detail);

/**
 * The three credentials and their lifecycles: the API key, short-lived borrower session tokens, and
 * rotating refresh tokens in families (grace window for the previous token, family revocation on reuse).
 */
export class CredentialStore {
  private readonly sessions = new Map<string, SessionTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly families = new Map<string, Family>();
  private familySeq = 0;

  constructor(
    readonly apiKey: string,
    private readonly clock: SandboxClock,
    private readonly timings: SandboxTimings,
  ) {}

  /**
   * Resolves an `Authorization` header into a caller.
   * @throws {SandboxProblem} 401 UNAUTHENTICATED when missing, malformed, unknown or revoked;
   * 401 TOKEN_EXPIRED when a session or refresh token is past its expiry.
   */
  authenticate(authorization: string | undefined): Caller {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) throw unauthenticated("send Authorization: Bearer <credential>");
    const credential = match[1] as string;
    switch (credentialKind(credential)) {
      case "apiKey":
        if (credential !== this.apiKey) throw unauthenticated("unknown API key");
        return { kind: "apiKey", principal: `partner:${credential}`, partnerKey: credential };
      case "sessionToken": {
        const record = this.sessions.get(credential);
        if (!record || record.revoked) throw unauthenticated("unknown or revoked session token");
        if (record.expiresAtMs <= this.clock.now())
          throw expired("the session token has expired; refresh it");
        return {
          kind: "sessionToken",
          principal: borrowerPrincipal(record.borrower),
          borrower: record.borrower,
        };
      }
      case "refreshToken": {
        const record = this.refreshTokens.get(credential);
        if (!record) throw unauthenticated("unknown refresh token");
        const family = this.families.get(record.familyId) as Family;
        return { kind: "refreshToken", principal: `family:${family.id}`, token: credential };
      }
      default:
        throw unauthenticated("unknown credential");
    }
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
    };
    this.families.set(familyId, family);
    return this.rotate(family);
  }

  /**
   * Rotates a refresh token: the current one yields a new pair; the immediately previous one within the
   * grace window yields the current pair again; any older one revokes the whole family.
   * @throws {SandboxProblem} 401 UNAUTHENTICATED (unknown), 401 TOKEN_EXPIRED (expired),
   * 401 REFRESH_TOKEN_REUSED (older token presented, or the family was already revoked).
   */
  refresh(refreshToken: string): Session {
    const record = this.refreshTokens.get(refreshToken);
    if (!record) throw unauthenticated("unknown refresh token");
    const family = this.families.get(record.familyId) as Family;
    if (family.revoked)
      throw new SandboxProblem(401, "REFRESH_TOKEN_REUSED", "this refresh token's family has been revoked");
    const now = this.clock.now();
    if (record.index === family.latestIndex) {
      if (record.expiresAtMs <= now) throw expired("the refresh token has expired; start a new session");
      record.rotatedAtMs = now;
      return this.rotate(family);
    }
    const withinGrace =
      record.index === family.latestIndex - 1 &&
      record.rotatedAtMs !== undefined &&
      now - record.rotatedAtMs <= this.timings.refreshGrace;
    if (withinGrace) return { ...family.current };
    this.revoke(family);
    throw new SandboxProblem(
      401,
      "REFRESH_TOKEN_REUSED",
      "an already rotated refresh token was presented; the session family is revoked",
    );
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
    const token = secretToken("bst_");
    const refreshToken = secretToken("brt_");
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
    family.latestIndex = index;
    family.current = {
      token,
      expiresAt: new Date(sessionExpires).toISOString(),
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
