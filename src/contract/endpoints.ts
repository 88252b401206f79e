import type * as z from "zod/mini";
import { AaConsent } from "./aa.js";
import { Journey, JourneyData } from "./journey.js";
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
import { Profile, ProfileSubmitRequest } from "./profile.js";
import { JourneySnapshot } from "./snapshot.js";
import { JourneyStateData } from "./state-data.js";
import { Step } from "./step.js";
import { WEBHOOK_SUBSCRIPTION_BASE, WebhookConfiguration, WebhookSubscribeRequest } from "./subscription.js";

/** The base path every headless endpoint hangs off (an endpoint with its own `base` lives elsewhere). */
export const BASE_PATH = "/api/v1/headless";

/** Which credential may call an endpoint. `partnerRead` endpoints take the API key or the borrower token. */
export type EndpointScope = "partner" | "borrower" | "partnerRead";

/** One endpoint of the platform: method, path template, who may call it, and its payload schemas. */
export interface Endpoint {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The path template below `base` (`{name}` placeholders filled from the call's params). */
  readonly path: string;
  /**
   * The path prefix, when it is not {@link BASE_PATH}: an absolute path below the platform's origin, which may
   * hold `{name}` placeholders too (the webhook subscription API lives under `/api/tenants/{tenantID}/…` [C1]).
   */
  readonly base?: string;
  readonly scope: EndpointScope;
  readonly request?: z.ZodMiniType;
  readonly response: {
    readonly status: number;
    /** What the SDK returns. */
    readonly schema: z.ZodMiniType;
    /**
     * Present when the answer carries the journey's state: the `data` as sent, which the client stamps with the
     * journey's id, `nextAction` and `asOf` (from the answer's `timestamp`) before parsing it with `schema`.
     */
    readonly wire?: z.ZodMiniType;
    /** Present when `data.journeys` lists states: each one read as a state's `data` is (`readableState`). */
    readonly listsStates?: true;
  };
  /** Answers with an `ETag` and honours `If-None-Match` with a `304` (modelled: a sandbox extension). */
  readonly conditional?: boolean;
  /**
   * Tolerated: the answer may also come as the bare payload, without the envelope, because the docs do not say
   * whether this endpoint's answer is enveloped. The contract models it enveloped; the client reads both.
   */
  readonly bareAnswer?: boolean;
}

/** The whole path template of an endpoint below the platform's origin: its `base` (or {@link BASE_PATH}) and path. */
export function endpointPath(endpoint: Pick<Endpoint, "path" | "base">): string {
  return `${endpoint.base ?? BASE_PATH}${endpoint.path}`;
}

/** Every endpoint of the platform's headless API, keyed by operation name. */
export const ENDPOINTS = {
  createSession: {
    method: "POST",
    path: "/sessions",
    scope: "partner",
    request: CreateSessionRequest,
    response: { status: 201, schema: CreateSessionResponse },
  },
  refreshSession: {
    method: "POST",
    path: "/sessions/refresh",
    scope: "partner",
    request: RefreshSessionRequest,
    response: { status: 200, schema: RefreshSessionResponse },
  },
  createJourney: {
    method: "POST",
    path: "/journeys",
    scope: "borrower",
    request: CreateJourneyRequest,
    response: { status: 201, schema: JourneySummary },
  },
  listJourneys: {
    method: "GET",
    path: "/journeys",
    scope: "borrower",
    response: { status: 200, schema: JourneyList, listsStates: true },
  },
  getJourney: {
    method: "GET",
    path: "/journeys/{journeyID}",
    scope: "partnerRead",
    response: { status: 200, schema: Journey, wire: JourneyData },
  },
  getJourneyState: {
    method: "GET",
    path: "/journeys/{journeyID}/state",
    scope: "partnerRead",
    response: { status: 200, schema: JourneySnapshot, wire: JourneyStateData },
    conditional: true,
  },
  resumeJourney: {
    method: "PATCH",
    path: "/journeys/{journeyID}/resume",
    scope: "borrower",
    response: { status: 200, schema: Journey, wire: JourneyData },
  },
  getProfile: {
    method: "GET",
    path: "/profile",
    scope: "borrower",
    response: { status: 200, schema: Profile },
  },
  upsertProfile: {
    method: "PUT",
    path: "/profile",
    scope: "borrower",
    request: Profile,
    response: { status: 200, schema: Profile },
  },
  submitProfile: {
    method: "POST",
    path: "/profile/submit",
    scope: "borrower",
    request: ProfileSubmitRequest,
    response: { status: 202, schema: JourneySnapshot, wire: JourneyStateData },
  },
  listOffers: {
    method: "GET",
    path: "/journeys/{journeyID}/offers",
    scope: "borrower",
    response: { status: 200, schema: OfferList },
  },
  proceedOffer: {
    method: "POST",
    path: "/journeys/{journeyID}/offers/{offerID}/proceed",
    scope: "borrower",
    response: { status: 202, schema: JourneySnapshot, wire: JourneyStateData },
  },
  listSteps: {
    method: "GET",
    path: "/offers/{offerID}/steps",
    scope: "borrower",
    response: { status: 200, schema: StepList },
  },
  getStep: {
    method: "GET",
    path: "/journeys/{journeyID}/steps/{stepID}",
    scope: "borrower",
    response: { status: 200, schema: Step },
  },
  stepAction: {
    method: "POST",
    path: "/journeys/{journeyID}/steps/{stepID}/actions",
    scope: "borrower",
    request: StepActionRequest,
    response: { status: 202, schema: Step },
  },
  createConsent: {
    method: "POST",
    path: "/journeys/{journeyID}/aa/consents",
    scope: "borrower",
    request: CreateConsentRequest,
    response: { status: 201, schema: AaConsent },
  },
  getConsent: {
    method: "GET",
    path: "/journeys/{journeyID}/aa/consents/{consentID}",
    scope: "borrower",
    response: { status: 200, schema: AaConsent },
  },
  getLoan: {
    method: "GET",
    path: "/journeys/{journeyID}/loan",
    scope: "borrower",
    response: { status: 200, schema: Loan },
  },
  getSchedule: {
    method: "GET",
    path: "/journeys/{journeyID}/loan/schedule",
    scope: "borrower",
    response: { status: 200, schema: Schedule },
  },
  requestForeclosure: {
    method: "POST",
    path: "/journeys/{journeyID}/loan/foreclosure",
    scope: "borrower",
    response: { status: 201, schema: ForeclosureQuote },
  },
  getWebhookConfiguration: {
    method: "GET",
    base: WEBHOOK_SUBSCRIPTION_BASE,
    path: "/configuration",
    scope: "partner",
    response: { status: 200, schema: WebhookConfiguration },
    bareAnswer: true,
  },
  subscribeWebhooks: {
    method: "POST",
    base: WEBHOOK_SUBSCRIPTION_BASE,
    path: "/subscribe",
    scope: "partner",
    request: WebhookSubscribeRequest,
    response: { status: 200, schema: WebhookConfiguration },
    bareAnswer: true,
  },
  unsubscribeWebhooks: {
    method: "POST",
    base: WEBHOOK_SUBSCRIPTION_BASE,
    path: "/unsubscribe",
    scope: "partner",
    response: { status: 200, schema: WebhookConfiguration },
    bareAnswer: true,
  },
} as const satisfies Record<string, Endpoint>;

/** The name of an endpoint in {@link ENDPOINTS}. */
export type EndpointName = keyof typeof ENDPOINTS;

/** True for methods that mutate and so must carry an `Idempotency-Key`. */
export function isMutatingMethod(method: string): boolean {
  return method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE";
}
