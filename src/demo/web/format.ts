/** Display helpers for the borrower app: money in rupees, dates, status names. */
import type { Money } from "../../contract/index.js";

const rupees = new Intl.NumberFormat("en-IN", {
  style: "currency",
  currency: "INR",
  maximumFractionDigits: 2,
});

/** `{ amount: 5000000, currency: "INR" }` (paise) → `₹50,000.00`. */
export function formatMoney(money: Money): string {
  return money.currency === "INR"
    ? rupees.format(money.amount / 100)
    : `${(money.amount / 100).toFixed(2)} ${money.currency}`;
}

/** An ISO time or date → `26 Nov 2026`. */
export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString("en-IN", { day: "numeric", month: "short", year: "numeric" });
}

const ACRONYMS: Readonly<Record<string, string>> = { aa: "AA", kyc: "KYC", pan: "PAN", emi: "EMI", e: "E-" };

/** `LOAN_AGREEMENT_PENDING` → `Loan agreement pending`; `AA_REQUIRED` → `AA required`. */
export function humanize(code: string): string {
  const words = code
    .toLowerCase()
    .split("_")
    .map((word) => ACRONYMS[word] ?? word)
    .join(" ")
    .replace(/- /g, "-");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a borrower is told for a field whose value does not fit its pattern, by the field's name or path. */
const PATTERN_COPY: Readonly<Record<string, string>> = {
  pan: "Enter your PAN as printed on the card: five letters, four digits, one letter (like ABCDE1234F).",
  contactNumber: "Enter your 10-digit mobile number.",
  personalemail: "Enter an email address like name@example.com.",
  pincode: "Enter your 6-digit pincode.",
  accountNumber: "Enter your account number: 9 to 18 digits.",
  ifsc: "Enter your branch's 11-character IFSC, like HDFC0001234.",
};

/** What a borrower is told for each kind of field failure (`FieldProblem.code`), whatever the field. */
const CODE_COPY: Readonly<Record<string, string>> = {
  required: "Please fill this in.",
  format: "This does not look right. Please check it.",
  range: "This is outside the range we can accept.",
  enum: "Please choose one of the options.",
};

/** Consents and agreements, worded by what the borrower agrees to. */
const AGREEMENT_COPY: Readonly<Record<string, string>> = {
  bureauConsent: "Please agree to the credit bureau check to continue.",
  accepted: "Please accept the agreement to continue.",
};

/**
 * Human, translatable copy for one field error, from its code and field (never the validator's words or a raw
 * regular expression): a consent's own sentence, a pattern's example, else the code's sentence.
 */
export function fieldMessage(error: { readonly path: string; readonly code?: string | undefined }): string {
  const field = error.path.split(".").at(-1) ?? "";
  const agreement = AGREEMENT_COPY[field];
  if (agreement) return agreement;
  if (error.code === "pattern" || (error.code === "format" && PATTERN_COPY[field]))
    return PATTERN_COPY[field] ?? CODE_COPY.format!;
  return CODE_COPY[error.code ?? "format"] ?? CODE_COPY.format!;
}

/** The human messages of the field errors that belong to the field `name` (a path, or a path's parent). */
export function errorsFor(
  errors:
    | ReadonlyArray<{ readonly path: string; readonly message: string; readonly code?: string | undefined }>
    | undefined,
  name: string,
): string[] {
  return (errors ?? [])
    .filter((e) => {
      const path = e.path.replace(/^(body|data)\./, "");
      return path === name || path.startsWith(`${name}.`);
    })
    .map(fieldMessage);
}
