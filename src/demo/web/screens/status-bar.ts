/** The strip above every screen: where the journey is, the live status, and any error to act on. */
import { createElement as h } from "react";
import { LIFECYCLE } from "../../../contract/index.js";
import type { JourneyRuntime, JourneyView } from "../../../runtime/index.js";
import { humanize } from "../format.js";

const BORROWER_STEPS = LIFECYCLE.filter((s) => s !== "STARTED");

/** Progress through the lifecycle, and the live status line. */
export function StatusBar({ view }: { view: JourneyView }) {
  const at =
    view.status === null ? -1 : BORROWER_STEPS.indexOf(view.status as (typeof BORROWER_STEPS)[number]);
  return h(
    "div",
    { className: "status-bar" },
    h("progress", { max: BORROWER_STEPS.length - 1, value: Math.max(0, at) }),
    h(
      "p",
      { className: "muted", "data-testid": "status" },
      h("span", { className: view.isOffline ? "dot off" : "dot" }),
      view.status === null ? "Connecting" : humanize(view.status),
      view.isOffline ? " · offline" : "",
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
