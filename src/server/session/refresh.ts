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
    if (!isRefreshRefused(error)) throw error;
    // Refused because another process rotated the pair first (this one read it before): the store holds the
    // current pair, not a revoked family.
    const now = await tokenStore.get(key);
    // Signed out meanwhile: not a revoked family to bootstrap again for, just no session.
    if (now === undefined) throw new NoStoredSessionError(key);
    if (now.refreshToken !== current.refreshToken) return now;
    throw new RefreshRefusedError(key, { cause: error });
  }
  const next = parse(RefreshSessionResponse, answer, "RefreshSessionResponse").session;
  if (await tokenStore.replace(key, current.refreshToken, next)) return next;
  // Another process rotated the same pair meanwhile (a grace window for the previous token is not documented):
  // what the store now holds is authoritative. Nothing held: the borrower signed out while the refresh ran, and
  // the new pair, stored nowhere, is not handed out.
  const held = await tokenStore.get(key);
  if (held === undefined) throw new NoStoredSessionError(key);
  return held;
}

/**
 * Refreshes the stored pair of `key` (`POST /sessions/refresh`) and stores the new one; the stored pair is replaced,
 * by compare-and-set, only after the platform answered with a valid new pair. Concurrent calls in this process
 * for the same key share one refresh, sent with the first caller's `idempotencyKey` and `correlationID` and with
 * no caller's `signal`: a caller's abort ends only its own wait. A refusal after another process rotated the pair
 * (the store then holds another refresh token) answers with the stored pair instead.
 * @throws {unknown} `options.signal`'s reason once it aborts before the refresh settles (rejects).
 * @throws {NoStoredSessionError} when nothing is stored under `key`, before the refresh or once it is answered
 *   (the borrower signed out meanwhile: the new pair is stored nowhere and not handed out) (rejects the promise).
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
  // The shared rotation runs without any caller's signal: one caller going away must not cancel a rotation the
  // others wait for (or leave a pair the platform rotated unstored). Each caller stops waiting on its own signal.
  const { signal, ...shared } = options;
  let running = forStore.get(key);
  if (!running) {
    running = rotate(client, tokenStore, key, shared).finally(() => forStore.delete(key));
    forStore.set(key, running);
  }
  return signal === undefined ? running : untilAborted(running, signal);
}

/** `work`, or a rejection with `signal`'s reason once it aborts first (the work itself goes on). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
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
 * @throws {NoStoredSessionError} when nothing is stored under `key`, before the refresh or once it is answered
 *   (the borrower signed out meanwhile: the new pair is stored nowhere and not handed out) (rejects the promise).
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
