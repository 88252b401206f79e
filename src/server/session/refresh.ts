import { parse, RefreshSessionResponse, type Session } from "../../contract/index.js";
import type { PartnerCallOptions } from "./bootstrap.js";
import { checkSessionArgs } from "./check.js";
import { isRefreshRefused, NoStoredSessionError, RefreshRefusedError } from "./errors.js";
import type { TokenStore } from "./token-store.js";

/** The part of the partner client the refresh helpers need: `POST /sessions/refresh` with the refresh token. */
export interface SessionRefresher {
  refreshSession(refreshToken: string, options?: PartnerCallOptions): Promise<RefreshSessionResponse>;
}

// One refresh per token store and key at a time in this process: concurrent callers share its outcome, so a
// burst of requests does not spend the same refresh token several times.
const inFlight = new WeakMap<TokenStore, Map<string, Promise<Session>>>();

async function rotate(
  client: SessionRefresher,
  tokenStore: TokenStore,
  key: string,
  options: PartnerCallOptions,
): Promise<Session> {
  const current = await tokenStore.get(key);
  if (!current) throw new NoStoredSessionError(key);
  let answer: unknown;
  try {
    answer = await client.refreshSession(current.refreshToken, options);
  } catch (error) {
    if (isRefreshRefused(error)) throw new RefreshRefusedError(key, { cause: error });
    throw error;
  }
  const next = parse(RefreshSessionResponse, answer, "RefreshSessionResponse").session;
  if (await tokenStore.replace(key, current.refreshToken, next)) return next;
  // Another process rotated the same pair meanwhile; within the platform's grace window both answers are the
  // current pair, and what the store now holds is authoritative.
  return (await tokenStore.get(key)) ?? next;
}

/**
 * Refreshes the stored pair of `key` (`POST /sessions/refresh`) and stores the new one; the stored pair is replaced,
 * by compare-and-set, only after the platform answered with a valid new pair. Concurrent calls in this process
 * for the same key share one refresh.
 * @throws {NoStoredSessionError} when nothing is stored under `key` (rejects the promise).
 * @throws {RefreshRefusedError} when the platform answers `401 AUTH_INVALID_SESSION`: the family is revoked;
 *   bootstrap a new session (rejects).
 * @throws {ContractError} naming `client`, `tokenStore`, `key` or an option when it is malformed (nothing is read
 *   or sent), or when the platform's answer does not match the contract (rejects).
 * @throws {Error} any other partner-client or token-store failure, unchanged; the stored pair is untouched (rejects).
 */
export function refreshStoredSession(
  client: SessionRefresher,
  tokenStore: TokenStore,
  key: string,
  options: PartnerCallOptions = {},
): Promise<Session> {
  try {
    checkSessionArgs("RefreshStoredSession", {
      client: [client, "refreshSession"],
      tokenStore,
      key,
      options,
    });
  } catch (error) {
    return Promise.reject(error);
  }
  let forStore = inFlight.get(tokenStore);
  if (!forStore) {
    forStore = new Map();
    inFlight.set(tokenStore, forStore);
  }
  const running = forStore.get(key);
  if (running) return running;
  const started = rotate(client, tokenStore, key, options).finally(() => forStore.delete(key));
  forStore.set(key, started);
  return started;
}

/** Options of {@link getFreshSession}. */
export interface FreshSessionOptions extends PartnerCallOptions {
  /** The current time (default: the system clock). */
  readonly now?: () => Date;
  /** Refresh when the session token has less than this left, in seconds (default 60). */
  readonly minValiditySec?: number;
}

/**
 * The stored pair of `key`, refreshed first when its session token expires within `minValiditySec`.
 * @throws {NoStoredSessionError} when nothing is stored under `key` (rejects the promise).
 * @throws {RefreshRefusedError} when the platform revoked the family (rejects).
 * @throws {ContractError} naming `client`, `tokenStore`, `key`, `now`, `minValiditySec` or another option when it is
 *   malformed (nothing is read or sent), or when the platform's answer does not match the contract (rejects).
 * @throws {Error} any other partner-client or token-store failure, unchanged (rejects).
 */
export async function getFreshSession(
  client: SessionRefresher,
  tokenStore: TokenStore,
  key: string,
  options: FreshSessionOptions = {},
): Promise<Session> {
  checkSessionArgs("GetFreshSession", { client: [client, "refreshSession"], tokenStore, key, options });
  const stored = await tokenStore.get(key);
  if (!stored) throw new NoStoredSessionError(key);
  const now = (options.now ?? (() => new Date()))().getTime();
  const leftMs = Date.parse(stored.sessionExpiresAt) - now;
  if (leftMs > (options.minValiditySec ?? 60) * 1000) return stored;
  const { now: _now, minValiditySec: _min, ...callOptions } = options;
  return refreshStoredSession(client, tokenStore, key, callOptions);
}
