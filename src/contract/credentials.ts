import * as z from "zod/mini";

/** The partner's API key: `sk_*` (`sk_test_…` for test, a live key for production) [L2] [C9]; backend only. */
export const ApiKey = z.string().check(z.regex(/^sk_\S+$/, "must be an sk_… API key"));
/** The borrower session token: opaque (its format is not documented [L4]). */
export const SessionToken = z.string().check(z.minLength(1));
/** The rotating refresh token: opaque (its format is not documented [L4]). */
export const RefreshToken = z.string().check(z.minLength(1));

/**
 * True when a bearer is a partner API key (`sk_…`), judged past what commonly wraps one: surrounding whitespace,
 * quotes (JSON kept in storage) and a `Bearer ` scheme (copied from a header), so `" sk_test_…"`,
 * `"\"sk_test_…\""` and `"Bearer sk_test_…"` are caught too. The only credential with a documented form; never throws.
 */
export function isApiKey(credential: string): boolean {
  return /^["'\s]*(bearer\s+)?["'\s]*sk_/i.test(credential);
}
