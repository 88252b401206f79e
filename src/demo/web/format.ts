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

/** The field errors of `errors` that belong to the form field `name` (paths `name`, `data.name`, `name.x`). */
export function errorsFor(
  errors: ReadonlyArray<{ readonly path: string; readonly message: string }> | undefined,
  name: string,
): string[] {
  return (errors ?? [])
    .filter((e) => {
      const path = e.path.replace(/^(body|data)\./, "");
      return path === name || path.startsWith(`${name}.`);
    })
    .map((e) => e.message);
}
