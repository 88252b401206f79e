import type * as z from "zod/mini";
import { AaConsent } from "./aa.js";
import { Journey } from "./journey.js";
import { ForeclosureQuote, Loan, Schedule } from "./loan.js";
import {
  CreateConsentRequest,
  CreateJourneyRequest,
  CreateSessionRequest,
  CreateSessionResponse,
  JourneyList,
  JourneySummary,
  OfferList,
  RefreshSessionRequest,
  RefreshSessionResponse,
  StepActionRequest,
  StepList,
} from "./messages.js";
import { Profile } from "./profile.js";
import { JourneySnapshot } from "./snapshot.js";
import { Step } from "./step.js";

/** The base path every endpoint hangs off. */
export const BASE_PATH = "/api/v1/headless";

/** Which credential may call an endpoint. `partnerRead` endpoints take the API key or the borrower token. */
export type EndpointScope = "partner" | "borrower" | "partnerRead";

/** One endpoint of the platform: method, path template, who may call it, and its payload schemas. */
export interface Endpoint {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string;
  readonly scope: EndpointScope;
  readonly summary: string;
  readonly request?: z.ZodMiniType;
  readonly response: { readonly status: number; readonly schema: z.ZodMiniType };
}

/** Every endpoint of the platform's headless API, keyed by operation name. */
export const ENDPOINTS = {
  createSession: {
    method: "POST",
    path: "/sessions",
    scope: "partner",
    summary: "Bootstrap a borrower session [L4]; the answer names the borrower's active journey, or null.",
    request: CreateSessionRequest,
    response: { status: 201, schema: CreateSessionResponse },
  },
  refreshSession: {
    method: "POST",
    path: "/sessions/refresh",
    scope: "partner",
    summary: "Sandbox extension (not documented by the platform): rotate a refresh token into a new pair.",
    request: RefreshSessionRequest,
    response: { status: 200, schema: RefreshSessionResponse },
  },
  createJourney: {
    method: "POST",
    path: "/journeys",
    scope: "borrower",
    summary: "Create a journey of a product for the session's borrower [L3].",
    request: CreateJourneyRequest,
    response: { status: 201, schema: JourneySummary },
  },
  listJourneys: {
    method: "GET",
    path: "/journeys",
    scope: "borrower",
    summary: "The borrower's journeys, as snapshots.",
    response: { status: 200, schema: JourneyList },
  },
  getJourney: {
    method: "GET",
    path: "/journeys/{journeyID}",
    scope: "partnerRead",
    summary: "The full journey with offers and steps.",
    response: { status: 200, schema: Journey },
  },
  getJourneyState: {
    method: "GET",
    path: "/journeys/{journeyID}/state",
    scope: "partnerRead",
    summary: "The journey snapshot; answers with an ETag and honours If-None-Match (304).",
    response: { status: 200, schema: JourneySnapshot },
  },
  resumeJourney: {
    method: "PATCH",
    path: "/journeys/{journeyID}/resume",
    scope: "borrower",
    summary: "Resume: re-issues expired step resources. 409 INVALID_STATE on an ended journey.",
    response: { status: 200, schema: Journey },
  },
  submitProfile: {
    method: "PUT",
    path: "/journeys/{journeyID}/profile",
    scope: "borrower",
    summary: "Submit the profile; only in PROFILE_REQUIRED.",
    request: Profile,
    response: { status: 202, schema: JourneySnapshot },
  },
  listOffers: {
    method: "GET",
    path: "/journeys/{journeyID}/offers",
    scope: "borrower",
    summary: "The offers and the locked offer, if any.",
    response: { status: 200, schema: OfferList },
  },
  proceedOffer: {
    method: "POST",
    path: "/journeys/{journeyID}/offers/{offerID}/proceed",
    scope: "borrower",
    summary: "Proceed with an offer; locks it. 409 OFFER_LOCK_CONFLICT for another offer, 410 OFFER_EXPIRED.",
    response: { status: 202, schema: JourneySnapshot },
  },
  listSteps: {
    method: "GET",
    path: "/journeys/{journeyID}/steps",
    scope: "borrower",
    summary: "The journey's steps.",
    response: { status: 200, schema: StepList },
  },
  getStep: {
    method: "GET",
    path: "/journeys/{journeyID}/steps/{stepID}",
    scope: "borrower",
    summary: "One step.",
    response: { status: 200, schema: Step },
  },
  stepAction: {
    method: "POST",
    path: "/journeys/{journeyID}/steps/{stepID}/actions",
    scope: "borrower",
    summary: "START, SUBMIT (with form data) or CONFIRM_RETURN on a step.",
    request: StepActionRequest,
    response: { status: 202, schema: Step },
  },
  createConsent: {
    method: "POST",
    path: "/journeys/{journeyID}/aa/consents",
    scope: "borrower",
    summary: "Create the account-aggregator consent for the AA step (or return the open one).",
    request: CreateConsentRequest,
    response: { status: 201, schema: AaConsent },
  },
  getConsent: {
    method: "GET",
    path: "/journeys/{journeyID}/aa/consents/{consentID}",
    scope: "borrower",
    summary: "One account-aggregator consent.",
    response: { status: 200, schema: AaConsent },
  },
  getLoan: {
    method: "GET",
    path: "/journeys/{journeyID}/loan",
    scope: "borrower",
    summary: "The loan, after disbursal.",
    response: { status: 200, schema: Loan },
  },
  getSchedule: {
    method: "GET",
    path: "/journeys/{journeyID}/loan/schedule",
    scope: "borrower",
    summary: "The repayment schedule.",
    response: { status: 200, schema: Schedule },
  },
  requestForeclosure: {
    method: "POST",
    path: "/journeys/{journeyID}/loan/foreclosure",
    scope: "borrower",
    summary: "A foreclosure quote with a payment link valid for 90 minutes.",
    response: { status: 201, schema: ForeclosureQuote },
  },
} as const satisfies Record<string, Endpoint>;

/** The name of an endpoint in {@link ENDPOINTS}. */
export type EndpointName = keyof typeof ENDPOINTS;

/** True for methods that mutate and so must carry an `Idempotency-Key`. */
export function isMutatingMethod(method: string): boolean {
  return method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE";
}
