import type {
  AaConsent,
  Diagnostics,
  JourneyData,
  JourneyStateData,
  JourneyStatus,
  JourneySummary,
  Loan,
  NextAction,
  Offer,
  ProfileStatus,
  Resource,
  Step,
  StepKind,
  StepStatus,
} from "../contract/index.js";
import { isEnded } from "../contract/index.js";
import type { CancelTimer } from "./clock.js";
import type { Scenario } from "./scenarios.js";

/** The sandbox's server-side record of a step, with what it needs beyond the wire shape. */
export interface StepRecord {
  readonly id: string;
  readonly kind: StepKind;
  status: StepStatus;
  attempts: number;
  updatedAt: string;
  resource: Resource | undefined;
  failure: { reasonCode: string; retryable: boolean } | undefined;
  /** The hosted link currently behind the step's REDIRECT resource. */
  linkToken: string | undefined;
  /** The AA consent behind the step's resource (AA_CONSENT only). */
  consentID: string | undefined;
}

/** The sandbox's record of a loan after disbursal. */
export interface LoanRecord {
  loan: Loan;
  /** `YYYY-MM-DD` of disbursal: instalments fall due monthly from it. */
  readonly disbursedOn: string;
  /** How many instalments are paid. */
  paidThrough: number;
}

/** The sandbox's server-side record of a journey: everything the wire views are derived from. */
export interface JourneyRecord {
  readonly id: string;
  readonly partnerKey: string;
  readonly borrowerExternalID: string;
  readonly scenario: Scenario;
  readonly createdAt: string;
  readonly returnUrl: string;
  status: JourneyStatus;
  version: number;
  updatedAt: string;
  /** Idle expiry, ms since epoch. */
  expiresAtMs: number;
  profileStatus: ProfileStatus;
  offers: Offer[];
  lockedOfferID: string | undefined;
  steps: StepRecord[];
  consents: Map<string, AaConsent>;
  loan: LoanRecord | undefined;
  diagnostics: Diagnostics;
  /** The correlation id of the last call that changed the journey; carried into the webhooks it causes. */
  correlationID: string | undefined;
  /** KYC failures still to inject (the `kyc-retry` scenario). */
  kycFailuresLeft: number;
  /** Pending lifecycle timers, cancelled when the journey ends. */
  readonly timers: Set<CancelTimer>;
  idleTimer: CancelTimer | undefined;
  /** When the journey ended (REJECTED, EXPIRED, CLOSED), sandbox ms; dropped `limits.endedJourneyTtl` later. */
  endedAtMs: number | undefined;
  /** The tokens of the hosted links issued for the journey, oldest first (the newest few are kept). */
  readonly linkTokens: string[];
}

const STEP_STATUS: Readonly<Record<StepKind, JourneyStatus>> = {
  AA_CONSENT: "AA_REQUIRED",
  KYC: "KYC_PENDING",
  BANK_MANDATE: "BANK_MANDATE_PENDING",
  E_MANDATE: "E_MANDATE_PENDING",
  LOAN_AGREEMENT: "LOAN_AGREEMENT_PENDING",
};

/** The journey status while a step of `kind` is current. */
export function statusForStep(kind: StepKind): JourneyStatus {
  return STEP_STATUS[kind];
}

/** How the borrower acts on a step of `kind`. */
export function actionKindFor(kind: StepKind): "REDIRECT" | "FORM" | "DOCUMENT" {
  if (kind === "BANK_MANDATE") return "FORM";
  if (kind === "LOAN_AGREEMENT") return "DOCUMENT";
  return "REDIRECT";
}

/** The step the journey's status points at, if it is in a step state. */
export function currentStep(journey: JourneyRecord): StepRecord | undefined {
  return journey.steps.find((step) => STEP_STATUS[step.kind] === journey.status);
}

/** The wire view of a step. */
export function stepView(step: StepRecord): Step {
  const actionRequired: Step["actionRequired"] =
    step.status === "COMPLETED"
      ? "NONE"
      : step.status === "IN_PROGRESS" || step.status === "PENDING"
        ? "WAIT"
        : actionKindFor(step.kind);
  return {
    id: step.id,
    kind: step.kind,
    status: step.status,
    actionRequired,
    ...(step.resource ? { resource: step.resource } : {}),
    attempts: step.attempts,
    updatedAt: step.updatedAt,
    ...(step.failure ? { failure: step.failure } : {}),
  };
}

/**
 * The platform's `nextAction` string for a journey [L3] [L4]: `VIEW_OFFERS` (the one value the docs show [L6])
 * while offers wait for a choice, else a modelled instruction (`SUBMIT_PROFILE`, `COMPLETE_STEP`, `RESUME`,
 * `WAIT`; see `NEXT_ACTIONS`), `null` when there is nothing to do.
 */
function nextActionOf(journey: JourneyRecord): NextAction {
  if (isEnded(journey.status)) return null;
  switch (journey.status) {
    case "PROFILE_REQUIRED":
      return "SUBMIT_PROFILE";
    case "OFFERS_AVAILABLE":
      return "VIEW_OFFERS";
    case "DISBURSED":
      return null;
    case "STARTED":
    case "PROFILE_SUBMITTED":
    case "OFFERS_PENDING":
    case "OFFER_SELECTED":
    case "LENDER_PROCESSING":
      return "WAIT";
  }
  const step = currentStep(journey);
  if (!step) return "WAIT";
  if (step.status === "EXPIRED") return "RESUME";
  if (step.status === "IN_PROGRESS" || step.status === "PENDING" || step.status === "COMPLETED")
    return "WAIT";
  return "COMPLETE_STEP";
}

/** The state of a journey as the sandbox sends it, its id always named (`GET /state`, webhooks). */
export type SandboxJourneyState = JourneyStateData & { readonly journeyID: string };

/** The wire state of a journey (`GET /state`, webhooks): no order key (the answer's `timestamp` is it). */
export function snapshotView(journey: JourneyRecord): SandboxJourneyState {
  const step = currentStep(journey);
  const acting = step && (step.status === "ACTION_REQUIRED" || step.status === "FAILED");
  const showsExpiry = !isEnded(journey.status) && journey.status !== "DISBURSED";
  return {
    journeyID: journey.id,
    status: journey.status,
    nextAction: nextActionOf(journey),
    ...(acting
      ? {
          actionRequired: {
            stepID: step.id,
            kind: actionKindFor(step.kind),
            ...(step.resource && step.status === "ACTION_REQUIRED" ? { resource: step.resource } : {}),
          },
        }
      : {}),
    ...(journey.lockedOfferID ? { lockedOfferID: journey.lockedOfferID } : {}),
    ...(journey.offers.length > 0 ? { offerCount: journey.offers.length } : {}),
    diagnostics: { ...journey.diagnostics },
    updatedAt: journey.updatedAt,
    ...(showsExpiry ? { expiresAt: new Date(journey.expiresAtMs).toISOString() } : {}),
  };
}

/** `{ journeyID, status, nextAction }`: what session bootstrap and journey creation answer [L3] [L4]. */
export function journeySummary(journey: JourneyRecord): JourneySummary {
  return { journeyID: journey.id, status: journey.status, nextAction: nextActionOf(journey) };
}

/** The wire view of the full journey (`GET /journeys/{id}`, resume). */
export function journeyView(journey: JourneyRecord): JourneyData {
  return {
    ...snapshotView(journey),
    createdAt: journey.createdAt,
    borrower: { borrowerExternalID: journey.borrowerExternalID },
    profileStatus: journey.profileStatus,
    offers: journey.offers.map((offer) => ({ ...offer })),
    steps: journey.steps.map(stepView),
  };
}
