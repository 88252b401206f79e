import * as z from "zod/mini";
import { ContractError } from "./errors.js";
import { CalendarDate, Money, Timestamp } from "./primitives.js";

/** Youngest and oldest borrower age, in whole years, on the day the profile is checked. */
export const BORROWER_AGE = { min: 21, max: 60 } as const;

/** The borrower's profile, the body of `PUT /journeys/{id}/profile`. The age rule needs a date: see {@link parseProfile}. */
export const Profile = z.object({
  fullName: z.string().check(z.trim(), z.minLength(2), z.maxLength(120)),
  pan: z.string().check(z.regex(/^[A-Z]{5}[0-9]{4}[A-Z]$/, "must be a PAN like ABCDE1234F")),
  dateOfBirth: CalendarDate,
  email: z.email(),
  phone: z.string().check(z.regex(/^\+91[6-9][0-9]{9}$/, "must be +91 followed by a 10-digit mobile number")),
  employmentType: z.enum(["SALARIED", "SELF_EMPLOYED"]),
  monthlyIncome: Money,
  pincode: z.string().check(z.regex(/^[1-9][0-9]{5}$/, "must be a 6-digit pincode")),
  consent: z.object({ bureauPull: z.literal(true), at: Timestamp }),
});
/** The borrower's profile. */
export type Profile = z.infer<typeof Profile>;

/** Whole years between a `YYYY-MM-DD` birth date and `today` (also `YYYY-MM-DD`); pure, never throws. */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/**
 * Parses a profile and applies the age rule (21–60 on `today`, a `YYYY-MM-DD` string the caller
 * supplies, so the check stays pure).
 * @throws {ContractError} naming every failing path, `dateOfBirth` included when the age is out of range.
 */
export function parseProfile(input: unknown, today: string): Profile {
  const result = z.safeParse(Profile, input);
  const issues = result.success
    ? []
    : result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  if (result.success) {
    const age = ageOn(result.data.dateOfBirth, today);
    if (age < BORROWER_AGE.min || age > BORROWER_AGE.max) {
      issues.push({
        path: "dateOfBirth",
        message: `borrower must be ${BORROWER_AGE.min}–${BORROWER_AGE.max} years old (is ${age})`,
      });
    }
    if (issues.length === 0) return result.data;
  }
  throw new ContractError("Profile", issues);
}
