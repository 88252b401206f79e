/** The journeys the sandbox can play, chosen per borrower when their journey is created. */
export type ScenarioName =
  | "happy"
  | "rejected"
  | "no-aa"
  | "kyc-retry"
  | "offers-expire"
  | "idle-expiry"
  | "closure";

/** A scenario, its magic values (like test card numbers) and where it ends. */
export interface Scenario {
  readonly name: ScenarioName;
  /** Borrower phone that selects it. */
  readonly phone: string;
  /** Borrower borrowerExternalID prefix that selects it (`<prefix>` or `<prefix>-anything`). */
  readonly externalIdPrefix: string;
  /** What happens, in a sentence. */
  readonly description: string;
  /** The status the journey ends in when the borrower does what is asked. */
  readonly end: "DISBURSED" | "REJECTED" | "EXPIRED" | "CLOSED";
}

/** Every scenario; the first is the default for any borrower that matches no magic value. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: "happy",
    phone: "+919000000000",
    externalIdPrefix: "sbx-happy",
    description: "Offers from 2–4 lenders; AA consent, KYC, bank mandate, e-mandate, agreement; disbursed.",
    end: "DISBURSED",
  },
  {
    name: "rejected",
    phone: "+919000000001",
    externalIdPrefix: "sbx-rejected",
    description: "Every lender declines at underwriting: OFFERS_PENDING → REJECTED (UNDERWRITING_DECLINED).",
    end: "REJECTED",
  },
  {
    name: "no-aa",
    phone: "+919000000002",
    externalIdPrefix: "sbx-no-aa",
    description: "The lenders need no bank statements: AA_REQUIRED is skipped, OFFER_SELECTED → KYC_PENDING.",
    end: "DISBURSED",
  },
  {
    name: "kyc-retry",
    phone: "+919000000003",
    externalIdPrefix: "sbx-kyc-retry",
    description: "The first KYC attempt fails (KYC_MISMATCH, retryable); START again and the retry succeeds.",
    end: "DISBURSED",
  },
  {
    name: "offers-expire",
    phone: "+919000000004",
    externalIdPrefix: "sbx-offers-expire",
    description:
      "Offers are valid for `shortOfferValidity` only; unselected, they expire and the journey EXPIRES.",
    end: "EXPIRED",
  },
  {
    name: "idle-expiry",
    phone: "+919000000005",
    externalIdPrefix: "sbx-idle",
    description: "The journey expires after `shortJourneyIdleTimeout` without a borrower mutation.",
    end: "EXPIRED",
  },
  {
    name: "closure",
    phone: "+919000000006",
    externalIdPrefix: "sbx-closure",
    description: "Like happy, then the loan is repaid `loanClosure` after disbursal: DISBURSED → CLOSED.",
    end: "CLOSED",
  },
];

/** The last 10 digits of a contact number, so `9000000001` and `+919000000001` are the same [L13]. */
function tenDigits(phone: string | undefined): string | undefined {
  const digits = phone?.replace(/\D/g, "") ?? "";
  return digits.length >= 10 ? digits.slice(-10) : undefined;
}

/**
 * Picks the scenario for a borrower from their contact number (10 digits or `+91…`), then their
 * borrowerExternalID prefix; default `happy`. Never throws.
 */
export function scenarioFor(borrower: { borrowerExternalID: string; phone?: string | undefined }): Scenario {
  const phone = tenDigits(borrower.phone);
  const byPhone = phone === undefined ? undefined : SCENARIOS.find((s) => tenDigits(s.phone) === phone);
  if (byPhone) return byPhone;
  const id = borrower.borrowerExternalID.toLowerCase();
  const byPrefix = SCENARIOS.find(
    (s) => id === s.externalIdPrefix || id.startsWith(`${s.externalIdPrefix}-`),
  );
  return byPrefix ?? (SCENARIOS[0] as Scenario);
}
