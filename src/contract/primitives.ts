import * as z from "zod/mini";

// The date formats by hand rather than with zod's `iso` namespace, which brings every ISO format (times,
// durations) into the journey reducer's bundle, over its 30 kB budget.

/** Whether `date` (`YYYY-MM-DD`) is a day the calendar has (no 31 February, 29 February only in leap years). */
export function isCalendarDay(date: string): boolean {
  const year = +date.slice(0, 4);
  const month = +date.slice(5, 7);
  const day = +date.slice(8, 10);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  // 31 days in odd months to July and even months from August, 30 in the others; February by the leap rule.
  const days = month === 2 ? (leap ? 29 : 28) : 30 + ((month + (month >> 3)) & 1);
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
}

/** The form of an ISO-8601 date-time the SDK reads (a UTC offset too); its day is checked by {@link isCalendarDay}. */
export const TIMESTAMP_PATTERN =
  /^\d{4}-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$/;

/** An ISO-8601 timestamp such as `2026-03-05T16:48:20.000Z` [L6] (a UTC offset is read too). */
export const Timestamp = z
  .string()
  .check(
    z.regex(TIMESTAMP_PATTERN, "must be an ISO-8601 date-time"),
    z.refine(isCalendarDay, "must be an ISO-8601 date-time"),
  );
/** A calendar date `YYYY-MM-DD` that exists (no 31 February). */
export const CalendarDate = z
  .string()
  .check(
    z.regex(/^\d{4}-\d\d-\d\d$/, "must be a date YYYY-MM-DD"),
    z.refine(isCalendarDay, "must be a date that exists"),
  );

/** The longest opaque id the SDK accepts anywhere (a body field, a path, an `X-AL-Event-ID` header). */
export const MAX_OPAQUE_ID_LENGTH = 128;

/** An opaque id (the platform's are UUIDs, e.g. `journeyID` [L6]; no prefix is promised): 1–128 characters. */
export const OpaqueId = z.string().check(z.minLength(1), z.maxLength(MAX_OPAQUE_ID_LENGTH));

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
