/** The ends: REJECTED, EXPIRED, CLOSED, with the platform's reason (never personal data). */
import { createElement as h } from "react";
import type { JourneyView } from "../../../runtime/index.js";
import { humanize } from "../format.js";

const TITLES: Readonly<Record<string, string>> = {
  rejected: "We could not offer you a loan this time",
  expired: "Your application expired",
  closed: "Your loan is closed",
};

/** An ended journey: what happened and a way to start a new application. */
export function EndedScreen({ view, onStartOver }: { view: JourneyView; onStartOver: () => void }) {
  const { reasonCode, message } = view.diagnostics;
  return h(
    "section",
    { className: "card" },
    h("h2", null, TITLES[view.screen] ?? "Application ended"),
    message ? h("p", null, message) : null,
    reasonCode ? h("p", { className: "muted" }, `Reason: ${humanize(reasonCode)}`) : null,
    h("button", { type: "button", onClick: onStartOver }, "Start a new application"),
  );
}
