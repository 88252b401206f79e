import * as z from "zod/mini";

/** An ISO-8601 UTC timestamp such as `2026-11-26T10:00:00Z`. */
export const Timestamp = z.iso.datetime({ offset: false });
/** A calendar date `YYYY-MM-DD` that exists (no 31 February). */
export const CalendarDate = z.iso.date();

/** Builds the schema of an opaque id with a type prefix, e.g. `jrn_…`. */
export function prefixedId(prefix: string) {
  return z
    .string()
    .check(z.regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]{1,64}$`), `must look like ${prefix}_…`));
}

/** Journey id, `jrn_…`. */
export const JourneyId = prefixedId("jrn");
/** Offer id, `ofr_…`. */
export const OfferId = prefixedId("ofr");
/** Step id, `stp_…`. */
export const StepId = prefixedId("stp");
/** Account-aggregator consent id, `aac_…`. */
export const ConsentId = prefixedId("aac");
/** Webhook event id, `evt_…`. */
export const EventId = prefixedId("evt");
/** Loan id, `loan_…`. */
export const LoanId = prefixedId("loan");

/** Money: an integer count of paise (minor units) and an ISO-4217 currency code. */
export const Money = z.object({
  amount: z.int().check(z.minimum(0)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, "must be a 3-letter ISO-4217 code")),
});
/** Money: an integer count of paise and a currency. */
export type Money = z.infer<typeof Money>;

/** An absolute http(s) URL. */
export const HttpUrl = z.url({ protocol: /^https?$/ });

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
