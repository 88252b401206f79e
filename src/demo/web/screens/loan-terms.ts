/** An offer's terms as the borrower reads them: on the offers screen, and again before agreeing to the loan. */
import { createElement as h } from "react";
import type { Offer } from "../../../contract/index.js";
import { formatMoney } from "../format.js";

/** The offer's amount, interest and APR, tenure, EMI, fees, what the borrower receives and repays, as a list. */
export function LoanTerms({ offer }: { offer: Offer }) {
  const rows: Array<[string, string]> = [
    ["Loan amount", formatMoney(offer.principal)],
    ["Interest", `${offer.interestRate}% a year (APR ${offer.apr}%)`],
    ["Tenure", `${offer.tenureMonths} months`],
    ["EMI", formatMoney(offer.emi)],
    ["Processing fee", formatMoney(offer.processingFee)],
    ["You receive", formatMoney(offer.netDisbursed)],
    ["Total repayable", formatMoney(offer.totalRepayable)],
  ];
  return h(
    "dl",
    { className: "terms" },
    rows.map(([label, value]) => [
      h("dt", { key: `${label}-t` }, label),
      h("dd", { key: `${label}-d` }, value),
    ]),
  );
}
