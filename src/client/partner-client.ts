import {
  type CreateSessionRequest,
  type CreateSessionResponse,
  type EndpointName,
  type Journey,
  PlatformUuid,
  type RefreshSessionResponse,
  type WebhookConfiguration,
} from "../contract/index.js";
import type { ConditionalCallOptions } from "./borrower-client.js";
import { assertPartnerCredential, assertServerEnvironment } from "./credentials.js";
import { ClientConfigError } from "./errors.js";
import type { RequestSpec } from "./request.js";
import { type JourneyStateResult, toJourneyStateResult } from "./results.js";
import { type CommonClientOptions, resolveSettings } from "./settings.js";
import {
  type CallOptions,
  type CredentialSource,
  send,
  sendForBody,
  type TransportSettings,
  type WithMeta,
} from "./transport.js";

/** Options of {@link createPartnerClient}. */
export interface PartnerClientOptions extends CommonClientOptions {
  /** The partner's API key, `sk_test_…` or `sk_live_…`. Never ship it to a browser or an app. */
  readonly apiKey: string;
  /**
   * Vouches that this runs on a server although `window` or `document` exists (a test DOM, an SSR runtime).
   * Without it the client refuses to be created in a browser-like environment.
   */
  readonly serverSide?: boolean;
  /** The tenant's id (a UUID): needed by the webhook subscription methods only. */
  readonly tenantID?: string;
  /** The application's id (a UUID), of the same tenant as the API key: needed by the webhook subscription methods only. */
  readonly applicationID?: string;
}

/**
 * The partner backend's client: sessions, refresh, read-only journey views and the application's webhook
 * subscription. Every method rejects with `ApiError` typed by `code` (platform error codes, NETWORK, TIMEOUT,
 * ABORTED, CONTRACT, INVALID_REQUEST, HTTP_ERROR); the webhook subscription methods also with `ClientConfigError`
 * when `tenantID` or `applicationID` was not configured.
 */
export interface PartnerClient {
  /** `POST /sessions`: a borrower session; the borrower's open journey is resumed. @throws {ApiError} */
  createSession(
    request: CreateSessionRequest,
    options?: CallOptions,
  ): Promise<WithMeta<CreateSessionResponse>>;
  /**
   * `POST /sessions/refresh`: rotates `refreshToken` into a new pair. Retries reuse the Idempotency-Key and
   * the token, which the platform's 10 s grace window answers with the current pair.
   * @throws {ApiError} AUTH_INVALID_SESSION when the token was rotated out, expired or revoked (the family is revoked).
   */
  refreshSession(refreshToken: string, options?: CallOptions): Promise<WithMeta<RefreshSessionResponse>>;
  /** `GET /journeys/{id}` with the API key. @throws {ApiError} */
  getJourney(journeyID: string, options?: CallOptions): Promise<WithMeta<Journey>>;
  /** `GET /journeys/{id}/state` with the API key, conditional on `options.etag`. @throws {ApiError} */
  getJourneyState(journeyID: string, options?: ConditionalCallOptions): Promise<JourneyStateResult>;
  /** `GET /api/tenants/{tenantID}/applications/{applicationID}/webhooks/configuration` [C1]: the application's webhook status and URL. @throws {ClientConfigError} without `tenantID`/`applicationID` @throws {ApiError} */
  getWebhookConfiguration(options?: CallOptions): Promise<WithMeta<WebhookConfiguration>>;
  /** `POST …/webhooks/subscribe` [C13]: sets the application's one callback URL (replacing any other); the signing secret is not in the answer. @throws {ClientConfigError} without `tenantID`/`applicationID` @throws {ApiError} INVALID_REQUEST naming `url` (before sending) for a malformed or non-`https:` URL */
  subscribeWebhooks(url: string, options?: CallOptions): Promise<WithMeta<WebhookConfiguration>>;
  /** `POST …/webhooks/unsubscribe` [C14]: switches delivery off, forgets the URL and deactivates the signing secret. @throws {ClientConfigError} without `tenantID`/`applicationID` @throws {ApiError} */
  unsubscribeWebhooks(options?: CallOptions): Promise<WithMeta<WebhookConfiguration>>;
}

/** An optional UUID option: absent, or the 8-4-4-4-12 hex form. @throws {ClientConfigError} naming `field`. */
function optionalUuid(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !PlatformUuid.safeParse(value).success)
    throw new ClientConfigError(field, "must be a UUID (8-4-4-4-12 hex digits)");
  return value;
}

/**
 * Creates the partner backend's client.
 * @throws {ScopeError} NOT_AN_API_KEY for anything but an `sk_…` key; PARTNER_CLIENT_IN_BROWSER
 *   where `window` or `document` exists and `serverSide` is not true. Both before any request.
 * @throws {ClientConfigError} naming the first missing or malformed option (`tenantID` and `applicationID`,
 *   when given, must be UUIDs).
 */
export function createPartnerClient(options: PartnerClientOptions): PartnerClient {
  if (typeof options !== "object" || options === null)
    throw new ClientConfigError("options", "must be an object of client options");
  assertServerEnvironment(options.serverSide);
  if (typeof options.apiKey !== "string" || options.apiKey.length === 0)
    throw new ClientConfigError("apiKey", "must be the partner's API key (sk_…)");
  assertPartnerCredential(options.apiKey);
  const tenantID = optionalUuid(options.tenantID, "tenantID");
  const applicationID = optionalUuid(options.applicationID, "applicationID");
  const settings: TransportSettings = resolveSettings(options);
  const apiKey = options.apiKey;
  const credentials: CredentialSource = { current: async () => apiKey, check: assertPartnerCredential };

  const call = <Name extends EndpointName>(spec: RequestSpec<Name>, callOptions?: CallOptions) =>
    sendForBody(settings, credentials, spec, callOptions);
  /** The path params of the webhook subscription endpoints; rejects naming the option that was not configured. */
  const application = async (): Promise<Record<"tenantID" | "applicationID", string>> => {
    if (tenantID === undefined)
      throw new ClientConfigError(
        "tenantID",
        "pass tenantID to createPartnerClient to use the webhook subscription",
      );
    if (applicationID === undefined)
      throw new ClientConfigError(
        "applicationID",
        "pass applicationID to createPartnerClient to use the webhook subscription",
      );
    return { tenantID, applicationID };
  };

  return {
    createSession: (request, o) => call({ endpoint: "createSession", body: request }, o),
    refreshSession: (refreshToken, o) => call({ endpoint: "refreshSession", body: { refreshToken } }, o),
    getJourney: (journeyID, o) => call({ endpoint: "getJourney", params: { journeyID } }, o),
    async getJourneyState(journeyID, o) {
      const spec: RequestSpec<"getJourneyState"> = {
        endpoint: "getJourneyState",
        params: { journeyID },
        ...(o?.etag === undefined ? {} : { etag: o.etag }),
      };
      return toJourneyStateResult(await send(settings, credentials, spec, o));
    },
    getWebhookConfiguration: async (o) =>
      call({ endpoint: "getWebhookConfiguration", params: await application() }, o),
    subscribeWebhooks: async (url, o) =>
      call({ endpoint: "subscribeWebhooks", params: await application(), body: { url } }, o),
    unsubscribeWebhooks: async (o) =>
      call({ endpoint: "unsubscribeWebhooks", params: await application() }, o),
  };
}
