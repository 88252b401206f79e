/** The ends: REJECTED, EXPIRED, CLOSED, with the platform's reason (never personal data). */
import { createElement as h } from "react";
import type { JourneyView } from "../../../runtime/index.js";

const TITLES: Readonly<Record<string, string>> = {
  rejected: "We could not offer you a loan this time",
  expired: "Your application expired",
  closed: "Your loan is closed",
};

/** The platform's reason codes in the borrower's words; an unknown one is not shown as a code. */
const REASONS: Readonly<Record<string, string>> = {
  UNDERWRITING_DECLINED:
    "The lenders could not approve a loan on these details right now. This does not stop you applying again later.",
  OFFERS_EXPIRED: "The offers lapsed before one was chosen.",
  JOURNEY_IDLE_TIMEOUT: "The application was left unfinished for too long, so it was closed.",
  LOAN_REPAID: "You have repaid your loan in full.",
};

/** What comes next after each end, and how the way to start over is offered. */
const NEXT: Readonly<Record<string, { readonly lead: string; readonly again: string }>> = {
  rejected: { lead: "You can apply again when your circumstances change.", again: "Apply again later" },
  expired: {
    lead: "You can start a new application whenever you are ready.",
    again: "Start a new application",
  },
  closed: { lead: "Thank you for borrowing with us.", again: "Apply for another loan" },
};

/**
 * An ended journey: what happened, in plain words (the platform's message when it sends one, else the reason's
 * own sentence), and a calm way to start over: a secondary button, never pressed for the borrower.
 */
export function EndedScreen({ view, onStartOver }: { view: JourneyView; onStartOver: () => void }) {
  const { reasonCode, message } = view.diagnostics;
  const reason = reasonCode ? REASONS[reasonCode] : undefined;
  const next = NEXT[view.screen] ?? { lead: "", again: "Start a new application" };
  return h(
    "section",
    { className: "card" },
    h("h2", null, TITLES[view.screen] ?? "Application ended"),
    reason ? h("p", null, reason) : message ? h("p", null, message) : null,
    next.lead ? h("p", { className: "muted" }, next.lead) : null,
    h("button", { type: "button", className: "secondary", onClick: onStartOver }, next.again),
  );
}
