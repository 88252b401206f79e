import type { Offer } from "../contract/index.js";
import { amortise, aprPercent, emiPaise, inr } from "./money.js";
import type { SeededRandom } from "./random.js";

/** A sandbox lender and the terms it quotes. */
export interface SandboxLender {
  readonly name: string;
  readonly slug: string;
  readonly interestRate: number;
  readonly tenureMonths: number;
  /** Processing fee as a percent of the principal. */
  readonly feePercent: number;
  /** How many months of declared income it lends, at most. */
  readonly incomeMultiple: number;
}

/** The four sandbox lenders; a journey gets offers from 2–4 of them. */
export const SANDBOX_LENDERS: readonly SandboxLender[] = [
  {
    name: "Sandbox Bank",
    slug: "sandbox-bank",
    interestRate: 14,
    tenureMonths: 24,
    feePercent: 1.5,
    incomeMultiple: 10,
  },
  {
    name: "Test Finance",
    slug: "test-finance",
    interestRate: 16.5,
    tenureMonths: 36,
    feePercent: 2,
    incomeMultiple: 12,
  },
  {
    name: "Demo Capital",
    slug: "demo-capital",
    interestRate: 18,
    tenureMonths: 12,
    feePercent: 1,
    incomeMultiple: 6,
  },
  {
    name: "Mock Credit",
    slug: "mock-credit",
    interestRate: 21,
    tenureMonths: 48,
    feePercent: 2.5,
    incomeMultiple: 15,
  },
];

const MAX_PRINCIPAL_PAISE = 50_00_000_00; // ₹50 lakh
const MIN_PRINCIPAL_PAISE = 10_000_00; // ₹10,000

/** The money terms of one offer, all in paise: what {@link makeOffer} puts on the wire. */
export function offerTerms(lender: SandboxLender, monthlyIncomePaise: number) {
  // Principal: the income multiple, floored to whole ₹1,000 and kept inside the sandbox's band.
  const raw = Math.floor((monthlyIncomePaise * lender.incomeMultiple) / 1_000_00) * 1_000_00;
  const principal = Math.min(MAX_PRINCIPAL_PAISE, Math.max(MIN_PRINCIPAL_PAISE, raw));
  const processingFee = Math.round((principal * lender.feePercent) / 100);
  const netDisbursed = principal - processingFee;
  const rows = amortise(principal, lender.interestRate, lender.tenureMonths);
  const totalRepayable = rows.reduce((sum, row) => sum + row.amount, 0);
  return {
    principal,
    emi: emiPaise(principal, lender.interestRate, lender.tenureMonths),
    processingFee,
    netDisbursed,
    totalRepayable,
    apr: aprPercent(
      netDisbursed,
      rows.map((row) => row.amount),
    ),
  };
}

/** Builds an AVAILABLE offer from a lender for a borrower's monthly income; never throws for positive income. */
export function makeOffer(
  lender: SandboxLender,
  monthlyIncomePaise: number,
  id: string,
  expiresAt: string,
  baseUrl: string,
): Offer {
  const terms = offerTerms(lender, monthlyIncomePaise);
  return {
    id,
    lender: { name: lender.name, logoUrl: `${baseUrl}/hosted/lenders/${lender.slug}.svg` },
    principal: inr(terms.principal),
    interestRate: lender.interestRate,
    apr: terms.apr,
    tenureMonths: lender.tenureMonths,
    emi: inr(terms.emi),
    processingFee: inr(terms.processingFee),
    netDisbursed: inr(terms.netDisbursed),
    totalRepayable: inr(terms.totalRepayable),
    expiresAt,
    status: "AVAILABLE",
    kfsUrl: `${baseUrl}/hosted/documents/kfs-${id}`,
  };
}

/** Picks 2–4 distinct lenders, in catalogue order, with the seeded random. */
export function pickLenders(random: SeededRandom): SandboxLender[] {
  const count = random.int(2, SANDBOX_LENDERS.length);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(random.int(0, SANDBOX_LENDERS.length - 1));
  return [...chosen].sort((a, b) => a - b).map((i) => SANDBOX_LENDERS[i] as SandboxLender);
}
