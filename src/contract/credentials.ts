import * as z from "zod/mini";

/** API key held by a partner backend only: `sk_test_…` or `sk_live_…`. */
export const ApiKey = z
  .string()
  .check(z.regex(/^sk_(test|live)_[A-Za-z0-9]{8,}$/, "must be an sk_test_/sk_live_ key"));
/** Short-lived borrower session token, `bst_…`. */
export const SessionToken = z.string().check(z.regex(/^bst_[A-Za-z0-9]{8,}$/, "must be a bst_ token"));
/** Rotating refresh token, `brt_…`. */
export const RefreshToken = z.string().check(z.regex(/^brt_[A-Za-z0-9]{8,}$/, "must be a brt_ token"));

/** Which of the three credentials a bearer string is, judged by its prefix. */
export type CredentialKind = "apiKey" | "sessionToken" | "refreshToken" | "unknown";

/** Classifies a bearer credential by its prefix; never throws. */
export function credentialKind(credential: string): CredentialKind {
  if (credential.startsWith("sk_")) return "apiKey";
  if (credential.startsWith("bst_")) return "sessionToken";
  if (credential.startsWith("brt_")) return "refreshToken";
  return "unknown";
}
