import {
  JOURNEY_SNAPSHOT_EVENT,
  WEBHOOK_HEADERS,
  type WebhookBody,
  type WebhookJourney,
} from "../contract/index.js";
import type { SandboxClock } from "./clock.js";
import type { FaultInjector } from "./faults.js";
import { isHttpUrl, type SandboxTimings } from "./options.js";
import type { SeededRandom } from "./random.js";
import type { SandboxJourneyState } from "./records.js";
import { RingLog } from "./ring-log.js";
import { checkWebhookSecret, signWebhook } from "./webhook-signer.js";

/** A registered webhook endpoint and the secrets that sign its deliveries. */
export interface WebhookEndpoint {
  readonly url: string;
  secrets: readonly string[];
}

/** One delivery attempt, as the delivery log records it. */
export interface WebhookAttempt {
  /** The body's `event_id` (also `X-AL-Event-ID`), the same on every attempt. */
  readonly eventId: string;
  readonly endpoint: string;
  readonly journeyID: string;
  /** The body's `snapshot_generated_at`: the state's order key. */
  readonly snapshotGeneratedAt: string;
  readonly attempt: number;
  /** HTTP status, or 0 when the request failed (network error, timeout). */
  readonly status: number;
  readonly error?: string;
  readonly at: string;
  /** True for a copy sent by the duplication fault. */
  readonly duplicate: boolean;
}

/**
 * The body the sandbox sends: a {@link WebhookBody} [L6] with every documented field present and exactly one
 * journey, in the thin form (`journeyID`, `status`, `nextAction`).
 */
export interface SandboxWebhookBody extends WebhookBody {
  readonly schema_version: "1.0.0";
  readonly event_type: typeof JOURNEY_SNAPSHOT_EVENT;
  readonly event_at: string;
  readonly snapshot_generated_at: string;
  readonly sequence: number;
  readonly issuer: { readonly source: "credit-api"; readonly trigger: string };
  readonly tenant_id: string;
  readonly application_id: string;
  readonly borrower: { readonly borrowerExternalID: string; readonly journeys: [WebhookJourney] };
}

/** An event's delivery to one endpoint, with its outcome so far. */
export interface WebhookDelivery {
  /** The `journey.snapshot` body [L6], the same (byte for byte) on every attempt. */
  readonly body: SandboxWebhookBody;
  /** The correlation id of the call that caused the change (not in the body: the docs name no such field). */
  readonly correlationID?: string;
  readonly endpoint: string;
  attempts: number;
  state: "pending" | "delivered" | "failed";
}

/** The tenant and application a sandbox delivers for (UUIDs [L6]). */
export interface WebhookScope {
  readonly tenantID: string;
  readonly applicationID: string;
}

/** Crockford's base32: the alphabet of ids like `evt_01JB2X4CE6` [L6]. */
const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The issuer's `trigger` [L6]: a short dotted name of what changed since the journey's previous state. */
function triggerOf(previous: SandboxJourneyState | undefined, next: SandboxJourneyState): string {
  if (!previous) return "journey.created";
  if (previous.status !== next.status) return "journey.status.updated";
  if (previous.lockedOfferID !== next.lockedOfferID || previous.offerCount !== next.offerCount)
    return "journey.offer.updated";
  if (
    previous.nextAction !== next.nextAction ||
    JSON.stringify(previous.actionRequired) !== JSON.stringify(next.actionRequired)
  )
    return "journey.step.updated";
  return "journey.updated";
}

/**
 * Delivers `journey.snapshot` events to every endpoint the documented way [L6] (`X-AL-*` headers, hex HMAC-SHA256
 * over `` `${timestamp}.${rawBody}` ``), at least once: retries with backoff on the sandbox clock after any non-2xx
 * or network error, the same `event_id` and body every time (timestamp and signature are per attempt).
 */
export class WebhookDispatcher {
  private readonly endpoints = new Map<string, WebhookEndpoint>();
  private readonly deliveries: RingLog<WebhookDelivery>;
  private readonly attemptLog: RingLog<WebhookAttempt>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborter = new AbortController();
  /** Each body's exact bytes, serialised once at emission. */
  private readonly raw = new WeakMap<SandboxWebhookBody, string>();
  /** Each journey's previous state, to name the `trigger` of the next. */
  private readonly previous = new Map<string, SandboxJourneyState>();
  private closed = false;

  constructor(
    private readonly clock: SandboxClock,
    private readonly timings: SandboxTimings,
    private readonly faults: FaultInjector,
    private readonly random: SeededRandom,
    private readonly defaultSecret: string,
    private readonly scope: WebhookScope,
    logCapacity = Number.POSITIVE_INFINITY,
  ) {
    this.deliveries = new RingLog(logCapacity);
    this.attemptLog = new RingLog(logCapacity);
  }

  /** How many deliveries, attempts and per-journey previous states are held. */
  sizes(): { deliveries: number; attempts: number; journeys: number } {
    return {
      deliveries: this.deliveries.length,
      attempts: this.attemptLog.length,
      journeys: this.previous.size,
    };
  }

  /** Forgets what it remembers of a journey the engine dropped (its previous state); never throws. */
  forget(journeyID: string): void {
    this.previous.delete(journeyID);
  }

  /**
   * Registers (or replaces) an endpoint; without secrets it uses the sandbox's secret.
   * @throws {TypeError} when the URL is not an absolute http(s) URL or a secret is not a non-empty string.
   */
  register(url: string, secrets?: readonly string[]): WebhookEndpoint {
    if (!isHttpUrl(url))
      throw new TypeError(`webhook url must be an absolute http(s) URL, got ${String(url).slice(0, 80)}`);
    const list = secrets && secrets.length > 0 ? [...secrets] : [this.defaultSecret];
    list.forEach((secret, i) => {
      checkWebhookSecret(secret, `secrets[${i}]`);
    });
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

  /** Every attempt kept (the newest `limits.webhookLog`), in the order they finished. */
  log(): WebhookAttempt[] {
    return this.attemptLog.toArray();
  }

  /** Every delivery kept (the newest `limits.webhookLog`, event × endpoint) and its state, in emission order. */
  all(): WebhookDelivery[] {
    return this.deliveries.toArray();
  }

  /**
   * Queues a snapshot as a `journey.snapshot` event to every endpoint: the thin journey (`journeyID`, `status`,
   * `nextAction`) only, stamped now (`snapshot_generated_at` = `event_at`, strictly later than any stamp before;
   * `sequence` its epoch milliseconds, so strictly increasing in emission order).
   */
  emit(snapshot: SandboxJourneyState, correlationID: string | undefined, borrowerExternalID: string): void {
    const trigger = triggerOf(this.previous.get(snapshot.journeyID), snapshot);
    this.previous.set(snapshot.journeyID, snapshot);
    if (this.closed) return;
    // Drawn whether or not anyone listens: an endpoint added mid-run leaves every later seeded id as it was.
    const stamp = this.clock.stamp();
    const eventID = this.eventId();
    if (this.endpoints.size === 0) return;
    const body: SandboxWebhookBody = {
      schema_version: "1.0.0",
      event_type: JOURNEY_SNAPSHOT_EVENT,
      event_id: eventID,
      event_at: stamp,
      snapshot_generated_at: stamp,
      sequence: Date.parse(stamp),
      issuer: { source: "credit-api", trigger },
      tenant_id: this.scope.tenantID,
      application_id: this.scope.applicationID,
      borrower: {
        borrowerExternalID,
        journeys: [
          { journeyID: snapshot.journeyID, status: snapshot.status, nextAction: snapshot.nextAction },
        ],
      },
    };
    this.raw.set(body, JSON.stringify(body));
    for (const endpoint of this.endpoints.values()) {
      const delivery: WebhookDelivery = {
        body,
        ...(correlationID ? { correlationID } : {}),
        endpoint: endpoint.url,
        attempts: 0,
        state: "pending",
      };
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

  /** `evt_` and 10 base32 characters from the seeded random, like `evt_01JB2X4CE6` [L6]. */
  private eventId(): string {
    let id = "evt_";
    for (let i = 0; i < 10; i++) id += BASE32[Math.floor(this.random.next() * BASE32.length)];
    return id;
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
    const { body } = delivery;
    const rawBody = this.raw.get(body) ?? JSON.stringify(body);
    const attemptNo = duplicate ? delivery.attempts : ++delivery.attempts;
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    let status = 0;
    let error: string | undefined;
    try {
      const response = await fetch(delivery.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [WEBHOOK_HEADERS.eventID]: body.event_id,
          [WEBHOOK_HEADERS.tenantID]: this.scope.tenantID,
          [WEBHOOK_HEADERS.applicationID]: this.scope.applicationID,
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: signWebhook(endpoint.secrets, timestamp, rawBody),
          "user-agent": "credit-journey-sandbox",
        },
        body: rawBody,
        // A redirect is answered as it is, a non-2xx retried: followed, it would turn the POST into a body-less GET
        // (signed headers and all) to wherever it points, and its 200 would count as delivered.
        redirect: "manual",
        signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(10_000)]),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    if (this.closed) return;
    this.attemptLog.push({
      eventId: body.event_id,
      endpoint: delivery.endpoint,
      journeyID: body.borrower.journeys[0].journeyID,
      snapshotGeneratedAt: body.snapshot_generated_at,
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
