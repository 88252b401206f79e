/** Shares one session refresh among every caller that met `401 AUTH_INVALID_SESSION` with the same token. */
export interface TokenRefresher {
  /**
   * A fresh token to replace `staleToken`. Joins the refresh in flight; reuses the last refreshed token when
   * `staleToken` is one this refresher already replaced; otherwise (any other token, e.g. one another tab
   * stored) starts one refresh. A request that left before a refresh for `staleToken` failed (`sentAt`, the
   * {@link TokenRefresher.settled} it read when it left) shares that failure instead of starting another (no storm
   * of refreshes from stragglers); one that left after it tries again.
   * @throws whatever the refresh callback rejects with.
   */
  refresh(staleToken: string, sentAt?: number): Promise<string>;
  /** How many refreshes have settled: a request reads it as it leaves and hands it to `refresh`. */
  readonly settled: number;
}

const MAX_REPLACED = 8;

/**
 * Creates a {@link TokenRefresher} over `refreshSession`. `onSettled` hears of every real refresh call.
 * A caller that gives up (abort) leaves the shared refresh running for the others.
 */
export function createTokenRefresher(
  refreshSession: () => Promise<string>,
  onSettled: (ok: boolean, durationMs: number) => void,
): TokenRefresher {
  let inFlight: Promise<string> | undefined;
  let latest: string | undefined;
  /** The last tokens a refresh replaced (a few: only requests still in flight can carry them). */
  const replaced: string[] = [];
  let settled = 0;
  /** The last refresh, when it failed: the token it was to replace, its place in `settled`, and why. */
  let failed: { staleToken: string; settled: number; error: unknown } | undefined;
  return {
    get settled() {
      return settled;
    },
    refresh(staleToken, sentAt = settled) {
      if (inFlight) return inFlight;
      // A request that left before the last refresh answers later with the old token: no second refresh.
      if (latest !== undefined && replaced.includes(staleToken)) return Promise.resolve(latest);
      if (failed?.staleToken === staleToken && sentAt < failed.settled) return Promise.reject(failed.error);
      const started = Date.now();
      const running = Promise.resolve()
        .then(refreshSession)
        .then(
          (token) => {
            settled++;
            failed = undefined;
            latest = token;
            if (replaced.unshift(staleToken) > MAX_REPLACED) replaced.pop();
            onSettled(true, Date.now() - started);
            return token;
          },
          (error: unknown) => {
            failed = { staleToken, settled: ++settled, error };
            onSettled(false, Date.now() - started);
            throw error;
          },
        )
        .finally(() => {
          inFlight = undefined;
        });
      inFlight = running;
      return running;
    },
  };
}
