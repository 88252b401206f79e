import * as z from "zod/mini";

/**
 * The path prefix of the webhook subscription API [C1] [C13] [C14]: outside the headless base path, scoped to one
 * tenant and one application (both UUIDs), called with that application's API key.
 */
export const WEBHOOK_SUBSCRIPTION_BASE = "/api/tenants/{tenantID}/applications/{applicationID}/webhooks";

/**
 * A tenant or application id: a UUID [C13] [C14]. Read in the 8-4-4-4-12 hex form of any version (tolerant: the
 * docs say `uuid`, not which version).
 */
export const PlatformUuid = z.guid();

/** An absolute `https:` URL: the only kind of callback URL the platform accepts [C1] [C13]. */
export const HttpsUrl = z
  .url({ protocol: /^https$/, error: "must be an absolute https: URL" })
  .check(z.maxLength(2048));

/** The body of Subscribe: `url`, the application's callback URL (string, uri, required, HTTPS) [C13]. */
export const WebhookSubscribeRequest = z.object({ url: HttpsUrl });
/** The body of Subscribe. */
export type WebhookSubscribeRequest = z.infer<typeof WebhookSubscribeRequest>;

/**
 * An application's webhook subscription, as Subscribe and Un-Subscribe answer it [C13] [C14] (and, presumably,
 * Read Configuration [C1]): `tenant_id`, `application_id`, `webhook_enabled` and `webhook_url` (null once
 * unsubscribed). The signing secret is not part of it: how it is issued is not documented.
 */
export const WebhookConfiguration = z.object({
  tenant_id: PlatformUuid,
  application_id: PlatformUuid,
  webhook_enabled: z.boolean(),
  webhook_url: z.nullable(z.url()),
});
/** An application's webhook subscription. */
export type WebhookConfiguration = z.infer<typeof WebhookConfiguration>;
