/** DISBURSED: the loan and its repayment schedule (from the borrower client's loan endpoints). */
import { createElement as h, useEffect, useState } from "react";
import type { BorrowerClient } from "../../../client/index.js";
import type { Installment, Loan } from "../../../contract/index.js";
import type { JourneyView } from "../../../runtime/index.js";
import { formatDate, formatMoney, humanize } from "../format.js";

/** Props of {@link LoanScreen}. */
export interface LoanProps {
  readonly view: JourneyView;
  readonly client: BorrowerClient;
}

const DOCUMENT_NAMES: Readonly<Record<string, string>> = {
  LOAN_AGREEMENT: "Loan agreement",
  KFS: "Key fact statement",
  SANCTION_LETTER: "Sanction letter",
};

type LoanState =
  | { readonly kind: "loading" }
  | { readonly kind: "loaded"; readonly loan: Loan; readonly installments: readonly Installment[] }
  | { readonly kind: "failed"; readonly message: string };

/** The disbursed loan: amounts, documents and every instalment. */
export function LoanScreen({ view, client }: LoanProps) {
  const [state, setState] = useState<LoanState>({ kind: "loading" });
  useEffect(() => {
    let live = true;
    Promise.all([client.getLoan(view.journeyID), client.getSchedule(view.journeyID)]).then(
      ([loan, schedule]) => live && setState({ kind: "loaded", loan, installments: schedule.installments }),
      (error: unknown) =>
        live && setState({ kind: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [client, view.journeyID]);
  if (state.kind === "loading")
    return h(
      "section",
      { className: "card" },
      h("h2", null, "Your loan is disbursed"),
      h("p", null, "Loading your loan…"),
    );
  if (state.kind === "failed")
    return h(
      "section",
      { className: "card" },
      h("h2", null, "Your loan is disbursed"),
      h("p", { className: "error", role: "alert" }, state.message),
    );
  const { loan, installments } = state;
  const facts: Array<[string, string]> = [
    ["Loan", loan.loanID],
    ["Principal", formatMoney(loan.principal)],
    ["Paid to your account", formatMoney(loan.disbursedAmount)],
    ["Disbursed on", formatDate(loan.disbursedAt)],
    ["Interest", `${loan.interestRate}% a year (APR ${loan.apr}%)`],
    ["EMI", `${formatMoney(loan.emi)} × ${loan.tenureMonths} months`],
    ["Status", humanize(loan.status)],
  ];
  return h(
    "section",
    { className: "card" },
    h("h2", null, "Your loan is disbursed"),
    h(
      "dl",
      { className: "facts" },
      facts.map(([label, value]) => [
        h("dt", { key: `${label}-t` }, label),
        h("dd", { key: `${label}-d` }, value),
      ]),
    ),
    h(
      "p",
      null,
      loan.documents.map((d) =>
        h(
          "a",
          { key: d.kind, href: d.url, target: "_blank", rel: "noreferrer", className: "doc" },
          DOCUMENT_NAMES[d.kind] ?? humanize(d.kind),
        ),
      ),
    ),
    h("h3", null, "Repayment schedule"),
    h(
      "table",
      { className: "schedule" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["#", "Due", "EMI", "Principal", "Interest", "Status"].map((c) =>
            h("th", { key: c, className: DETAIL_COLUMNS.has(c) ? "detail" : undefined }, c),
          ),
        ),
      ),
      h(
        "tbody",
        null,
        installments.map((i) =>
          h(
            "tr",
            { key: i.seq },
            h("td", null, i.seq),
            h("td", null, formatDate(i.dueDate)),
            h("td", null, formatMoney(i.amount)),
            h("td", { className: "detail" }, formatMoney(i.principal)),
            h("td", { className: "detail" }, formatMoney(i.interest)),
            h("td", null, instalmentStatus(i.status, i.dueDate)),
          ),
        ),
      ),
    ),
  );
}

/** The schedule's columns a phone leaves out (each EMI is their sum): the rest fit 390 px. */
const DETAIL_COLUMNS = new Set(["Principal", "Interest"]);

/**
 * An instalment's state as the borrower reads it: an unpaid one in the future is "Upcoming", not "Not paid"
 * (which reads as overdue); an unpaid one whose day has passed is "Due".
 */
export function instalmentStatus(status: string, dueDate: string, today = new Date()): string {
  if (status === "NOT_PAID") return Date.parse(dueDate) > today.getTime() ? "Upcoming" : "Due";
  if (status === "DELAYED") return "Paid late";
  return humanize(status);
}
