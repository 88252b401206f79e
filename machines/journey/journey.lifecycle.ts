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
  STARTED: info(
    "STARTED",
    "starting",
    "active",
    "Journey created; the platform is preparing the profile step.",
  ),
  PROFILE_REQUIRED: info(
    "PROFILE_REQUIRED",
    "profile",
    "passive",
    "The borrower must submit their profile (profile.submit).",
  ),
  PROFILE_SUBMITTED: info(
    "PROFILE_SUBMITTED",
    "profileReview",
    "active",
    "Profile received; the platform is checking it and pulling the bureau report.",
  ),
  OFFERS_PENDING: info(
    "OFFERS_PENDING",
    "waitingForOffers",
    "passive",
    "Waiting for lenders to answer with offers (a passive wait).",
  ),
  OFFERS_AVAILABLE: info(
    "OFFERS_AVAILABLE",
    "offers",
    "passive",
    "Offers are available; the borrower picks one (offer.select), guarded by the offer lock.",
  ),
  OFFER_SELECTED: info(
    "OFFER_SELECTED",
    "offerConfirmed",
    "active",
    "An offer was proceeded and is locked; the platform prepares the lender's steps.",
  ),
  AA_REQUIRED: info(
    "AA_REQUIRED",
    "bankStatements",
    "active",
    "The borrower shares bank statements through an account-aggregator consent (a hosted redirect).",
  ),
  KYC_PENDING: info(
    "KYC_PENDING",
    "kyc",
    "active",
    "The borrower completes KYC on the lender's hosted page.",
  ),
  BANK_MANDATE_PENDING: info(
    "BANK_MANDATE_PENDING",
    "bankMandate",
    "active",
    "The borrower sets up the bank account mandate for repayments.",
  ),
  E_MANDATE_PENDING: info(
    "E_MANDATE_PENDING",
    "eMandate",
    "active",
    "The borrower authorises the e-mandate (auto-debit) with their bank.",
  ),
  LOAN_AGREEMENT_PENDING: info(
    "LOAN_AGREEMENT_PENDING",
    "loanAgreement",
    "active",
    "The borrower reviews and signs the loan agreement.",
  ),
  LENDER_PROCESSING: info(
    "LENDER_PROCESSING",
    "lenderProcessing",
    "passive",
    "The lender is processing the signed loan before disbursal (a passive wait).",
  ),
  DISBURSED: info(
    "DISBURSED",
    "disbursed",
    "passive",
    "The loan is disbursed and being repaid; it closes when repaid or foreclosed.",
  ),
  REJECTED: info(
    "REJECTED",
    "rejected",
    "none",
    "Ended: the journey was rejected. Nothing changes any more.",
  ),
  EXPIRED: info("EXPIRED", "expired", "none", "Ended: the journey expired. Nothing changes any more."),
  CLOSED: info("CLOSED", "closed", "none", "Ended: the journey or loan is closed. Nothing changes any more."),
};

function info(status: JourneyStatus, screen: Screen, band: CadenceBand, description: string): StatusInfo {
  return { stateClass: stateClass(status), screen, band, description };
}

/** The machine's own state before any snapshot is known: it fetches the journey's state at once. */
export const LOADING_INFO = {
  screen: "loading",
  description: "No snapshot yet: the first poll fetches the journey's state immediately.",
} as const;

/** The thirteen lifecycle statuses, re-exported for the machine's folder. */
export const LIFECYCLE_STATUSES = LIFECYCLE;
/** The three end statuses, re-exported for the machine's folder. */
export const END_STATUSES = ENDED_STATUSES;
