/** Shares one session refresh among every caller that met `401 AUTH_INVALID_SESSION` with the same token. */
export interface TokenRefresher {
  /**
   * A fresh token to replace `staleToken`. Joins the refresh in flight; reuses the last refreshed token when
   * `staleToken` is already superseded; otherwise starts one refresh.
   * @throws whatever the refresh callback rejects with.
   */
  refresh(staleToken: string): Promise<string>;
}

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
  return {
    refresh(staleToken) {
      if (inFlight) return inFlight;
      // A request that left before the last refresh answers later with the old token: no second refresh.
      if (latest !== undefined && latest !== staleToken) return Promise.resolve(latest);
      const started = Date.now();
      const running = Promise.resolve()
        .then(refreshSession)
        .then(
          (token) => {
            latest = token;
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
