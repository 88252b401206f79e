/** Waiting screens: the platform or a lender is working; the status stays live (polling and push). */
import { createElement as h } from "react";
import type { JourneyView } from "../../../runtime/index.js";
import { statusText } from "../status-copy.js";

const MESSAGES: Readonly<Record<string, string>> = {
  loading: "Loading your application…",
  starting: "Getting your application ready…",
  profileReview: "Checking your profile…",
  waitingForOffers: "Asking lenders for offers. This usually takes a moment…",
  offerConfirmed: "Your offer is locked. Preparing the next steps…",
  lenderProcessing: "The lender is processing your loan…",
};

/**
 * A spinner, the message, and the live status in the borrower's words. No countdown: updates arrive as soon as
 * the platform moves (pushed, or by the next poll), so "checking again in 61 s" would say what is not so.
 */
export function Waiting({ view, message }: { view: JourneyView; message: string }) {
  return h(
    "div",
    { className: "waiting", "aria-live": "polite" },
    h("div", { className: "spinner", "aria-hidden": true }),
    h("p", null, message),
    h(
      "p",
      { className: "muted", "data-testid": "live-status" },
      `${statusText(view.status)}. This page updates by itself as soon as anything changes.`,
    ),
  );
}

/** A full waiting screen for a status where the borrower has nothing to do. */
export function WaitingScreen({ view }: { view: JourneyView }) {
  return h(
    "section",
    { className: "card" },
    h("h2", null, "Please wait"),
    h(Waiting, { view, message: MESSAGES[view.screen] ?? "Working on it…" }),
  );
}
