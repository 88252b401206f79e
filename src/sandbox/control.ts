import type { AaConsent, Installment, JourneyData, Step } from "../contract/index.js";
import type { CredentialStore } from "./auth.js";
import type { SandboxClock } from "./clock.js";
import type { LifecycleEngine } from "./engine.js";
import type { FaultInjector } from "./faults.js";
import type { MutationLogEntry, RequestLogEntry } from "./logs.js";
import type { SandboxFaults } from "./options.js";
import type { RateLimiter } from "./rate-limit.js";
import type { JourneyRecord, SandboxJourneyState } from "./records.js";
import type { RingLog } from "./ring-log.js";
import { SCENARIOS, type Scenario, type ScenarioName } from "./scenarios.js";
import type { WebhookSubscription } from "./subscription.js";
import type { WebhookAttempt, WebhookDelivery, WebhookDispatcher, WebhookEndpoint } from "./webhooks.js";

/** The sandbox's own view of a journey: the wire journey plus what only the server knows. */
export interface ServerJourneyView {
  readonly journey: JourneyData;
  readonly scenario: ScenarioName;
  readonly partnerKey: string;
  readonly consents: AaConsent[];
  readonly loanStatus: "ACTIVE" | "CLOSED" | "FORECLOSED" | undefined;
  readonly schedule: Installment[] | undefined;
  readonly pendingTimers: number;
  readonly lastCorrelationID: string | undefined;
}

/** In-process control of a running sandbox: drive steps, expire things, inject faults, read the logs. */
export interface SandboxControl {
  /**
   * Finishes the current (or given) step as the borrower would on its hosted page or form; it completes
   * after `stepProcessing` (scenario rules apply: kyc-retry fails the first KYC attempt).
   * @throws {SandboxProblem} 404 NOT_FOUND / 409 INVALID_STATE when there is no such actionable step.
   */
  completeStep(journeyID: string, stepID?: string): Step;
  /**
   * Fails the current (or given) step now; `retryable: false` rejects the journey.
   * @throws {SandboxProblem} 404 NOT_FOUND / 409 INVALID_STATE when there is no such actionable step.
   */
  failStep(journeyID: string, stepID?: string, failure?: { reasonCode?: string; retryable?: boolean }): Step;
  /**
   * Expires a journey now.
   * @throws {SandboxProblem} 404 NOT_FOUND; 409 INVALID_STATE when it already ended.
   */
  expireJourney(journeyID: string): SandboxJourneyState;
  /**
   * Makes a session or refresh token expire now.
   * @throws {SandboxProblem} 404 NOT_FOUND for an unknown token.
   */
  expireToken(token: string): void;
  /**
   * The server-side view of a journey.
   * @throws {SandboxProblem} 404 NOT_FOUND.
   */
  journey(journeyID: string): ServerJourneyView;
  /** Every journey's server-side view. */
  journeys(): ServerJourneyView[];
  /** The scenarios and their magic values. */
  scenarios(): readonly Scenario[];
  /** Replaces the fault settings. */
  setFaults(faults: SandboxFaults): void;
  /** The fault settings in force. */
  faults(): SandboxFaults;
  /** Sets the per-credential rate (requests per second); `undefined` turns limiting off. */
  setRateLimit(perSecond: number | undefined): void;
  /** Every logical mutation applied, once each, in order (the newest `limits.mutationLog`). */
  mutations(): MutationLogEntry[];
  /** Every request received, in order (the newest `limits.requestLog`). */
  requests(): RequestLogEntry[];
  /** Every webhook delivery attempt, in order. */
  webhookAttempts(): WebhookAttempt[];
  /** Every webhook delivery (event × endpoint) and its state. */
  webhookDeliveries(): WebhookDelivery[];
  /** The registered webhook endpoints. */
  webhookEndpoints(): WebhookEndpoint[];
  /**
   * Registers or replaces a webhook endpoint; pass two secrets to sign with both during a rotation.
   * @throws {TypeError} when the URL or a secret is malformed.
   */
  addWebhookEndpoint(url: string, secrets?: readonly string[]): WebhookEndpoint;
  /** Unregisters a webhook endpoint; returns whether it existed. */
  removeWebhookEndpoint(url: string): boolean;
  /**
   * Sandbox-only: the signing secret of the application's webhook subscription, issued by its last Subscribe
   * (`POST /api/tenants/{tenantID}/applications/{applicationID}/webhooks/subscribe`) and deactivated by
   * Un-Subscribe (then `undefined`). The platform's Subscribe answer does not carry the secret and its docs do
   * not say how a partner learns it [C1] [C13]; this is the sandbox's way.
   */
  subscriptionSecret(): string | undefined;
  /**
   * Rotates the subscription's secret: a new one signs beside the old (the new first) until
   * {@link finishSecretRotation}. Returns the new secret, `undefined` when unsubscribed. Sandbox-only.
   */
  rotateSubscriptionSecret(): string | undefined;
  /** Ends a rotation: only the new secret signs. Returns whether a rotation was running. Sandbox-only. */
  finishSecretRotation(): boolean;
  /** Resolves once no webhook delivery is in flight (retries still wait for the clock). */
  settle(): Promise<void>;
}

/** What the control needs from the sandbox. */
export interface ControlDeps {
  readonly engine: LifecycleEngine;
  readonly credentials: CredentialStore;
  readonly clock: SandboxClock;
  readonly faults: FaultInjector;
  readonly rateLimiter: RateLimiter;
  readonly webhooks: WebhookDispatcher;
  readonly subscription: WebhookSubscription;
  readonly mutationLog: RingLog<MutationLogEntry>;
  readonly requestLog: RingLog<RequestLogEntry>;
}

function serverView(engine: LifecycleEngine, journey: JourneyRecord): ServerJourneyView {
  return {
    journey: engine.view(journey),
    scenario: journey.scenario.name,
    partnerKey: journey.partnerKey,
    consents: [...journey.consents.values()].map((c) => ({ ...c })),
    loanStatus: journey.loan?.loan.status,
    schedule: journey.loan ? engine.schedule(journey) : undefined,
    pendingTimers: journey.timers.size + (journey.idleTimer ? 1 : 0),
    lastCorrelationID: journey.correlationID,
  };
}

/** Builds the in-process {@link SandboxControl}; never throws. */
export function createControl(deps: ControlDeps): SandboxControl {
  const { engine } = deps;
  return {
    completeStep: (journeyID, stepID) => engine.controlComplete(engine.get(journeyID), stepID),
    failStep: (journeyID, stepID, failure = {}) =>
      engine.controlFail(engine.get(journeyID), stepID, failure.reasonCode, failure.retryable ?? true),
    expireJourney: (journeyID) => engine.expire(engine.get(journeyID)),
    expireToken: (token) => deps.credentials.expire(token),
    journey: (journeyID) => serverView(engine, engine.get(journeyID)),
    journeys: () => engine.all().map((j) => serverView(engine, j)),
    scenarios: () => SCENARIOS,
    setFaults: (faults) => deps.faults.set(faults),
    faults: () => deps.faults.get(),
    setRateLimit: (perSecond) => deps.rateLimiter.setRate(perSecond),
    mutations: () => deps.mutationLog.toArray(),
    requests: () => deps.requestLog.toArray(),
    webhookAttempts: () => deps.webhooks.log(),
    webhookDeliveries: () => deps.webhooks.all(),
    webhookEndpoints: () => deps.webhooks.list(),
    addWebhookEndpoint: (url, secrets) => deps.subscription.addEndpoint(url, secrets),
    removeWebhookEndpoint: (url) => deps.subscription.removeEndpoint(url),
    subscriptionSecret: () => deps.subscription.currentSecret(),
    rotateSubscriptionSecret: () => deps.subscription.rotateSecret(),
    finishSecretRotation: () => deps.subscription.finishRotation(),
    settle: () => deps.webhooks.settle(),
  };
}
