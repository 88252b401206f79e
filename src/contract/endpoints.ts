import type * as z from "zod/mini";
import { AaConsent } from "./aa.js";
import type { DocumentedErrorCode, ModelledErrorCode } from "./error-body.js";
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

/**
 * How much of an endpoint the platform's docs (shared/platform/PLATFORM.md) cover: `full` (method, path and the
 * request and answer shapes), `path` (the method and path; the shapes are modelled) or `modelled` (nothing: the
 * SDK's and the sandbox's own model, or a first-release model still to move).
 */
export type EndpointDocumentation = "full" | "path" | "modelled";

/** A fact tag of PLATFORM.md (`L3`, `C9`, `S` …); its §1 resolves each to one public URL. */
export type PlatformDocTag = `L${number}` | `C${number}` | `B${number}` | "S";

/** An error code an endpoint may answer with: a documented one or one the sandbox models. */
export type EndpointErrorCode = DocumentedErrorCode | ModelledErrorCode;

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
  };
  /** How much of this endpoint the platform documents. */
  readonly documented: EndpointDocumentation;
  /** The PLATFORM.md tags of the pages that describe (or, when modelled, mention) this endpoint. */
  readonly platformDocs: readonly PlatformDocTag[];
  /**
   * Every error code the endpoint may answer with (the sandbox answers each); the status of each is in
   * `DOCUMENTED_ERROR_CODES` / `MODELLED_ERROR_CODES`.
   */
  readonly errors: readonly EndpointErrorCode[];
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

/** Every endpoint may be rate limited or fail. */
const ANY = ["RATE_LIMITED", "INTERNAL"] as const;
/** A mutation without, with a reused or with a still-running `Idempotency-Key`. */
const IDEMPOTENT = ["IDEMPOTENCY_KEY_REQUIRED", "IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_IN_PROGRESS"] as const;
/** An endpoint that reads a JSON body: malformed or oversized. */
const BODY = ["VALIDATION_FAILED", "PAYLOAD_TOO_LARGE"] as const;

/** Every endpoint of the platform's headless API, keyed by operation name. */
export const ENDPOINTS = {
  createSession: {
    method: "POST",
    path: "/sessions",
    scope: "partner",
    request: CreateSessionRequest,
    response: { status: 201, schema: CreateSessionResponse },
    documented: "full",
    platformDocs: ["L4", "L2"],
    errors: ["AUTH_INVALID_API_KEY", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  refreshSession: {
    method: "POST",
    path: "/sessions/refresh",
    scope: "partner",
    request: RefreshSessionRequest,
    response: { status: 200, schema: RefreshSessionResponse },
    documented: "modelled",
    platformDocs: [],
    errors: ["AUTH_INVALID_API_KEY", "AUTH_INVALID_SESSION", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  createJourney: {
    method: "POST",
    path: "/journeys",
    scope: "borrower",
    request: CreateJourneyRequest,
    response: { status: 201, schema: JourneySummary },
    documented: "full",
    platformDocs: ["L3"],
    errors: ["AUTH_INVALID_SESSION", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  listJourneys: {
    method: "GET",
    path: "/journeys",
    scope: "borrower",
    response: { status: 200, schema: JourneyList },
    documented: "path",
    platformDocs: ["S", "L8"],
    errors: ["AUTH_INVALID_SESSION", ...ANY],
  },
  getJourney: {
    method: "GET",
    path: "/journeys/{journeyID}",
    scope: "partnerRead",
    response: { status: 200, schema: Journey, wire: JourneyData },
    documented: "path",
    platformDocs: ["S", "L8"],
    errors: ["AUTH_INVALID_API_KEY", "AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  getJourneyState: {
    method: "GET",
    path: "/journeys/{journeyID}/state",
    scope: "partnerRead",
    response: { status: 200, schema: JourneySnapshot, wire: JourneyStateData },
    documented: "path",
    platformDocs: ["L2", "L3", "S"],
    errors: ["AUTH_INVALID_API_KEY", "AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
    conditional: true,
  },
  resumeJourney: {
    method: "PATCH",
    path: "/journeys/{journeyID}/resume",
    scope: "borrower",
    response: { status: 200, schema: Journey, wire: JourneyData },
    documented: "path",
    platformDocs: ["S", "L8"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...IDEMPOTENT, ...ANY],
  },
  getProfile: {
    method: "GET",
    path: "/profile",
    scope: "borrower",
    response: { status: 200, schema: Profile },
    documented: "path",
    platformDocs: ["L3", "L8"],
    errors: ["AUTH_INVALID_SESSION", ...ANY],
  },
  upsertProfile: {
    method: "PUT",
    path: "/profile",
    scope: "borrower",
    request: Profile,
    response: { status: 200, schema: Profile },
    documented: "path",
    platformDocs: ["L3", "L8", "C4"],
    errors: ["AUTH_INVALID_SESSION", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  submitProfile: {
    method: "POST",
    path: "/profile/submit",
    scope: "borrower",
    request: ProfileSubmitRequest,
    response: { status: 202, schema: JourneySnapshot, wire: JourneyStateData },
    documented: "path",
    platformDocs: ["L3", "L7"],
    errors: ["AUTH_INVALID_SESSION", "INVALID_STATE", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  listOffers: {
    method: "GET",
    path: "/journeys/{journeyID}/offers",
    scope: "borrower",
    response: { status: 200, schema: OfferList },
    documented: "modelled",
    platformDocs: ["L2", "L3"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  proceedOffer: {
    method: "POST",
    path: "/journeys/{journeyID}/offers/{offerID}/proceed",
    scope: "borrower",
    response: { status: 202, schema: JourneySnapshot, wire: JourneyStateData },
    documented: "modelled",
    platformDocs: ["S", "L7"],
    errors: [
      "AUTH_INVALID_SESSION",
      "NOT_FOUND",
      "OFFER_LOCK_CONFLICT",
      "OFFER_EXPIRED",
      "INVALID_STATE",
      ...IDEMPOTENT,
      ...ANY,
    ],
  },
  listSteps: {
    method: "GET",
    path: "/offers/{offerID}/steps",
    scope: "borrower",
    response: { status: 200, schema: StepList },
    documented: "path",
    platformDocs: ["L3"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  getStep: {
    method: "GET",
    path: "/journeys/{journeyID}/steps/{stepID}",
    scope: "borrower",
    response: { status: 200, schema: Step },
    documented: "modelled",
    platformDocs: ["L3"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  stepAction: {
    method: "POST",
    path: "/journeys/{journeyID}/steps/{stepID}/actions",
    scope: "borrower",
    request: StepActionRequest,
    response: { status: 202, schema: Step },
    documented: "modelled",
    platformDocs: ["L2", "S"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  createConsent: {
    method: "POST",
    path: "/journeys/{journeyID}/aa/consents",
    scope: "borrower",
    request: CreateConsentRequest,
    response: { status: 201, schema: AaConsent },
    documented: "modelled",
    platformDocs: ["S", "L8"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  getConsent: {
    method: "GET",
    path: "/journeys/{journeyID}/aa/consents/{consentID}",
    scope: "borrower",
    response: { status: 200, schema: AaConsent },
    documented: "modelled",
    platformDocs: ["S", "L8"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  getLoan: {
    method: "GET",
    path: "/journeys/{journeyID}/loan",
    scope: "borrower",
    response: { status: 200, schema: Loan },
    documented: "modelled",
    platformDocs: ["L2", "S"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...ANY],
  },
  getSchedule: {
    method: "GET",
    path: "/journeys/{journeyID}/loan/schedule",
    scope: "borrower",
    response: { status: 200, schema: Schedule },
    documented: "modelled",
    platformDocs: ["L2", "S"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...ANY],
  },
  requestForeclosure: {
    method: "POST",
    path: "/journeys/{journeyID}/loan/foreclosure",
    scope: "borrower",
    response: { status: 201, schema: ForeclosureQuote },
    documented: "modelled",
    platformDocs: ["L2", "S"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...IDEMPOTENT, ...ANY],
  },
  getWebhookConfiguration: {
    method: "GET",
    base: WEBHOOK_SUBSCRIPTION_BASE,
    path: "/configuration",
    scope: "partner",
    response: { status: 200, schema: WebhookConfiguration },
    documented: "path",
    platformDocs: ["C1", "C13", "C14"],
    errors: ["AUTH_INVALID_API_KEY", "NOT_FOUND", ...ANY],
    bareAnswer: true,
  },
  subscribeWebhooks: {
    method: "POST",
    base: WEBHOOK_SUBSCRIPTION_BASE,
    path: "/subscribe",
    scope: "partner",
    request: WebhookSubscribeRequest,
    response: { status: 200, schema: WebhookConfiguration },
    documented: "full",
    platformDocs: ["C1", "C13", "C14"],
    errors: ["AUTH_INVALID_API_KEY", "NOT_FOUND", ...BODY, ...IDEMPOTENT, ...ANY],
    bareAnswer: true,
  },
  unsubscribeWebhooks: {
    method: "POST",
    base: WEBHOOK_SUBSCRIPTION_BASE,
    path: "/unsubscribe",
    scope: "partner",
    response: { status: 200, schema: WebhookConfiguration },
    documented: "full",
    platformDocs: ["C1", "C13", "C14"],
    errors: ["AUTH_INVALID_API_KEY", "NOT_FOUND", ...IDEMPOTENT, ...ANY],
    bareAnswer: true,
  },
} as const satisfies Record<string, Endpoint>;

/** The name of an endpoint in {@link ENDPOINTS}. */
export type EndpointName = keyof typeof ENDPOINTS;

/** True for methods that mutate and so must carry an `Idempotency-Key`. */
export function isMutatingMethod(method: string): boolean {
  return method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE";
}
