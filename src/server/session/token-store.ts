import type { Session } from "../../contract/index.js";

/**
 * Where a partner backend keeps borrower session pairs, by a key of its choice (e.g. the borrower's external id).
 * Implement it on your database: `replace` must be a compare-and-set (`UPDATE … WHERE refresh_token = $expected`).
 */
export interface TokenStore {
  /** The stored pair, or `undefined`. Rejects only with the store's own failure. */
  get(key: string): Promise<Session | undefined>;
  /** Stores a pair unconditionally (a new session). Rejects only with the store's own failure. */
  set(key: string, session: Session): Promise<void>;
  /**
   * Atomically replaces the stored pair with `next` only if its refresh token is still `expectedRefreshToken`;
   * true when replaced. Rejects only with the store's own failure.
   */
  replace(key: string, expectedRefreshToken: string, next: Session): Promise<boolean>;
  /** Forgets the pair (sign-out). Rejects only with the store's own failure. */
  delete(key: string): Promise<void>;
}

/** A token store in this process's memory: for one process and for tests. Never throws. */
export function createMemoryTokenStore(): TokenStore {
  const sessions = new Map<string, Session>();
  return {
    async get(key) {
      const session = sessions.get(key);
      return session && { ...session };
    },
    async set(key, session) {
      sessions.set(key, { ...session });
    },
    async replace(key, expectedRefreshToken, next) {
      if (sessions.get(key)?.refreshToken !== expectedRefreshToken) return false;
      sessions.set(key, { ...next });
      return true;
    },
    async delete(key) {
      sessions.delete(key);
    },
  };
}
