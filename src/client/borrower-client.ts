import type {
  AaConsent,
  CreateJourneyRequest,
  EndpointName,
  ForeclosureQuote,
  Journey,
  JourneyList,
  JourneySnapshot,
  JourneySummary,
  Loan,
  OfferList,
  Profile,
  ProfileSubmitRequest,
  Schedule,
  Step,
  StepActionRequest,
  StepList,
} from "../contract/index.js";
import { assertBorrowerCredential } from "./credentials.js";
import { ClientConfigError } from "./errors.js";
import { notify } from "./observer.js";
import type { RequestSpec } from "./request.js";
import { type JourneyStateResult, toJourneyStateResult } from "./results.js";
import { type CommonClientOptions, resolveSettings } from "./settings.js";
import { createTokenRefresher } from "./single-flight.js";
import {
  type CallOptions,
  type CredentialSource,
  send,
  sendForBody,
  type TransportSettings,
  type WithMeta,
} from "./transport.js";

/** Options of {@link createBorrowerClient}. */
export interface BorrowerClientOptions extends CommonClientOptions {
  /** The current borrower session token , asked before every request; may return a Promise. */
  readonly getSessionToken: () => string | Promise<string>;
  /**
   * Renews the session after `401 AUTH_INVALID_SESSION` and resolves to the new token; from then on
   * `getSessionToken` should return it too. Called once for any number of concurrent expiries.
   */
  readonly refreshSession: () => Promise<string>;
}

/** Per-call options of {@link BorrowerClient.getJourneyState}: the ETag last seen makes it conditional. */
export interface ConditionalCallOptions extends CallOptions {
  /** The `ETag` of the snapshot held; a 304 then resolves to `{ kind: "notModified" }`. */
  readonly etag?: string;
}

/** Per-call options of {@link BorrowerClient.submitProfile}. */
export interface SubmitProfileOptions extends CallOptions {
  /**
   * The journey the profile is submitted for: the path names none, so a state answer that names no journey (the
   * documented state data need not) is that journey's; without it such an answer fails `CONTRACT`. An answer
   * naming another journey fails `CONTRACT` either way.
   */
  readonly journeyID?: string;
}

/**
 * The borrower app's client: one method per borrower endpoint. Every method rejects with
 * `ScopeError` when `getSessionToken` (or `refreshSession`) yields an API key, before any
 * request; and with `ApiError` for everything else (platform error codes, NETWORK, TIMEOUT, ABORTED, CONTRACT,
 * INVALID_REQUEST, HTTP_ERROR, SESSION_UNAVAILABLE, REFRESH_FAILED).
 */
export interface BorrowerClient {
  /** `POST /journeys` [L3]: a journey of `request.type` for the session's borrower. @throws {ApiError} @throws {ScopeError} */
  createJourney(request: CreateJourneyRequest, options?: CallOptions): Promise<WithMeta<JourneySummary>>;
  /** `GET /journeys`: the borrower's journeys as snapshots. @throws {ApiError} @throws {ScopeError} */
  listJourneys(options?: CallOptions): Promise<WithMeta<JourneyList>>;
  /** `GET /journeys/{id}`: the full journey. @throws {ApiError} @throws {ScopeError} */
  getJourney(journeyID: string, options?: CallOptions): Promise<WithMeta<Journey>>;
  /** `GET /journeys/{id}/state`, conditional on `options.etag`. @throws {ApiError} @throws {ScopeError} */
  getJourneyState(journeyID: string, options?: ConditionalCallOptions): Promise<JourneyStateResult>;
  /** `PATCH /journeys/{id}/resume`: re-issues expired step resources. @throws {ApiError} @throws {ScopeError} */
  resumeJourney(journeyID: string, options?: CallOptions): Promise<WithMeta<Journey>>;
  /** `GET /profile` [L3]: the borrower's profile and prefill. @throws {ApiError} @throws {ScopeError} */
  getProfile(options?: CallOptions): Promise<WithMeta<Profile>>;
  /**
   * `PUT /profile` [L3] [L8]: upserts any part of the profile (documented field names [C4]).
   * @throws {ApiError} VALIDATION_FAILED with `errors` (also before sending, for a malformed field). @throws {ScopeError}
   */
  upsertProfile(profile: Profile, options?: CallOptions): Promise<WithMeta<Profile>>;
  /**
   * `POST /profile/submit` [L3]: submits the profile for the journey in PROFILE_REQUIRED; answers its state (give
   * `journeyID`: the answer may not name it).
   * @throws {ApiError} VALIDATION_FAILED with `errors` (missing fields), INVALID_STATE; CONTRACT for a state
   *   naming no journey without `journeyID`, or naming another. @throws {ScopeError}
   */
  submitProfile(
    request: ProfileSubmitRequest,
    options?: SubmitProfileOptions,
  ): Promise<WithMeta<JourneySnapshot>>;
  /** `GET /journeys/{id}/offers`. @throws {ApiError} @throws {ScopeError} */
  listOffers(journeyID: string, options?: CallOptions): Promise<WithMeta<OfferList>>;
  /** `POST …/offers/{offerID}/proceed`. @throws {ApiError} OFFER_LOCK_CONFLICT, OFFER_EXPIRED... @throws {ScopeError} */
  proceedOffer(journeyID: string, offerID: string, options?: CallOptions): Promise<WithMeta<JourneySnapshot>>;
  /** `GET /offers/{offerID}/steps` [L3]: the offer's steps. @throws {ApiError} @throws {ScopeError} */
  listSteps(offerID: string, options?: CallOptions): Promise<WithMeta<StepList>>;
  /** `GET /journeys/{id}/steps/{stepID}`. @throws {ApiError} @throws {ScopeError} */
  getStep(journeyID: string, stepID: string, options?: CallOptions): Promise<WithMeta<Step>>;
  /** `POST …/steps/{stepID}/actions`: START, SUBMIT (with `data`) or CONFIRM_RETURN. @throws {ApiError} @throws {ScopeError} */
  stepAction(
    journeyID: string,
    stepID: string,
    action: StepActionRequest,
    options?: CallOptions,
  ): Promise<WithMeta<Step>>;
  /** `POST /journeys/{id}/aa/consents`. @throws {ApiError} @throws {ScopeError} */
  createConsent(journeyID: string, options?: CallOptions): Promise<WithMeta<AaConsent>>;
  /** `GET …/aa/consents/{consentID}`. @throws {ApiError} @throws {ScopeError} */
  getConsent(journeyID: string, consentID: string, options?: CallOptions): Promise<WithMeta<AaConsent>>;
  /** `GET /journeys/{id}/loan`. @throws {ApiError} @throws {ScopeError} */
  getLoan(journeyID: string, options?: CallOptions): Promise<WithMeta<Loan>>;
  /** `GET /journeys/{id}/loan/schedule`. @throws {ApiError} @throws {ScopeError} */
  getSchedule(journeyID: string, options?: CallOptions): Promise<WithMeta<Schedule>>;
  /** `POST /journeys/{id}/loan/foreclosure`: a quote with a payment link. @throws {ApiError} @throws {ScopeError} */
  requestForeclosure(journeyID: string, options?: CallOptions): Promise<WithMeta<ForeclosureQuote>>;
}

/**
 * Creates the borrower app's client.
 * @throws {ClientConfigError} naming the first missing or malformed option.
 */
export function createBorrowerClient(options: BorrowerClientOptions): BorrowerClient {
  const settings: TransportSettings = resolveSettings(options);
  if (typeof options.getSessionToken !== "function")
    throw new ClientConfigError("getSessionToken", "must be a function returning the session token");
  if (typeof options.refreshSession !== "function")
    throw new ClientConfigError("refreshSession", "must be a function resolving to a new session token");
  const credentials: CredentialSource = {
    current: async () => options.getSessionToken(),
    check: assertBorrowerCredential,
    refresher: createTokenRefresher(options.refreshSession, (ok, durationMs) =>
      notify(settings.observer, { type: "refresh", ok, durationMs }),
    ),
  };

  const call = <Name extends EndpointName>(spec: RequestSpec<Name>, callOptions?: CallOptions) =>
    sendForBody(settings, credentials, spec, callOptions);

  return {
    createJourney: (request, o) => call({ endpoint: "createJourney", body: request }, o),
    listJourneys: (o) => call({ endpoint: "listJourneys" }, o),
    getJourney: (journeyID, o) => call({ endpoint: "getJourney", params: { journeyID } }, o),
    async getJourneyState(journeyID, o) {
      const spec: RequestSpec<"getJourneyState"> = {
        endpoint: "getJourneyState",
        params: { journeyID },
        ...(o?.etag === undefined ? {} : { etag: o.etag }),
      };
      return toJourneyStateResult(await send(settings, credentials, spec, o));
    },
    resumeJourney: (journeyID, o) => call({ endpoint: "resumeJourney", params: { journeyID } }, o),
    getProfile: (o) => call({ endpoint: "getProfile" }, o),
    upsertProfile: (profile, o) => call({ endpoint: "upsertProfile", body: profile }, o),
    submitProfile: (request, o) =>
      call({ endpoint: "submitProfile", body: request, ...journeyOf(o?.journeyID) }, o),
    listOffers: (journeyID, o) => call({ endpoint: "listOffers", params: { journeyID } }, o),
    proceedOffer: (journeyID, offerID, o) =>
      call({ endpoint: "proceedOffer", params: { journeyID, offerID } }, o),
    listSteps: (offerID, o) => call({ endpoint: "listSteps", params: { offerID } }, o),
    getStep: (journeyID, stepID, o) => call({ endpoint: "getStep", params: { journeyID, stepID } }, o),
    stepAction: (journeyID, stepID, action, o) =>
      call({ endpoint: "stepAction", params: { journeyID, stepID }, body: action }, o),
    createConsent: (journeyID, o) => call({ endpoint: "createConsent", params: { journeyID }, body: {} }, o),
    getConsent: (journeyID, consentID, o) =>
      call({ endpoint: "getConsent", params: { journeyID, consentID } }, o),
    getLoan: (journeyID, o) => call({ endpoint: "getLoan", params: { journeyID } }, o),
    getSchedule: (journeyID, o) => call({ endpoint: "getSchedule", params: { journeyID } }, o),
    requestForeclosure: (journeyID, o) => call({ endpoint: "requestForeclosure", params: { journeyID } }, o),
  };
}

/** The `params` naming the journey a call is for when its path does not (the answer's state is stamped with it). */
function journeyOf(journeyID: string | undefined): { params?: { journeyID: string } } {
  return journeyID === undefined ? {} : { params: { journeyID } };
}
