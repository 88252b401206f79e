import type { EndpointName } from "./endpoints.js";
import type { DocumentedErrorCode, ModelledErrorCode } from "./error-body.js";

// Apart from ENDPOINTS, which the browser client bundles: what the platform's docs say of each endpoint and the
// error codes it may answer are documentation (the OpenAPI document, the sandbox's tests), and no request needs
// them. A new endpoint without its entry does not type-check.

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

/** What the platform's docs say of one endpoint, and what it may answer with. */
export interface EndpointDocs {
  /** How much of this endpoint the platform documents. */
  readonly documented: EndpointDocumentation;
  /** The PLATFORM.md tags of the pages that describe (or, when modelled, mention) this endpoint. */
  readonly platformDocs: readonly PlatformDocTag[];
  /**
   * Every error code the endpoint may answer with (the sandbox answers each); the status of each is in
   * `DOCUMENTED_ERROR_CODES` / `MODELLED_ERROR_CODES`.
   */
  readonly errors: readonly EndpointErrorCode[];
}

/** Every endpoint may be rate limited or fail. */
const ANY = ["RATE_LIMITED", "INTERNAL"] as const;
/** A mutation without, with a reused or with a still-running `Idempotency-Key`. */
const IDEMPOTENT = ["IDEMPOTENCY_KEY_REQUIRED", "IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_IN_PROGRESS"] as const;
/** An endpoint that reads a JSON body: malformed or oversized. */
const BODY = ["VALIDATION_FAILED", "PAYLOAD_TOO_LARGE"] as const;

/** What the platform documents of each endpoint of {@link ENDPOINTS}, and its error codes, by operation name. */
export const ENDPOINT_DOCS = {
  createSession: {
    documented: "full",
    platformDocs: ["L4", "L2"],
    errors: ["AUTH_INVALID_API_KEY", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  refreshSession: {
    documented: "modelled",
    platformDocs: [],
    errors: ["AUTH_INVALID_API_KEY", "AUTH_INVALID_SESSION", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  createJourney: {
    documented: "full",
    platformDocs: ["L3"],
    errors: ["AUTH_INVALID_SESSION", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  listJourneys: {
    documented: "path",
    platformDocs: ["S", "L8"],
    errors: ["AUTH_INVALID_SESSION", ...ANY],
  },
  getJourney: {
    documented: "path",
    platformDocs: ["S", "L8"],
    errors: ["AUTH_INVALID_API_KEY", "AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  getJourneyState: {
    documented: "path",
    platformDocs: ["L2", "L3", "S"],
    errors: ["AUTH_INVALID_API_KEY", "AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  resumeJourney: {
    documented: "path",
    platformDocs: ["S", "L8"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...IDEMPOTENT, ...ANY],
  },
  getProfile: {
    documented: "path",
    platformDocs: ["L3", "L8"],
    errors: ["AUTH_INVALID_SESSION", ...ANY],
  },
  upsertProfile: {
    documented: "path",
    platformDocs: ["L3", "L8", "C4"],
    errors: ["AUTH_INVALID_SESSION", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  submitProfile: {
    documented: "path",
    platformDocs: ["L3", "L7"],
    errors: ["AUTH_INVALID_SESSION", "INVALID_STATE", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  listOffers: {
    documented: "modelled",
    platformDocs: ["L2", "L3"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  proceedOffer: {
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
    documented: "path",
    platformDocs: ["L3"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  getStep: {
    documented: "modelled",
    platformDocs: ["L3"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  stepAction: {
    documented: "modelled",
    platformDocs: ["L2", "S"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  createConsent: {
    documented: "modelled",
    platformDocs: ["S", "L8"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  getConsent: {
    documented: "modelled",
    platformDocs: ["S", "L8"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", ...ANY],
  },
  getLoan: {
    documented: "modelled",
    platformDocs: ["L2", "S"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...ANY],
  },
  getSchedule: {
    documented: "modelled",
    platformDocs: ["L2", "S"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...ANY],
  },
  requestForeclosure: {
    documented: "modelled",
    platformDocs: ["L2", "S"],
    errors: ["AUTH_INVALID_SESSION", "NOT_FOUND", "INVALID_STATE", ...IDEMPOTENT, ...ANY],
  },
  getWebhookConfiguration: {
    documented: "path",
    platformDocs: ["C1", "C13", "C14"],
    errors: ["AUTH_INVALID_API_KEY", "NOT_FOUND", ...ANY],
  },
  subscribeWebhooks: {
    documented: "full",
    platformDocs: ["C1", "C13", "C14"],
    errors: ["AUTH_INVALID_API_KEY", "NOT_FOUND", ...BODY, ...IDEMPOTENT, ...ANY],
  },
  unsubscribeWebhooks: {
    documented: "full",
    platformDocs: ["C1", "C13", "C14"],
    errors: ["AUTH_INVALID_API_KEY", "NOT_FOUND", ...IDEMPOTENT, ...ANY],
  },
} as const satisfies { readonly [Name in EndpointName]: EndpointDocs };
