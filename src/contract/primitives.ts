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
