/** How the web app names each journey status to a borrower: plain words, never the platform's codes. */
import type { JourneyStatus } from "../../contract/index.js";

/** The borrower's words for each status (a translation table: one line per status). */
export const STATUS_COPY: Readonly<Record<JourneyStatus, string>> = {
  STARTED: "Getting started",
  PROFILE_REQUIRED: "Your details",
  PROFILE_SUBMITTED: "Checking your details",
  OFFERS_PENDING: "Finding offers",
  OFFERS_AVAILABLE: "Choose an offer",
  OFFER_SELECTED: "Offer chosen",
  AA_REQUIRED: "Share your bank statements",
  KYC_PENDING: "Verify your identity",
  BANK_MANDATE_PENDING: "Your bank account for repayments",
  E_MANDATE_PENDING: "Set up automatic repayments",
  LOAN_AGREEMENT_PENDING: "Sign the loan agreement",
  LENDER_PROCESSING: "The lender is sending your money",
  DISBURSED: "Money sent",
  REJECTED: "Not approved",
  EXPIRED: "Application expired",
  CLOSED: "Loan closed",
};

/** A status in the borrower's words; "Connecting" before the first state arrives. */
export function statusText(status: JourneyStatus | null): string {
  return status === null ? "Connecting" : STATUS_COPY[status];
}
