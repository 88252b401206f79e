/** Shares one session refresh among every caller that met `401 AUTH_INVALID_SESSION` with the same token. */
export interface TokenRefresher {
  /**
   * A fresh token to replace `staleToken`. Joins the refresh in flight; reuses the last refreshed token when
   * `staleToken` is one this refresher already replaced; otherwise (any other token, e.g. one another tab
   * stored) starts one refresh.
   * @throws whatever the refresh callback rejects with.
   */
  refresh(staleToken: string): Promise<string>;
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
  return {
    refresh(staleToken) {
      if (inFlight) return inFlight;
      // A request that left before the last refresh answers later with the old token: no second refresh.
      if (latest !== undefined && replaced.includes(staleToken)) return Promise.resolve(latest);
      const started = Date.now();
      const running = Promise.resolve()
        .then(refreshSession)
        .then(
          (token) => {
            latest = token;
            if (replaced.unshift(staleToken) > MAX_REPLACED) replaced.pop();
            onSettled(true, Date.now() - started);
            return token;
          },
          (error: unknown) => {
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
