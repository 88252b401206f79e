import * as z from "zod/mini";

/** The thirteen lifecycle states, in the order the platform moves through them. */
export const LIFECYCLE = [
  "STARTED",
  "PROFILE_REQUIRED",
  "PROFILE_SUBMITTED",
  "OFFERS_PENDING",
  "OFFERS_AVAILABLE",
  "OFFER_SELECTED",
  "AA_REQUIRED",
  "KYC_PENDING",
  "BANK_MANDATE_PENDING",
  "E_MANDATE_PENDING",
  "LOAN_AGREEMENT_PENDING",
  "LENDER_PROCESSING",
  "DISBURSED",
] as const;

/** The three ends: once reached, a journey never changes status again. */
export const ENDED_STATUSES = ["REJECTED", "EXPIRED", "CLOSED"] as const;

/** All sixteen public journey statuses. */
export const JOURNEY_STATUSES = [...LIFECYCLE, ...ENDED_STATUSES] as const;

/** A public journey status (16 values). */
export const JourneyStatus = z.enum(JOURNEY_STATUSES);
/** A public journey status (16 values). */
export type JourneyStatus = z.infer<typeof JourneyStatus>;
/** One of the thirteen lifecycle (non-end) statuses. */
export type LifecycleStatus = (typeof LIFECYCLE)[number];
/** One of the three end statuses. */
export type EndedStatus = (typeof ENDED_STATUSES)[number];

/**
 * How a status behaves for the borrower and for polling:
 * - `borrowerAction`: the borrower must do something (fill a form, pick an offer, complete a step);
 * - `activeWait`: the platform is working on something just submitted; expect a change in seconds;
 * - `passiveWait`: a long wait on a third party (lenders, disbursal, repayment);
 * - `ended`: nothing will change again.
 */
export type StateClass = "borrowerAction" | "activeWait" | "passiveWait" | "ended";

const STATE_CLASS: Readonly<Record<JourneyStatus, StateClass>> = {
  STARTED: "activeWait",
  PROFILE_REQUIRED: "borrowerAction",
  PROFILE_SUBMITTED: "activeWait",
  OFFERS_PENDING: "passiveWait",
  OFFERS_AVAILABLE: "borrowerAction",
  OFFER_SELECTED: "activeWait",
  AA_REQUIRED: "borrowerAction",
  KYC_PENDING: "borrowerAction",
  BANK_MANDATE_PENDING: "borrowerAction",
  E_MANDATE_PENDING: "borrowerAction",
  LOAN_AGREEMENT_PENDING: "borrowerAction",
  LENDER_PROCESSING: "passiveWait",
  DISBURSED: "passiveWait",
  REJECTED: "ended",
  EXPIRED: "ended",
  CLOSED: "ended",
};

/** The class of a status (see {@link StateClass}); never throws. */
export function stateClass(status: JourneyStatus): StateClass {
  return STATE_CLASS[status];
}

/** True for `REJECTED`, `EXPIRED` and `CLOSED`. */
export function isEnded(status: JourneyStatus): status is EndedStatus {
  return STATE_CLASS[status] === "ended";
}

/** Position of a lifecycle status (0 for `STARTED`), or -1 for an end. */
export function lifecycleIndex(status: JourneyStatus): number {
  return (LIFECYCLE as readonly string[]).indexOf(status);
}

/**
 * Whether the lifecycle expects a move from `from` to `to`: forward along the order (steps may be
 * skipped), any non-ended status to an end, `DISBURSED` to `CLOSED`, or staying put. Ends never move.
 */
export function isExpectedEdge(from: JourneyStatus, to: JourneyStatus): boolean {
  if (from === to) return true;
  if (isEnded(from)) return false;
  if (isEnded(to)) return to === "CLOSED" || from !== "DISBURSED";
  return lifecycleIndex(to) > lifecycleIndex(from);
}
