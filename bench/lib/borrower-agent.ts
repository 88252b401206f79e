import type { JourneyRuntime, JourneyView } from "../../src/runtime/index.js";
import { benchProfile } from "../memory/mid-journey.js";

/** The bank-mandate FORM data the sandbox accepts. */
export const MANDATE_DATA = {
  accountHolderName: "Asha Rao",
  accountNumber: "123456789012",
  ifsc: "HDFC0001234",
  accountType: "SAVINGS",
} as const;

/** What the borrower does next on `view`, or `null` when there is nothing to do (waiting on the platform). */
export type BorrowerMove =
  | { readonly kind: "intent"; readonly run: (runtime: JourneyRuntime) => ReturnType<JourneyRuntime["send"]> }
  /** Finishing a hosted page (REDIRECT step): the platform hears it, not the app. */
  | { readonly kind: "hosted" }
  /** A retryable mutation failed: send it again with its key. */
  | { readonly kind: "retry" };

/**
 * A scripted borrower who always goes forward: profile, the first selectable offer, AA consent (START, then the
 * hosted page), KYC and e-mandate on their hosted pages, the mandate FORM, the agreement DOCUMENT.
 * `phone` picks the sandbox scenario; `at` is the consent time.
 */
export function nextMove(view: JourneyView, phone: string, at: () => string): BorrowerMove | null {
  if (view.pendingMutation !== null || view.isLoading || view.isRefetching || view.isEnded) return null;
  if (view.error?.origin === "mutation" && view.can.retry) return { kind: "retry" };
  switch (view.status) {
    case "PROFILE_REQUIRED":
      return view.can.submitProfile
        ? {
            kind: "intent",
            run: (r) =>
              r.send({ type: "profile.submit", bureauConsent: true, profile: benchProfile(phone, at()) }),
          }
        : null;
    case "OFFERS_AVAILABLE": {
      const offer = view.offers.find((o) => o.selectable);
      return offer
        ? { kind: "intent", run: (r) => r.send({ type: "offer.select", offerID: offer.id }) }
        : null;
    }
    default:
      break;
  }
  if (view.nextAction !== "COMPLETE_STEP" || view.actionRequired === null) return null;
  switch (view.status) {
    case "AA_REQUIRED":
      return view.resource === null
        ? { kind: "intent", run: (r) => r.send({ type: "step.start" }) }
        : { kind: "hosted" };
    case "KYC_PENDING":
    case "E_MANDATE_PENDING":
      return { kind: "hosted" };
    case "BANK_MANDATE_PENDING":
      return { kind: "intent", run: (r) => r.send({ type: "step.submit", data: { ...MANDATE_DATA } }) };
    case "LOAN_AGREEMENT_PENDING":
      return { kind: "intent", run: (r) => r.send({ type: "step.submit", data: { accepted: true } }) };
    default:
      return null;
  }
}
