import * as z from "zod/mini";

/** An ISO-8601 timestamp such as `2026-03-05T16:48:20.000Z` [L6] (a UTC offset is read too). */
export const Timestamp = z.iso.datetime({ offset: true });
/** A calendar date `YYYY-MM-DD` that exists (no 31 February). */
export const CalendarDate = z.iso.date();

/** An opaque id (the platform's are UUIDs, e.g. `journeyID` [L6]; no prefix is promised): 1–128 characters. */
export const OpaqueId = z.string().check(z.minLength(1), z.maxLength(128));

/** Journey id (`journeyID`): opaque, a UUID on the platform [L6]. */
export const JourneyId = OpaqueId;
/** Offer id (`offerID`): opaque, at least one character [C17]. */
export const OfferId = OpaqueId;
/** Step id (`stepID`): opaque (modelled: steps' ids are not documented). */
export const StepId = OpaqueId;
/** Account-aggregator consent id (`consentID`): opaque (modelled). */
export const ConsentId = OpaqueId;
/** Webhook event id (`event_id`, e.g. `evt_01JB2X4CE6` [L6]): opaque. */
export const EventId = OpaqueId;
/** Loan id (`loanID`): opaque (modelled). */
export const LoanId = OpaqueId;

/** Money: an integer count of paise (minor units) and an ISO-4217 currency code. */
export const Money = z.object({
  amount: z.int().check(z.minimum(0)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, "must be a 3-letter ISO-4217 code")),
});
/** Money: an integer count of paise and a currency. */
export type Money = z.infer<typeof Money>;

/** An absolute http(s) URL. */
export const HttpUrl = z.url({ protocol: /^https?$/ });
