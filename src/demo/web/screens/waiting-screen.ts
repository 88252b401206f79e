/** Waiting screens: the platform or a lender is working; the status stays live (polling and push). */
import { createElement as h } from "react";
import type { JourneyView } from "../../../runtime/index.js";
import { humanize } from "../format.js";

const MESSAGES: Readonly<Record<string, string>> = {
  loading: "Loading your application…",
  starting: "Getting your application ready…",
  profileReview: "Checking your profile…",
  waitingForOffers: "Asking lenders for offers. This usually takes a moment…",
  offerConfirmed: "Your offer is locked. Preparing the next steps…",
  lenderProcessing: "The lender is processing your loan…",
};

/** A spinner, the message, and the live status: which status, and when the app checks again. */
export function Waiting({ view, message }: { view: JourneyView; message: string }) {
  return h(
    "div",
    { className: "waiting", "aria-live": "polite" },
    h("div", { className: "spinner", "aria-hidden": true }),
    h("p", null, message),
    h(
      "p",
      { className: "muted", "data-testid": "live-status" },
      view.status === null ? "Connecting…" : `Status: ${humanize(view.status)}`,
      view.pollInMs !== null && view.pollInMs > 0
        ? ` · checking again in ${Math.round(view.pollInMs / 1000)} s`
        : "",
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
