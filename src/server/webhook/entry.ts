import type { WebhookHandler, WebhookHandlerOptions } from "../webhook-handler.js";
import { handlerFactory } from "../webhook-handler.js";
import type { WebhookHeaders } from "./headers.js";
import type { HmacFactory } from "./hmac.js";
import type { WebhookSecrets } from "./secrets.js";
import {
  type RawBody,
  rawBodyBytes,
  type VerifiedSignature,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  verifierFactory,
  type WebhookVerifier,
} from "./verify.js";

/** The webhook functions of one entry, bound to its HMAC (`node:crypto` on Node, Web Crypto on the edge). */
export interface WebhookFunctions {
  createWebhookVerifier(secrets: WebhookSecrets, defaults?: VerifyWebhookOptions): Promise<WebhookVerifier>;
  verifySignature(
    rawBody: RawBody,
    headers: WebhookHeaders,
    secrets: WebhookSecrets,
    options?: VerifyWebhookOptions,
  ): Promise<VerifiedSignature>;
  verifyWebhook(
    rawBody: RawBody,
    headers: WebhookHeaders,
    secrets: WebhookSecrets,
    options?: VerifyWebhookOptions,
  ): Promise<VerifiedWebhook>;
  createWebhookHandler(options: WebhookHandlerOptions): Promise<WebhookHandler>;
}

/** Binds the verifier, the one-shot verifications and the handler to `hmac`. Never throws. */
export function webhookFunctions(hmac: HmacFactory): WebhookFunctions {
  const createWebhookVerifier = verifierFactory(hmac);
  return {
    createWebhookVerifier,
    async verifySignature(rawBody, headers, secrets, options = {}) {
      rawBodyBytes(rawBody);
      return (await createWebhookVerifier(secrets, options)).verifySignature(rawBody, headers);
    },
    async verifyWebhook(rawBody, headers, secrets, options = {}) {
      rawBodyBytes(rawBody);
      return (await createWebhookVerifier(secrets, options)).verify(rawBody, headers);
    },
    createWebhookHandler: handlerFactory(createWebhookVerifier),
  };
}
