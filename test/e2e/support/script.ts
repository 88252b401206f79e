/** A scripted borrower: reads the runtime's view and does what a person at the app would do next. */
import { completeHostedPage, nextMove } from "../../../src/cli/demo/borrower.js";
import type { JourneyRuntime, JourneyView } from "../../../src/runtime/index.js";
import { profileFixture } from "../../../src/testing/fixtures.js";
import type { Harness } from "./harness.js";

/** How the borrower finishes a REDIRECT step: on the hosted page, or through the sandbox's control API. */
export type RedirectMode = "hosted" | "control";

/** What the borrower did, in order (for assertions and failure messages). */
export interface ScriptLog {
  readonly moves: string[];
}

/** A valid bank-mandate FORM. */
export const MANDATE_FORM = {
  accountHolderName: "Asha Rao",
  accountNumber: "123456789012",
  ifsc: "HDFC0001234",
  accountType: "SAVINGS",
} as const;

function quiet(view: JourneyView): boolean {
  return !view.isLoading && view.pendingMutation === null && !view.isRefetching;
}

/**
 * Plays the borrower until the journey is DISBURSED or ended: profile, the first selectable offer (or
 * `pickOffer`), every step by its kind, `mutation.retry` after a retryable failure. Each move waits for a
 * snapshot newer than the one it acted on, as a person waits for the screen to change.
 */
export async function playBorrower(
  harness: Harness,
  runtime: JourneyRuntime,
  journeyID: string,
  options: { redirect?: RedirectMode; log?: ScriptLog; until?: (view: JourneyView) => boolean } = {},
): Promise<JourneyView> {
  const redirect = options.redirect ?? "hosted";
  const moves = options.log?.moves ?? [];
  const until = options.until ?? ((v: JourneyView) => v.isEnded || v.status === "DISBURSED");
  let actedAt = -1;
  const ready = (v: JourneyView) =>
    until(v) || (quiet(v) && (v.can.retry || (v.asOf > actedAt && nextMove(v) !== null)));
  for (;;) {
    await harness.drive(() => ready(runtime.view()), {
      what: () =>
        `${JSON.stringify(runtime.view().status)} v${runtime.view().asOf}; moves ${moves.join(", ")}`,
    });
    const view = runtime.view();
    if (until(view)) return view;
    if (view.can.retry) {
      moves.push(`retry ${view.error?.code}`);
      runtime.send({ type: "mutation.retry" });
      continue;
    }
    const move = nextMove(view);
    if (move === null) continue;
    actedAt = view.asOf;
    moves.push(`${view.status}:${move}`);
    switch (move) {
      case "profile":
        runtime.send({
          type: "profile.submit",
          bureauConsent: true,
          profile: profileFixture(),
        });
        break;
      case "offer": {
        const offer = view.offers.find((o) => o.selectable);
        if (offer) runtime.send({ type: "offer.select", offerID: offer.id });
        break;
      }
      case "start":
        runtime.send({ type: "step.start" });
        break;
      case "redirect": {
        const resource = view.resource;
        if (resource?.type !== "REDIRECT") break;
        if (redirect === "hosted") await completeHostedPage(resource.url, resource.returnUrl);
        else harness.sandbox.control.completeStep(journeyID, view.actionRequired?.stepID);
        runtime.send({ type: "step.returned" });
        break;
      }
      case "form":
        runtime.send({ type: "step.submit", data: { ...MANDATE_FORM } });
        break;
      case "document":
        runtime.send({ type: "step.submit", data: { accepted: true } });
        break;
      case "resume":
        runtime.send({ type: "journey.resume" });
        break;
    }
  }
}
