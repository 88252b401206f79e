/**
 * The demo partner backend's own app authentication: a borrower signs in (the sandbox password, or a check of
 * the partner's), gets an opaque app token with a time to live, and that token is what the backend's borrower
 * routes accept. One live app session per borrower: signing in again revokes the earlier token.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { APP_AUTH_DEFAULTS, DEMO_PASSWORD } from "./sign-in.js";

/** Checks a borrower's credential; resolves true when it is theirs. */
export type Authenticate = (borrowerExternalID: string, password: string) => boolean | Promise<boolean>;

/** Options of {@link createAppAuth}. */
export interface AppAuthOptions {
  /** The credential check (default: the password is {@link DEMO_PASSWORD}, compared in constant time). */
  readonly authenticate?: Authenticate;
  /** How long an app token is honoured, in ms (default 15 minutes). */
  readonly appTokenTtlMs?: number;
  /** Failed sign-ins for one borrower before it is locked (default 5). */
  readonly maxFailedSignIns?: number;
  /** How long a lock lasts, in ms (default 1 minute). */
  readonly lockoutMs?: number;
  /** The clock tokens and locks are measured on, epoch ms (default `Date.now`). */
  readonly now?: () => number;
}

/** A live app session: whose it is, until when, and the journeys its sessions opened. */
export interface AppSession {
  readonly borrowerExternalID: string;
  /** When the token stops being honoured, epoch ms. */
  readonly expiresAt: number;
  /** The journeys `POST /session` opened for this app session (push is allowed for these only). */
  readonly journeyIDs: Set<string>;
  /** The key the session is held under (a hash of the token; the token itself is not kept). */
  readonly key: string;
}

/** How a sign-in ended. */
export type SignInResult =
  | { readonly ok: true; readonly appToken: string; readonly session: AppSession }
  | { readonly ok: false; readonly reason: "invalid" }
  | { readonly ok: false; readonly reason: "locked"; readonly retryAfterMs: number };

/** The app sessions of one backend. */
export interface AppAuth {
  /**
   * Checks the credential; on success revokes the borrower's earlier app sessions and opens a new one.
   * @throws {Error} (rejects) whatever `authenticate` throws; that attempt is not counted as a failed sign-in.
   */
  signIn(borrowerExternalID: string, password: string): Promise<SignInResult>;
  /** The live session an `Authorization: Bearer …` value names; undefined when missing, unknown, expired or revoked. */
  verify(authorization: string | null | undefined): AppSession | undefined;
  /** Revokes every app session of the borrower. Returns how many there were. */
  revokeBorrower(borrowerExternalID: string): number;
  /** Hears each revoked or expired session (e.g. to end its push streams). Returns the unsubscribe. */
  onEnd(listener: (session: AppSession) => void): () => void;
  /** Ends every session whose time has run out by the clock (`onEnd` hears each), and forgets locks that have. */
  expire(): void;
}

/** A bad {@link AppAuthOptions} field. */
export class AppAuthConfigError extends Error {
  readonly _tag = "AppAuthConfigError" as const;
  /** The option at fault. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field} ${message}`);
    this.name = "AppAuthConfigError";
    this.field = field;
  }
}

const MAX_TRACKED_FAILURES = 10_000;
/** The most live app sessions: past it the oldest (the nearest its expiry: one TTL for all) is ended. */
const MAX_APP_SESSIONS = 10_000;

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

function positiveInteger(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0)
    throw new AppAuthConfigError(field, `must be a positive integer, got ${String(value)}`);
  return value;
}

/** The default credential check: the sandbox password, compared in constant time. */
export const demoPasswordCheck: Authenticate = (_borrowerExternalID, password) =>
  timingSafeEqual(digest(password), digest(DEMO_PASSWORD));

/**
 * An in-memory app-session store. Tokens are 256 random bits, kept only as their SHA-256; they expire after
 * `appTokenTtlMs` on `now`, and a borrower's sign-in is locked for `lockoutMs` after `maxFailedSignIns` failures.
 * @throws {AppAuthConfigError} naming the field, when a lifetime or count is not a positive integer.
 */
export function createAppAuth(options: AppAuthOptions = {}): AppAuth {
  const ttl = positiveInteger("appTokenTtlMs", options.appTokenTtlMs, APP_AUTH_DEFAULTS.appTokenTtlMs);
  const maxFailures = positiveInteger(
    "maxFailedSignIns",
    options.maxFailedSignIns,
    APP_AUTH_DEFAULTS.maxFailedSignIns,
  );
  const lockoutMs = positiveInteger("lockoutMs", options.lockoutMs, APP_AUTH_DEFAULTS.lockoutMs);
  const now = options.now ?? Date.now;
  const authenticate = options.authenticate ?? demoPasswordCheck;
  const sessions = new Map<string, AppSession>();
  const failures = new Map<string, { count: number; lockedUntil: number }>();
  const listeners = new Set<(session: AppSession) => void>();

  function end(session: AppSession): void {
    sessions.delete(session.key);
    for (const listener of listeners) listener(session);
  }

  function sweep(at: number): void {
    for (const session of sessions.values()) if (session.expiresAt <= at) end(session);
    for (const [borrower, entry] of failures)
      if (entry.lockedUntil !== 0 && entry.lockedUntil <= at) failures.delete(borrower);
  }

  /**
   * Records `count` failures of a borrower. Bounded: a spray of made-up ids forgets the oldest counts first, a
   * locked borrower's last (Map order is insertion order).
   */
  function countFailure(borrowerExternalID: string, count: number): void {
    failures.delete(borrowerExternalID);
    failures.set(borrowerExternalID, { count, lockedUntil: 0 });
    for (const locked of [false, true])
      for (const [oldest, entry] of failures) {
        if (failures.size <= MAX_TRACKED_FAILURES) return;
        if ((entry.lockedUntil !== 0) === locked) failures.delete(oldest);
      }
  }

  /** Takes back one counted guess of a borrower not locked (its check never answered). */
  function uncountFailure(borrowerExternalID: string): void {
    const counted = failures.get(borrowerExternalID);
    if (counted === undefined || counted.lockedUntil !== 0) return;
    if (counted.count <= 1) failures.delete(borrowerExternalID);
    else counted.count--;
  }

  function revokeBorrower(borrowerExternalID: string): number {
    let revoked = 0;
    for (const session of [...sessions.values()])
      if (session.borrowerExternalID === borrowerExternalID) {
        end(session);
        revoked++;
      }
    return revoked;
  }

  return {
    async signIn(borrowerExternalID, password) {
      const at = now();
      sweep(at);
      const entry = failures.get(borrowerExternalID);
      if (entry && entry.lockedUntil > at)
        return { ok: false, reason: "locked", retryAfterMs: entry.lockedUntil - at };
      // Guesses still being checked count as failures already, so parallel guesses see each other.
      if (entry && entry.count >= maxFailures)
        return { ok: false, reason: "locked", retryAfterMs: lockoutMs };
      countFailure(borrowerExternalID, (entry?.count ?? 0) + 1);
      let matched: boolean;
      try {
        matched = await authenticate(borrowerExternalID, password);
      } catch (error) {
        // No answer is no failed guess: counted, it could lock the borrower out with no end set.
        uncountFailure(borrowerExternalID);
        throw error;
      }
      if (!matched) {
        const counted = failures.get(borrowerExternalID);
        if (counted && counted.count >= maxFailures && counted.lockedUntil === 0)
          counted.lockedUntil = now() + lockoutMs;
        return { ok: false, reason: "invalid" };
      }
      failures.delete(borrowerExternalID);
      revokeBorrower(borrowerExternalID);
      const appToken = randomBytes(32).toString("base64url");
      const session: AppSession = {
        borrowerExternalID,
        expiresAt: now() + ttl,
        journeyIDs: new Set(),
        key: digest(appToken).toString("hex"),
      };
      sessions.set(session.key, session);
      for (const oldest of sessions.values()) {
        if (sessions.size <= MAX_APP_SESSIONS) break;
        end(oldest);
      }
      return { ok: true, appToken, session };
    },

    verify(authorization) {
      const token = authorization?.match(/^Bearer ([A-Za-z0-9_-]{1,128})$/)?.[1];
      if (token === undefined) return undefined;
      const session = sessions.get(digest(token).toString("hex"));
      if (session === undefined) return undefined;
      if (session.expiresAt <= now()) {
        end(session);
        return undefined;
      }
      return session;
    },

    revokeBorrower,

    onEnd(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    expire() {
      sweep(now());
    },
  };
}
