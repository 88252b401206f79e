import { WEBHOOK_HEADERS } from "../../contract/index.js";
import { utf8 } from "./encoding.js";
import { webHmac } from "./hmac-web.js";
import { secretList, type WebhookSecrets } from "./secrets.js";
import { signedPrefix } from "./verify.js";

/** The `X-AL-*` headers of one signed delivery [L6] (lower-case). */
// A type alias rather than an interface so it is assignable to header records and `HeadersInit`.
export type SignedWebhookHeaders = {
  readonly "x-al-event-id": string;
  readonly "x-al-tenant-id"?: string;
  readonly "x-al-application-id"?: string;
  readonly "x-al-webhook-timestamp": string;
  readonly "x-al-webhook-signature": string;
};

/** What {@link signWebhook} signs. */
export interface SignWebhookInput {
  /** The event id, the same on every retry (`X-AL-Event-ID`, and the body's `event_id`). */
  readonly eventID: string;
  /** When it was sent: a `Date` or epoch ms; sent as Unix seconds unless `timestampUnit` says otherwise. */
  readonly timestamp: Date | number;
  /** `X-AL-Webhook-Timestamp` in Unix seconds (default) or milliseconds: the docs leave the unit open. */
  readonly timestampUnit?: "s" | "ms";
  /** The exact body bytes that will be sent (a string is sent as UTF-8). */
  readonly body: string | Uint8Array;
  /** One secret, or several during a rotation: one hex signature each, comma-separated (modelled). */
  readonly secrets: WebhookSecrets;
  /** `X-AL-Tenant-ID` / `X-AL-Application-ID`, when the delivery should carry them. */
  readonly tenantID?: string;
  readonly applicationID?: string;
}

/**
 * Signs a delivery as the platform does [L6] (hex HMAC-SHA256 of `` `${timestamp}.${rawBody}` ``) on Web Crypto,
 * for tests and for partners' own tests.
 * @throws {WebhookSecretError} when no secret is given or one is not a non-empty string (rejects the promise).
 * @throws {TypeError} naming `input`, `eventID`, `timestamp` or `body`: not an object, not a non-empty string, not a
 *   valid date or finite epoch ms, not a string or bytes (rejects).
 */
export async function signWebhook(input: SignWebhookInput): Promise<SignedWebhookHeaders> {
  if (typeof input !== "object" || input === null)
    throw new TypeError("input must be an object ({ eventID, timestamp, body, secrets })");
  if (typeof input.eventID !== "string" || input.eventID.length === 0)
    throw new TypeError("eventID must be a non-empty string");
  const given: unknown = input.timestamp;
  const ms = typeof given === "number" ? given : given instanceof Date ? given.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new TypeError("timestamp must be a valid Date or epoch milliseconds");
  if (typeof input.body !== "string" && !(input.body instanceof Uint8Array))
    throw new TypeError("body must be the raw body, a string or a Uint8Array");
  const timestamp = String(input.timestampUnit === "ms" ? Math.floor(ms) : Math.floor(ms / 1000));
  const signers = await webHmac(secretList(input.secrets));
  const body = typeof input.body === "string" ? utf8(input.body) : input.body;
  const prefix = signedPrefix(timestamp);
  const signatures = await Promise.all(signers.map((signer) => signer.sign(prefix, body)));
  return {
    [WEBHOOK_HEADERS.eventID]: input.eventID,
    ...(input.tenantID === undefined ? {} : { [WEBHOOK_HEADERS.tenantID]: input.tenantID }),
    ...(input.applicationID === undefined ? {} : { [WEBHOOK_HEADERS.applicationID]: input.applicationID }),
    [WEBHOOK_HEADERS.timestamp]: timestamp,
    [WEBHOOK_HEADERS.signature]: signatures.join(", "),
  } as SignedWebhookHeaders;
}
