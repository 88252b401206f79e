import {
  CreateConsentRequest,
  CreateJourneyRequest,
  CreateSessionRequest,
  type EndpointName,
  type EndpointScope,
  Profile,
  ProfileSubmitRequest,
  RefreshSessionRequest,
  StepActionRequest,
  safeParse,
  WebhookSubscribeRequest,
} from "../contract/index.js";
import {
  type Caller,
  type CredentialStore,
  invalidApiKey,
  invalidSession,
  refusedCredential,
} from "./auth.js";
import type { SandboxClock } from "./clock.js";
import type { LifecycleEngine } from "./engine.js";
import type { ResolvedExtensions } from "./options.js";
import { invalidState, notFound, validationFailed } from "./problem.js";
import type { JourneyRecord } from "./records.js";
import { journeySummary, stepView } from "./records.js";
import type { WebhookSubscription } from "./subscription.js";

/** One API call after authentication: who, which path parameters, the JSON body (if any), headers. */
export interface ApiCall {
  readonly caller: Caller;
  readonly params: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly correlationID: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** What a handler answers; `journeyID` names the journey a mutation touched, for the mutation log. */
export interface ApiResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly journeyID?: string;
}

/** What the handlers need. */
export interface ApiDeps {
  readonly engine: LifecycleEngine;
  readonly credentials: CredentialStore;
  readonly clock: SandboxClock;
  readonly extensions: ResolvedExtensions;
  /** The application's webhook subscription [C1]. */
  readonly subscription: WebhookSubscription;
}

/**
 * Checks that the caller's credential may call an endpoint of `scope`.
 * @throws {SandboxProblem} 401 AUTH_INVALID_API_KEY on partner endpoints, 401 AUTH_INVALID_SESSION on borrower
 *   ones (the platform answers a bearer outside its scope as it answers an invalid one [L7]).
 */
export function checkScope(name: EndpointName, scope: EndpointScope, caller: Caller): void {
  const allowed =
    scope === "partner"
      ? caller.kind === "apiKey" || (name === "refreshSession" && caller.kind === "refreshToken")
      : scope === "borrower"
        ? caller.kind === "sessionToken"
        : caller.kind === "apiKey" || caller.kind === "sessionToken";
  if (!allowed) {
    const needs =
      scope === "partner"
        ? "the partner API key"
        : scope === "borrower"
          ? "a borrower session token"
          : "the API key or a session token";
    const detail = `this endpoint needs ${needs}, not a ${caller.kind}`;
    throw refusedCredential(scope, caller.kind === "apiKey", detail);
  }
}

/**
 * The borrower a session token acts for.
 * @throws {SandboxProblem} 401 AUTH_INVALID_SESSION for any other credential.
 */
function borrowerOf(call: ApiCall): { partnerKey: string; borrowerExternalID: string } {
  if (call.caller.kind !== "sessionToken") throw invalidSession("needs a session token");
  return call.caller.borrower;
}

function parseBody<T>(schema: Parameters<typeof safeParse>[0], body: unknown, name: string): T {
  const result = safeParse(schema, body, name);
  if (!result.ok) throw validationFailed(result.error.issues);
  return result.value as T;
}

/**
 * The journey named in the path, if the caller may see it (partner: its own; borrower: their own).
 * @throws {SandboxProblem} 404 NOT_FOUND otherwise, so other borrowers' journeys are not revealed.
 */
function journeyFor(deps: ApiDeps, call: ApiCall): JourneyRecord {
  const id = call.params.journeyID as string;
  const journey = deps.engine.get(id);
  const { caller } = call;
  const visible =
    caller.kind === "apiKey"
      ? journey.partnerKey === caller.partnerKey
      : caller.kind === "sessionToken" &&
        journey.partnerKey === caller.borrower.partnerKey &&
        journey.borrowerExternalID === caller.borrower.borrowerExternalID;
  if (!visible) throw notFound(`journey ${id}`);
  return journey;
}

/**
 * Checks that the path names the sandbox's own tenant and application (UUIDs, compared case-insensitively).
 * @throws {SandboxProblem} 401 AUTH_INVALID_API_KEY for anything but the API key; 404 NOT_FOUND for another
 *   tenant or application, so others' are not revealed.
 */
function ownApplication(deps: ApiDeps, call: ApiCall): void {
  if (call.caller.kind !== "apiKey") throw invalidApiKey("needs the API key");
  const { tenantID = "", applicationID = "" } = call.params;
  const { scope } = deps.subscription;
  if (
    tenantID.toLowerCase() !== scope.tenantID.toLowerCase() ||
    applicationID.toLowerCase() !== scope.applicationID.toLowerCase()
  )
    throw notFound(`application ${applicationID} of tenant ${tenantID}`);
}

/**
 * Sandbox-only leniency: an `http:` URL on a loopback host (`localhost`, `127.0.0.1`, `[::1]`) is subscribed too,
 * because a local receiver has no certificate a client would trust. Every other URL must be `https:` [C13].
 */
function isLoopbackHttp(value: unknown): value is string {
  if (typeof value !== "string" || value.length > 2048) return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  } catch {
    return false;
  }
}

/**
 * The callback URL of a Subscribe body: an absolute `https:` URL [C13] (or a loopback `http:` one, sandbox-only).
 * @throws {SandboxProblem} 400 VALIDATION_FAILED naming `url` when it is missing, malformed or not HTTPS.
 */
function subscribableUrl(body: unknown): string {
  const given = body ?? {};
  const url = (given as { url?: unknown }).url;
  if (isLoopbackHttp(url)) return url;
  return parseBody<WebhookSubscribeRequest>(WebhookSubscribeRequest, given, "WebhookSubscribeRequest").url;
}

type Handler = (deps: ApiDeps, call: ApiCall) => ApiResult;

/** The handler of every endpoint of the contract. Each throws {SandboxProblem} for the errors it documents. */
export const HANDLERS: Readonly<Record<EndpointName, Handler>> = {
  createSession(deps, call) {
    const body = parseBody<CreateSessionRequest>(CreateSessionRequest, call.body, "CreateSessionRequest");
    if (call.caller.kind !== "apiKey") throw invalidApiKey("needs the API key");
    // The prefill's formats are the profile's, checked as `PUT /profile` checks them (the platform checks them
    // [L4]): a bad PAN stored here would be served by `GET /profile` and pass `POST /profile/submit`.
    const prefill =
      body.profile === undefined ? undefined : safeParse(Profile, body.profile, "SessionPrefill");
    if (prefill?.ok === false)
      throw validationFailed(prefill.error.issues.map((i) => ({ ...i, path: `profile.${i.path}` })));
    const partnerKey = call.caller.partnerKey;
    const borrowerID = deps.engine.registerBorrower(partnerKey, body);
    const open = deps.engine.findOpen(partnerKey, body.borrowerExternalID);
    const session = deps.credentials.issue({ partnerKey, borrowerExternalID: body.borrowerExternalID });
    return {
      status: 201,
      body: {
        borrowerID,
        borrowerExternalID: body.borrowerExternalID,
        ...session,
        activeJourney: open ? journeySummary(open) : null,
      },
      ...(open ? { journeyID: open.id } : {}),
    };
  },
  createJourney(deps, call) {
    parseBody<CreateJourneyRequest>(CreateJourneyRequest, call.body, "CreateJourneyRequest");
    const { caller } = call;
    if (caller.kind !== "sessionToken") throw invalidSession("needs a session token");
    const { partnerKey, borrowerExternalID } = caller.borrower;
    // Modelled: one open journey per borrower, so a second create answers the open one.
    const known = deps.engine.borrower(partnerKey, borrowerExternalID);
    const journey =
      deps.engine.touchOpen(partnerKey, borrowerExternalID) ??
      deps.engine.create(
        partnerKey,
        { borrowerExternalID, phone: known.phone },
        known.returnUrl,
        call.correlationID,
      );
    return { status: 201, body: journeySummary(journey), journeyID: journey.id };
  },
  refreshSession(deps, call) {
    if (!deps.extensions.refreshEndpoint)
      throw notFound("POST /sessions/refresh (an extension, switched off)");
    const body = parseBody<RefreshSessionRequest>(RefreshSessionRequest, call.body, "RefreshSessionRequest");
    if (call.caller.kind === "refreshToken" && call.caller.token !== body.refreshToken)
      throw invalidSession("a refresh token may only refresh itself");
    return { status: 200, body: { session: deps.credentials.refresh(body.refreshToken) } };
  },
  listJourneys(deps, call) {
    const { caller } = call;
    if (caller.kind !== "sessionToken") throw invalidSession("needs a session token");
    const journeys = deps.engine
      .journeysOf(caller.borrower.partnerKey, caller.borrower.borrowerExternalID)
      .map((j) => deps.engine.snapshot(j));
    return { status: 200, body: { journeys } };
  },
  getJourney(deps, call) {
    return { status: 200, body: deps.engine.view(journeyFor(deps, call)) };
  },
  getJourneyState(deps, call): ApiResult {
    const journey = journeyFor(deps, call);
    if (!deps.extensions.etag) return { status: 200, body: deps.engine.snapshot(journey) };
    const etag = `"${journey.id}.${journey.version}"`;
    const presented = call.headers["if-none-match"];
    if (presented?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag))
      return { status: 304, headers: { ETag: etag } };
    return {
      status: 200,
      body: deps.engine.snapshot(journey),
      headers: { ETag: etag, "Cache-Control": "no-cache" },
    };
  },
  resumeJourney(deps, call) {
    const journey = journeyFor(deps, call);
    return { status: 200, body: deps.engine.resume(journey, call.correlationID), journeyID: journey.id };
  },
  getProfile(deps, call) {
    const borrower = borrowerOf(call);
    return { status: 200, body: deps.engine.profile(borrower.partnerKey, borrower.borrowerExternalID) };
  },
  upsertProfile(deps, call) {
    const borrower = borrowerOf(call);
    const patch = parseBody<Profile>(Profile, call.body, "Profile");
    return {
      status: 200,
      body: deps.engine.upsertProfile(borrower.partnerKey, borrower.borrowerExternalID, patch),
    };
  },
  submitProfile(deps, call) {
    const borrower = borrowerOf(call);
    parseBody<ProfileSubmitRequest>(ProfileSubmitRequest, call.body, "ProfileSubmitRequest");
    const journey = deps.engine.findOpen(borrower.partnerKey, borrower.borrowerExternalID);
    if (!journey) throw invalidState("the borrower has no open journey to submit a profile for");
    return {
      status: 202,
      body: deps.engine.submitProfile(journey, call.correlationID),
      journeyID: journey.id,
    };
  },
  listOffers(deps, call) {
    const journey = journeyFor(deps, call);
    return {
      status: 200,
      body: {
        offers: journey.offers.map((o) => ({ ...o })),
        ...(journey.lockedOfferID ? { lockedOfferID: journey.lockedOfferID } : {}),
      },
    };
  },
  proceedOffer(deps, call) {
    const journey = journeyFor(deps, call);
    const snapshot = deps.engine.proceed(journey, call.params.offerID as string, call.correlationID);
    return { status: 202, body: snapshot, journeyID: journey.id };
  },
  listSteps(deps, call) {
    const { caller } = call;
    if (caller.kind !== "sessionToken") throw invalidSession("needs a session token");
    const offerID = call.params.offerID as string;
    const journey = deps.engine
      .journeysOf(caller.borrower.partnerKey, caller.borrower.borrowerExternalID)
      .find((j) => j.offers.some((offer) => offer.id === offerID));
    if (!journey) throw notFound(`offer ${offerID}`);
    // Steps belong to the proceeded offer; another offer of the journey has none (modelled).
    const steps = journey.lockedOfferID === offerID ? journey.steps.map(stepView) : [];
    return { status: 200, body: { steps } };
  },
  getStep(deps, call) {
    const journey = journeyFor(deps, call);
    return { status: 200, body: stepView(deps.engine.step(journey, call.params.stepID as string)) };
  },
  stepAction(deps, call) {
    const journey = journeyFor(deps, call);
    const body = parseBody<StepActionRequest>(StepActionRequest, call.body, "StepActionRequest");
    const step = deps.engine.stepAction(
      journey,
      call.params.stepID as string,
      body.action,
      body.data,
      call.correlationID,
    );
    return { status: 202, body: step, journeyID: journey.id };
  },
  createConsent(deps, call) {
    const journey = journeyFor(deps, call);
    parseBody<CreateConsentRequest>(CreateConsentRequest, call.body ?? {}, "CreateConsentRequest");
    return {
      status: 201,
      body: deps.engine.createConsent(journey, call.correlationID),
      journeyID: journey.id,
    };
  },
  getConsent(deps, call) {
    const journey = journeyFor(deps, call);
    return { status: 200, body: deps.engine.consent(journey, call.params.consentID as string) };
  },
  getLoan(deps, call) {
    return { status: 200, body: { ...deps.engine.loan(journeyFor(deps, call)).loan } };
  },
  getSchedule(deps, call) {
    return { status: 200, body: { installments: deps.engine.schedule(journeyFor(deps, call)) } };
  },
  requestForeclosure(deps, call) {
    const journey = journeyFor(deps, call);
    return { status: 201, body: deps.engine.foreclose(journey, call.correlationID), journeyID: journey.id };
  },
  getWebhookConfiguration(deps, call) {
    ownApplication(deps, call);
    return { status: 200, body: deps.subscription.configuration() };
  },
  subscribeWebhooks(deps, call) {
    ownApplication(deps, call);
    return { status: 200, body: deps.subscription.subscribe(subscribableUrl(call.body)) };
  },
  unsubscribeWebhooks(deps, call) {
    ownApplication(deps, call);
    return { status: 200, body: deps.subscription.unsubscribe() };
  },
};
