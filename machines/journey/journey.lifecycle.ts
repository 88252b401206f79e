import {
  ENDED_STATUSES,
  type JourneyStatus,
  LIFECYCLE,
  type StateClass,
  stateClass,
} from "../../src/contract/index.js";

/** The screen an app shows for a journey status (plus `loading` before the first snapshot). */
export type Screen =
  | "loading"
  | "starting"
  | "profile"
  | "profileReview"
  | "waitingForOffers"
  | "offers"
  | "offerConfirmed"
  | "bankStatements"
  | "kyc"
  | "bankMandate"
  | "eMandate"
  | "loanAgreement"
  | "lenderProcessing"
  | "disbursed"
  | "rejected"
  | "expired"
  | "closed";

/**
 * The polling band of a status: `active` polls every 2–5 s, `passive` every 10–20 s, `none` never.
 * Borrower-action states whose action happens outside the app (a hosted redirect, a document, a mandate)
 * are "active steps" in the seed's words and poll in the active band; `PROFILE_REQUIRED` and
 * `OFFERS_AVAILABLE` wait on the app itself, whose own submit switches polling to the active band.
 */
export type CadenceBand = "active" | "passive" | "none";

/** What the machine knows about one status: its class, screen, polling band and description. */
export interface StatusInfo {
  readonly stateClass: StateClass;
  readonly screen: Screen;
  readonly band: CadenceBand;
  readonly description: string;
}

/** Per-status facts the machine, the view and the docs share. */
export const STATUS_INFO: Readonly<Record<JourneyStatus, StatusInfo>> = {
  STARTED: info("STARTED", "starting", "active", "Journey created; the platform prepares the profile step."),
  PROFILE_REQUIRED: info("PROFILE_REQUIRED", "profile", "passive", "The borrower submits their profile."),
  PROFILE_SUBMITTED: info("PROFILE_SUBMITTED", "profileReview", "active", "The platform checks the profile."),
  OFFERS_PENDING: info("OFFERS_PENDING", "waitingForOffers", "passive", "Waiting for lenders' offers."),
  OFFERS_AVAILABLE: info(
    "OFFERS_AVAILABLE",
    "offers",
    "passive",
    "The borrower picks an offer (offer lock).",
  ),
  OFFER_SELECTED: info("OFFER_SELECTED", "offerConfirmed", "active", "An offer is proceeded and locked."),
  AA_REQUIRED: info(
    "AA_REQUIRED",
    "bankStatements",
    "active",
    "The borrower shares bank statements (AA consent).",
  ),
  KYC_PENDING: info("KYC_PENDING", "kyc", "active", "The borrower completes KYC."),
  BANK_MANDATE_PENDING: info(
    "BANK_MANDATE_PENDING",
    "bankMandate",
    "active",
    "The borrower sets up the bank mandate.",
  ),
  E_MANDATE_PENDING: info(
    "E_MANDATE_PENDING",
    "eMandate",
    "active",
    "The borrower authorises the e-mandate.",
  ),
  LOAN_AGREEMENT_PENDING: info(
    "LOAN_AGREEMENT_PENDING",
    "loanAgreement",
    "active",
    "The borrower signs the agreement.",
  ),
  LENDER_PROCESSING: info(
    "LENDER_PROCESSING",
    "lenderProcessing",
    "passive",
    "The lender processes the loan.",
  ),
  DISBURSED: info("DISBURSED", "disbursed", "passive", "Disbursed; closes when repaid or foreclosed."),
  REJECTED: info("REJECTED", "rejected", "none", "Ended: rejected."),
  EXPIRED: info("EXPIRED", "expired", "none", "Ended: expired."),
  CLOSED: info("CLOSED", "closed", "none", "Ended: closed."),
};

function info(status: JourneyStatus, screen: Screen, band: CadenceBand, description: string): StatusInfo {
  return { stateClass: stateClass(status), screen, band, description };
}

/** The machine's own state before any snapshot is known: it fetches the journey's state at once. */
export const LOADING_INFO = {
  screen: "loading",
  description: "No snapshot yet; the first poll runs at once.",
} as const;

/** The thirteen lifecycle statuses, re-exported for the machine's folder. */
export const LIFECYCLE_STATUSES = LIFECYCLE;
/** The three end statuses, re-exported for the machine's folder. */
export const END_STATUSES = ENDED_STATUSES;
