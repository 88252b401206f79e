/** The strip above every screen: where the journey is, the live status, and any error to act on. */
import { createElement as h } from "react";
import { LIFECYCLE } from "../../../contract/index.js";
import type { JourneyRuntime, JourneyView } from "../../../runtime/index.js";
import { humanize } from "../format.js";
import { statusText } from "../status-copy.js";

const BORROWER_STEPS = LIFECYCLE.filter((s) => s !== "STARTED");

/** Progress through the lifecycle, labelled ("Step 4 of 12: Choose an offer"), and the live status line. */
export function StatusBar({ view }: { view: JourneyView }) {
  const at =
    view.status === null ? -1 : BORROWER_STEPS.indexOf(view.status as (typeof BORROWER_STEPS)[number]);
  const label =
    at < 0
      ? statusText(view.status)
      : `Step ${at + 1} of ${BORROWER_STEPS.length}: ${statusText(view.status)}`;
  return h(
    "div",
    { className: "status-bar" },
    h("progress", {
      max: BORROWER_STEPS.length - 1,
      value: Math.max(0, at),
      "aria-label": "Application progress",
      "aria-valuetext": label,
    }),
    h(
      "p",
      { className: "muted", "data-testid": "status" },
      // Green only while the journey lives: grey once it has ended, red while offline.
      h("span", {
        className: view.isOffline ? "dot off" : view.isEnded ? "dot ended" : "dot",
        "aria-hidden": true,
      }),
      label,
      view.isOffline ? " · offline: we will carry on when you are back online" : "",
    ),
  );
}

/** The last error the borrower should see (field errors are shown by their form), with a retry when it helps. */
export function ErrorBanner({ view, runtime }: { view: JourneyView; runtime: JourneyRuntime }) {
  if (view.isSessionExpired)
    return h("p", { className: "error", role: "alert" }, "Your session expired. Sign in again to continue.");
  const error = view.error;
  if (error === null || error.fieldErrors?.length || error.code === "OFFER_LOCK_CONFLICT") return null;
  return h(
    "p",
    { className: "error", role: "alert", "data-testid": "error" },
    `${humanize(error.code)}${error.detail ? `: ${error.detail}` : ""}`,
    view.can.retry
      ? h(
          "button",
          { type: "button", className: "link", onClick: () => runtime.send({ type: "mutation.retry" }) },
          "Retry",
        )
      : null,
  );
}
