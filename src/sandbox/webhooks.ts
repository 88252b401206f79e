import type { WebhookEnvelope } from "../contract/index.js";
import type { SandboxClock } from "./clock.js";
import type { FaultInjector } from "./faults.js";
import type { SandboxTimings } from "./options.js";
import type { SeededRandom } from "./random.js";
import type { SandboxJourneyState } from "./records.js";
import { secretKey, signWebhook } from "./webhook-signer.js";

/** A registered webhook endpoint and the secrets that sign its deliveries. */
export interface WebhookEndpoint {
  readonly url: string;
  secrets: readonly string[];
}

/** One delivery attempt, as the delivery log records it. */
export interface WebhookAttempt {
  readonly eventId: string;
  readonly endpoint: string;
  readonly journeyID: string;
  /** The event's `createdAt`: the state's order key. */
  readonly createdAt: string;
  readonly attempt: number;
  /** HTTP status, or 0 when the request failed (network error, timeout). */
  readonly status: number;
  readonly error?: string;
  readonly at: string;
  /** True for a copy sent by the duplication fault. */
  readonly duplicate: boolean;
}

/** An event's delivery to one endpoint, with its outcome so far. */
export interface WebhookDelivery {
  readonly event: WebhookEnvelope;
  readonly endpoint: string;
  attempts: number;
  state: "pending" | "delivered" | "failed";
}

/**
 * Delivers `journey.snapshot` events to every endpoint, signed Standard Webhooks v1, at least once:
 * retries with backoff on the sandbox clock after any non-2xx or network error; the same id every time.
 */
export class WebhookDispatcher {
  private readonly endpoints = new Map<string, WebhookEndpoint>();
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly attemptLog: WebhookAttempt[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborter = new AbortController();
  private closed = false;

  constructor(
    private readonly clock: SandboxClock,
    private readonly timings: SandboxTimings,
    private readonly faults: FaultInjector,
    private readonly random: SeededRandom,
    private readonly defaultSecret: string,
  ) {}

  /**
   * Registers (or replaces) an endpoint; without secrets it uses the sandbox's secret.
   * @throws {TypeError} when the URL or a secret is malformed.
   */
  register(url: string, secrets?: readonly string[]): WebhookEndpoint {
    new URL(url);
    const list = secrets && secrets.length > 0 ? [...secrets] : [this.defaultSecret];
    for (const secret of list) secretKey(secret);
    const endpoint: WebhookEndpoint = { url, secrets: list };
    this.endpoints.set(url, endpoint);
    return endpoint;
  }

  /** Removes an endpoint; returns whether it existed. */
  unregister(url: string): boolean {
    return this.endpoints.delete(url);
  }

  /** The registered endpoints. */
  list(): WebhookEndpoint[] {
    return [...this.endpoints.values()].map((e) => ({ url: e.url, secrets: [...e.secrets] }));
  }

  /** Every attempt so far, in the order they finished. */
  log(): WebhookAttempt[] {
    return [...this.attemptLog];
  }

  /** Every delivery (event × endpoint) and its state. */
  all(): WebhookDelivery[] {
    return [...this.deliveries];
  }

  /** Queues a snapshot as a `journey.snapshot` event to every endpoint. */
  emit(snapshot: SandboxJourneyState, correlationID: string | undefined): void {
    if (this.closed || this.endpoints.size === 0) return;
    const event: WebhookEnvelope = {
      id: this.random.id("evt"),
      type: "journey.snapshot",
      createdAt: this.clock.stamp(),
      ...(correlationID ? { correlationID } : {}),
      data: snapshot,
    };
    for (const endpoint of this.endpoints.values()) {
      const delivery: WebhookDelivery = { event, endpoint: endpoint.url, attempts: 0, state: "pending" };
      this.deliveries.push(delivery);
      const faults = this.faults.webhook();
      const reorder = faults.reorderWindowMs ? this.faults.int(0, faults.reorderWindowMs) : 0;
      const delay = (faults.delayMs ?? 0) + reorder;
      this.schedule(delivery, delay);
      if (this.faults.chance(faults.duplicateRate ?? 0)) {
        const copyDelay =
          (faults.delayMs ?? 0) + (faults.reorderWindowMs ? this.faults.int(0, faults.reorderWindowMs) : 0);
        this.schedule(delivery, copyDelay, true);
      }
    }
  }

  /** Resolves once no delivery attempt is in flight (pending retries wait for the clock). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops delivering: aborts in-flight requests and drops pending retries. */
  close(): void {
    this.closed = true;
    this.aborter.abort();
  }

  private schedule(delivery: WebhookDelivery, delayMs: number, duplicate = false): void {
    const run = () => {
      if (this.closed) return;
      const attempt = this.attempt(delivery, duplicate).finally(() => this.inFlight.delete(attempt));
      this.inFlight.add(attempt);
    };
    if (delayMs <= 0) run();
    else this.clock.setTimer(run, delayMs);
  }

  private async attempt(delivery: WebhookDelivery, duplicate: boolean): Promise<void> {
    const endpoint = this.endpoints.get(delivery.endpoint);
    if (!duplicate && delivery.state !== "pending") return;
    if (!endpoint) {
      // The endpoint was unregistered while the delivery waited: nobody to deliver to.
      delivery.state = "failed";
      return;
    }
    const secrets = endpoint.secrets;
    const attemptNo = duplicate ? delivery.attempts : ++delivery.attempts;
    const body = JSON.stringify(delivery.event);
    const timestamp = Math.floor(this.clock.now() / 1000);
    let status = 0;
    let error: string | undefined;
    try {
      const response = await fetch(delivery.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": delivery.event.id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signWebhook(secrets, delivery.event.id, timestamp, body),
          "user-agent": "credit-journey-sandbox",
        },
        body,
        signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(10_000)]),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    if (this.closed) return;
    this.attemptLog.push({
      eventId: delivery.event.id,
      endpoint: delivery.endpoint,
      journeyID: delivery.event.data.journeyID,
      createdAt: delivery.event.createdAt,
      attempt: attemptNo,
      status,
      ...(error ? { error } : {}),
      at: this.clock.nowIso(),
      duplicate,
    });
    if (duplicate) return;
    if (status >= 200 && status < 300) {
      delivery.state = "delivered";
      return;
    }
    if (delivery.attempts >= this.timings.webhookMaxAttempts) {
      delivery.state = "failed";
      return;
    }
    const backoff = this.timings.webhookBackoff;
    const wait = backoff[Math.min(delivery.attempts - 1, backoff.length - 1)] ?? 1000;
    this.schedule(delivery, wait);
  }
}
