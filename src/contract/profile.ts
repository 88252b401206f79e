import * as z from "zod/mini";
import { CalendarDate, Timestamp } from "./primitives.js";

/** `contactNumber`: 10 digits [L13] [L14], or `+91` and 10 digits [L13] (the docs show both: both pass). */
export const ContactNumber = z
  .string()
  .check(z.regex(/^(\+91)?[6-9][0-9]{9}$/, "must be a 10-digit mobile number, optionally with +91"));
/** `pan`: a PAN like `ABCDE1234F` [C4]. */
export const Pan = z.string().check(z.regex(/^[A-Z]{5}[0-9]{4}[A-Z]$/, "must be a PAN like ABCDE1234F"));
/** `dob`: a date `1995-06-20` [L13] [L14], or an ISO datetime `1994-08-17T00:00:00.000Z` [L13] (both pass). */
export const DateOfBirth = z.union([CalendarDate, Timestamp]);
/** `gender` [C4]. */
export const Gender = z.enum(["male", "female", "transgender"]);
/** `workProfile.employmentType` [C4]. */
export const EmploymentType = z.enum(["salaried", "selfEmployed"]);
/** `workProfile.incomeType` [C4]. */
export const IncomeType = z.enum(["monthly", "annual"]);
/** `workProfile.income`: whole rupees, as a string (`"75000"` [L13]) or a number [C4]. */
export const Income = z.union([
  z.string().check(z.regex(/^[1-9][0-9]{0,11}$/, "must be whole rupees, no commas")),
  z.int().check(z.minimum(1), z.maximum(999_999_999_999)),
]);
/** An email address (the docs ask for an `@` [C4]). */
const Email = z.string().check(z.maxLength(254), z.regex(/^[^\s@]+@[^\s@]+$/, "must be an email address"));

/** The borrower's work [C4] [L8]. */
export const WorkProfile = z.object({
  employmentType: z.optional(EmploymentType),
  officialemail: z.optional(Email),
  income: z.optional(Income),
  incomeType: z.optional(IncomeType),
  companyName: z.optional(z.string().check(z.maxLength(200))),
  udyamNumber: z.optional(z.nullable(z.string().check(z.maxLength(32)))),
});
/** The borrower's work. */
export type WorkProfile = z.infer<typeof WorkProfile>;

/** The borrower's address [C4] [L8]. */
export const Address = z.object({
  addressL1: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  addressL2: z.optional(z.string().check(z.maxLength(200))),
  city: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  state: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  pincode: z.optional(z.string().check(z.regex(/^[1-9][0-9]{5}$/, "must be a 6-digit pincode"))),
});
/** The borrower's address. */
export type Address = z.infer<typeof Address>;

/** Banking information (modelled: the docs name it [L8] but not its fields). */
export const BankingInformation = z.object({
  accountNumber: z.optional(z.string().check(z.regex(/^[0-9]{9,18}$/, "must be 9 to 18 digits"))),
  ifsc: z.optional(z.string().check(z.regex(/^[A-Z]{4}0[A-Z0-9]{6}$/, "must be an IFSC like HDFC0001234"))),
  accountHolderName: z.optional(z.string().check(z.maxLength(120))),
});
/** Banking information (modelled). */
export type BankingInformation = z.infer<typeof BankingInformation>;

/**
 * The borrower's profile: what `GET /profile` answers and `PUT /profile` upserts (prefill) [L3] [L8], with the
 * documented field names [C4]. Every field is optional: an upsert may carry any part.
 */
export const Profile = z.object({
  contactNumber: z.optional(ContactNumber),
  pan: z.optional(Pan),
  panName: z.optional(z.string().check(z.minLength(1), z.maxLength(120))),
  dob: z.optional(DateOfBirth),
  gender: z.optional(Gender),
  personalemail: z.optional(Email),
  workProfile: z.optional(WorkProfile),
  address: z.optional(Address),
  bankingInformation: z.optional(BankingInformation),
});
/** The borrower's profile. */
export type Profile = z.infer<typeof Profile>;

/**
 * `POST /profile/submit` body (modelled: the docs show the call [L3], not its body): the borrower's consent to a
 * credit-bureau check, as the hosted model names it (`journey.bureauConsent` [C3]).
 */
export const ProfileSubmitRequest = z.object({ bureauConsent: z.literal(true) });
/** `POST /profile/submit` body. */
export type ProfileSubmitRequest = z.infer<typeof ProfileSubmitRequest>;

/** The fields a submission must carry (modelled after the documented causes of VALIDATION_FAILED [L7]). */
export const REQUIRED_PROFILE_FIELDS = [
  "contactNumber",
  "pan",
  "panName",
  "dob",
  "gender",
  "personalemail",
  "workProfile.employmentType",
  "workProfile.income",
  "workProfile.incomeType",
  "address.addressL1",
  "address.city",
  "address.state",
  "address.pincode",
] as const;

/**
 * What the journey's `profile.submit` intent carries: the profile to upsert and the bureau consent to submit
 * with. The SDK sends it as `PUT /profile` then `POST /profile/submit`, each with its own Idempotency-Key.
 */
export const ProfileSubmission = z.object({ profile: Profile, bureauConsent: z.literal(true) });
/** What the journey's `profile.submit` intent carries. */
export type ProfileSubmission = z.infer<typeof ProfileSubmission>;

/** The value at a dotted path of a profile, or `undefined`; never throws. */
function at(profile: Profile, path: string): unknown {
  let value: unknown = profile;
  for (const key of path.split(".")) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** The required fields a profile lacks, as field issues (`required`); empty when it is complete. Pure. */
export function missingProfileFields(profile: Profile): { path: string; message: string }[] {
  return REQUIRED_PROFILE_FIELDS.filter(
    (path) => at(profile, path) === undefined || at(profile, path) === "",
  ).map((path) => ({ path, message: "is required" }));
}
