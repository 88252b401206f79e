import type { EndpointName } from "./endpoints.js";

// Apart from ENDPOINTS, which the browser client bundles: these are documentation (the OpenAPI operations'
// summaries), and no request needs them. A new endpoint without a summary does not type-check.

/** One line on what each endpoint does, with the PLATFORM.md tags that document it: the OpenAPI `summary`. */
export const ENDPOINT_SUMMARIES: { readonly [Name in EndpointName]: string } = {
  createSession:
    "Bootstrap a borrower session [L4]; the answer names the borrower's active journey, or null.",
  refreshSession:
    "Sandbox extension (not documented by the platform): rotate a refresh token into a new pair.",
  createJourney: "Create a journey of a product for the session's borrower [L3].",
  listJourneys: "The borrower's journeys, as snapshots.",
  getJourney: "The full journey with offers and steps.",
  getJourneyState: "The journey snapshot; answers with an ETag and honours If-None-Match (304).",
  resumeJourney: "Resume: re-issues expired step resources. 409 INVALID_STATE on an ended journey.",
  getProfile: "The borrower's profile, with what was prefilled [L3] [L8].",
  upsertProfile: "Upsert any part of the borrower's profile [L3] [L8]; answers the whole profile.",
  submitProfile:
    "Submit the profile for the journey in PROFILE_REQUIRED [L3]; answers the journey's state (modelled).",
  listOffers: "The offers and the locked offer, if any.",
  proceedOffer:
    "Proceed with an offer; locks it. 409 OFFER_LOCK_CONFLICT for another offer, 410 OFFER_EXPIRED.",
  listSteps: "The steps of an offer [L3] (those of the proceeded offer; none for another).",
  getStep: "One step.",
  stepAction: "START, SUBMIT (with form data) or CONFIRM_RETURN on a step.",
  createConsent: "Create the account-aggregator consent for the AA step (or return the open one).",
  getConsent: "One account-aggregator consent.",
  getLoan: "The loan, after disbursal.",
  getSchedule: "The repayment schedule.",
  requestForeclosure: "A foreclosure quote with a payment link valid for 90 minutes.",
  getWebhookConfiguration:
    "Read Configuration [C1]: the application's webhook status and callback URL (the four fields of Subscribe, presumably; the page was not stored).",
  subscribeWebhooks:
    "Subscribe [C13]: sets the application's one callback URL (HTTPS) and switches delivery on; the signing secret is not in the answer.",
  unsubscribeWebhooks:
    "Un-Subscribe [C14]: switches delivery off, forgets the callback URL and deactivates the signing secret until the next Subscribe.",
};
