import type { WebhookConfiguration } from "../contract/index.js";
import { generateWebhookSecret } from "./webhook-signer.js";
import type { WebhookDispatcher, WebhookEndpoint, WebhookScope } from "./webhooks.js";

/**
 * The application's webhook subscription [C1] [C13] [C14]: one callback URL at a time. Subscribe sets the URL and
 * issues it a new signing secret (replacing any previous URL and secret); Un-Subscribe switches delivery off,
 * forgets the URL and deactivates the secret. Deliveries go through the {@link WebhookDispatcher} like those of
 * the endpoints registered with `startSandbox({ webhooks })` or `control.addWebhookEndpoint`, which stay as they
 * are: the subscription is one more endpoint on top. If the subscribed URL is one of those, it is signed with the
 * subscription's secret while subscribed and gets its own registration back afterwards.
 */
export class WebhookSubscription {
  private url: string | null = null;
  private secret: string | null = null;
  /** The secret a rotation replaced, still signing until the rotation finishes. */
  private previous: string | null = null;
  /** The control-registered endpoint the subscription's URL replaced in the dispatcher, if any. */
  private displaced: WebhookEndpoint | undefined;

  constructor(
    private readonly webhooks: WebhookDispatcher,
    readonly scope: WebhookScope,
  ) {}

  /** The four documented fields [C13]: `webhook_url` is null and `webhook_enabled` false when unsubscribed. */
  configuration(): WebhookConfiguration {
    return {
      tenant_id: this.scope.tenantID,
      application_id: this.scope.applicationID,
      webhook_enabled: this.url !== null,
      webhook_url: this.url,
    };
  }

  /**
   * Subscribes `url` under a fresh secret (how the platform issues it is not documented), replacing any previous
   * subscription. The caller has validated the URL.
   * @throws {TypeError} when the dispatcher refuses the URL (malformed).
   */
  subscribe(url: string): WebhookConfiguration {
    this.leave();
    const secret = generateWebhookSecret();
    const displaced = this.webhooks.list().find((endpoint) => endpoint.url === url);
    this.webhooks.register(url, [secret]);
    this.displaced = displaced;
    this.url = url;
    this.secret = secret;
    return this.configuration();
  }

  /** Switches delivery off, forgets the URL and deactivates the secret; answers the (disabled) configuration. */
  unsubscribe(): WebhookConfiguration {
    this.leave();
    return this.configuration();
  }

  /**
   * Sandbox-only (the platform documents no rotation): issues the subscription a new secret and signs with both,
   * the new one first, until {@link finishRotation}; returns the new secret, `undefined` when unsubscribed.
   */
  rotateSecret(): string | undefined {
    if (this.url === null || this.secret === null) return undefined;
    const next = generateWebhookSecret();
    this.previous = this.secret;
    this.secret = next;
    this.webhooks.register(this.url, [next, this.previous]);
    return next;
  }

  /** Sandbox-only: ends a rotation, the previous secret no longer signing. Returns whether one was running. */
  finishRotation(): boolean {
    if (this.url === null || this.secret === null || this.previous === null) return false;
    this.previous = null;
    this.webhooks.register(this.url, [this.secret]);
    return true;
  }

  /**
   * `control.addWebhookEndpoint`: registers an endpoint; when it is the subscribed URL, it is kept as the endpoint
   * given back when the subscription ends, and the subscription goes on signing with its own secret.
   * @throws {TypeError} when the URL is not an absolute http(s) URL or a secret is not a non-empty string.
   */
  addEndpoint(url: string, secrets?: readonly string[]): WebhookEndpoint {
    const endpoint = this.webhooks.register(url, secrets);
    if (url !== this.url || this.secret === null) return endpoint;
    this.displaced = endpoint;
    this.webhooks.register(url, this.previous === null ? [this.secret] : [this.secret, this.previous]);
    return endpoint;
  }

  /**
   * `control.removeWebhookEndpoint`: removes an endpoint; when it is the subscribed URL, only the registration the
   * subscription displaced is forgotten (delivery goes on while subscribed). Returns whether there was one.
   */
  removeEndpoint(url: string): boolean {
    if (url !== this.url) return this.webhooks.unregister(url);
    const had = this.displaced !== undefined;
    this.displaced = undefined;
    return had;
  }

  /** Sandbox-only: the active subscription's signing secret, `undefined` when unsubscribed. */
  currentSecret(): string | undefined {
    return this.secret ?? undefined;
  }

  /** Drops the current subscription from the dispatcher, giving a displaced endpoint its registration back. */
  private leave(): void {
    if (this.url === null) return;
    if (this.displaced) this.webhooks.register(this.displaced.url, this.displaced.secrets);
    else this.webhooks.unregister(this.url);
    this.url = null;
    this.secret = null;
    this.previous = null;
    this.displaced = undefined;
  }
}
