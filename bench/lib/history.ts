import type { Journey, JourneySnapshot, JourneyStatus, Resource } from "../../src/contract/index.js";

const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
const RETURN_URL = "https://partner.example/return";

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function redirect(journeyID: string, stepID: string, at: number): Resource {
  return {
    type: "REDIRECT",
    url: `https://sandbox.example/hosted/r/${journeyID}-${stepID}`,
    returnUrl: RETURN_URL,
    expiresAt: iso(at + 10 * 60_000),
  };
}

const MANDATE_FORM: Resource = {
  type: "FORM",
  fields: [
    { name: "accountHolderName", label: "Account holder", kind: "text", required: true },
    { name: "accountNumber", label: "Account number", kind: "text", required: true, pattern: "^\\d{9,18}$" },
    { name: "ifsc", label: "IFSC", kind: "text", required: true, pattern: "^[A-Z]{4}0[A-Z0-9]{6}$" },
    {
      name: "accountType",
      label: "Account type",
      kind: "select",
      required: true,
      options: [
        { value: "SAVINGS", label: "Savings" },
        { value: "CURRENT", label: "Current" },
      ],
    },
  ],
};

interface Stage {
  readonly status: JourneyStatus;
  /** The step the borrower acts on, and how; a second snapshot in the same status follows while it processes. */
  readonly step?: { readonly id: string; readonly resource: (journeyID: string, at: number) => Resource };
}

const STAGES: readonly Stage[] = [
  { status: "STARTED" },
  { status: "PROFILE_REQUIRED" },
  { status: "PROFILE_SUBMITTED" },
  { status: "OFFERS_PENDING" },
  { status: "OFFERS_AVAILABLE" },
  { status: "OFFER_SELECTED" },
  { status: "AA_REQUIRED", step: { id: "stp_aa0001", resource: (j, at) => redirect(j, "aa", at) } },
  { status: "KYC_PENDING", step: { id: "stp_kyc001", resource: (j, at) => redirect(j, "kyc", at) } },
  { status: "BANK_MANDATE_PENDING", step: { id: "stp_bm0001", resource: () => MANDATE_FORM } },
  { status: "E_MANDATE_PENDING", step: { id: "stp_em0001", resource: (j, at) => redirect(j, "em", at) } },
  {
    status: "LOAN_AGREEMENT_PENDING",
    step: {
      id: "stp_la0001",
      resource: (j, at) => ({
        type: "DOCUMENT",
        url: `https://sandbox.example/hosted/documents/${j}-agreement.pdf`,
        mimeType: "application/pdf",
        expiresAt: iso(at + 3_600_000),
      }),
    },
  },
  { status: "LENDER_PROCESSING" },
  { status: "DISBURSED" },
];

function nextActionOf(stage: Stage, processing: boolean): JourneySnapshot["nextAction"] {
  switch (stage.status) {
    case "PROFILE_REQUIRED":
      return "SUBMIT_PROFILE";
    case "OFFERS_AVAILABLE":
      return "VIEW_OFFERS";
    case "DISBURSED":
      return null;
    case "OFFERS_PENDING":
    case "LENDER_PROCESSING":
      return "WAIT";
    default:
      if (stage.step && !processing) return "COMPLETE_STEP";
      return "WAIT";
  }
}

/**
 * Every snapshot of one happy journey as the platform would publish it, asOfs 1, 2, 3…: each lifecycle
 * status, and for each borrower step a second snapshot in the same status once the step is processing
 * (asOfs bump on every change, not only on status changes). Realistic payloads: resources, offer count,
 * the lock, diagnostics, timestamps. 18 snapshots.
 */
export function happyHistory(journeyID: string): JourneySnapshot[] {
  const snapshots: JourneySnapshot[] = [];
  let at = T0;
  const expiresAt = iso(T0 + 30 * 86_400_000);
  for (const stage of STAGES) {
    const afterLock = snapshots.some((s) => s.status === "OFFER_SELECTED");
    const phases = stage.step ? [false, true] : [false];
    for (const processing of phases) {
      at += 1_500;
      const snapshot: JourneySnapshot = {
        journeyID,
        asOf: snapshots.length + 1,
        status: stage.status,
        nextAction: nextActionOf(stage, processing),
        ...(stage.step && !processing
          ? {
              actionRequired: {
                stepID: stage.step.id,
                kind: stage.step.resource(journeyID, at).type as "REDIRECT" | "FORM" | "DOCUMENT",
                resource: stage.step.resource(journeyID, at),
              },
            }
          : {}),
        ...(afterLock || stage.status === "OFFER_SELECTED" ? { lockedOfferID: "ofr_sbank001" } : {}),
        ...(snapshots.some((s) => s.status === "OFFERS_PENDING") && stage.status !== "OFFERS_PENDING"
          ? { offerCount: 3 }
          : {}),
        diagnostics: processing
          ? { reasonCode: "STEP_PROCESSING", message: "The step is being verified.", at: iso(at) }
          : {},
        updatedAt: iso(at),
        expiresAt,
      };
      snapshots.push(snapshot);
    }
  }
  return snapshots;
}

/** Epoch ms of the first snapshot of {@link happyHistory}. */
export const HISTORY_START_MS = T0;

/**
 * The full journey (`GET /journeys/{id}`) at `snapshot`: three offers and the five steps, as a host loads it
 * when the reducer asks for the offers.
 */
export function journeyAt(snapshot: JourneySnapshot): Journey {
  const lenders = [
    ["ofr_sbank001", "Sandbox Bank", 14, 24],
    ["ofr_tfin0001", "Test Finance", 16.5, 36],
    ["ofr_democ001", "Demo Capital", 18, 12],
  ] as const;
  const offerExpiry = iso(snapshot.asOf + 15 * 86_400_000);
  return {
    ...snapshot,
    createdAt: iso(T0),
    borrower: { borrowerExternalID: `user-${snapshot.journeyID}` },
    profileStatus: "VERIFIED",
    offers: lenders.map(([id, name, rate, months]) => ({
      id,
      lender: { name, logoUrl: `https://sandbox.example/hosted/lenders/${id}.svg` },
      principal: money(20_000_000),
      interestRate: rate,
      apr: rate + 1.4,
      tenureMonths: months,
      emi: money(Math.round(20_000_000 / months) + 150_000),
      processingFee: money(300_000),
      netDisbursed: money(19_700_000),
      totalRepayable: money(23_000_000),
      expiresAt: offerExpiry,
      status: "AVAILABLE" as const,
      kfsUrl: `https://sandbox.example/hosted/documents/${id}-kfs.pdf`,
    })),
    steps: (["AA_CONSENT", "KYC", "BANK_MANDATE", "E_MANDATE", "LOAN_AGREEMENT"] as const).map((kind, i) => ({
      id: `stp_${kind.toLowerCase().replace("_", "")}${i}`,
      kind,
      status: "PENDING" as const,
      actionRequired: "NONE" as const,
      attempts: 0,
      updatedAt: iso(snapshot.asOf),
    })),
  };
}

function money(amount: number) {
  return { amount, currency: "INR" as const };
}
