/** credit-journey/sandbox: a local platform that behaves like the real one, on loopback. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CredentialStore } from "./auth.js";
import { createSandboxClock, type SandboxClock } from "./clock.js";
import { createControl, type SandboxControl } from "./control.js";
import { checkAllowedOrigins, createOriginPolicy } from "./cors.js";
import { LifecycleEngine } from "./engine.js";
import { FaultInjector } from "./faults.js";
import { checkAllowedHosts, createHostPolicy, hostsForBinding } from "./hosts.js";
import { IdempotencyStore } from "./idempotency.js";
import { registerInternals } from "./internals.js";
import { resolveLimits, throttledSweep } from "./limits.js";
import type { MutationLogEntry, RequestLogEntry } from "./logs.js";
import {
  checkSandboxOptions,
  DEFAULT_TIMINGS,
  resolveExtensions,
  type SandboxOptions,
  type SandboxTimings,
} from "./options.js";
import { createSeededRandom, secretToken } from "./random.js";
import { RateLimiter } from "./rate-limit.js";
import { Redactor } from "./redact.js";
import { RingLog } from "./ring-log.js";
import { createRequestListener } from "./server.js";
import { WebhookSubscription } from "./subscription.js";
import { checkWebhookSecret, generateWebhookSecret } from "./webhook-signer.js";
import { WebhookDispatcher } from "./webhooks.js";

export type { ClockMode, SandboxClock } from "./clock.js";
export type { SandboxControl, ServerJourneyView } from "./control.js";
export { SANDBOX_LENDERS } from "./lenders.js";
export { DEFAULT_LIMITS } from "./limits.js";
export type { MutationLogEntry, RequestLogEntry } from "./logs.js";
export { amortise, aprPercent, emiPaise, foreclosureAmount, repaymentSchedule } from "./money.js";
export {
  DEFAULT_TIMINGS,
  type RouteFaults,
  type SandboxExtensions,
  type SandboxFaults,
  type SandboxLimits,
  type SandboxOptions,
  type SandboxTimings,
  type WebhookEndpointOptions,
  type WebhookFaults,
} from "./options.js";
export { SandboxProblem } from "./problem.js";
export { SCENARIOS, type Scenario, type ScenarioName, scenarioFor } from "./scenarios.js";
export { generateWebhookSecret, signWebhook } from "./webhook-signer.js";
export type {
  SandboxWebhookBody,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from "./webhooks.js";

/** A running sandbox. */
export interface Sandbox {
  /**
   * `http://127.0.0.1:PORT`; the API lives under `${url}/api/v1/headless`, the application's webhook subscription
   * under `${url}/api/tenants/${tenantID}/applications/${applicationID}/webhooks` (its secret: `control.subscriptionSecret()`).
   */
  readonly url: string;
  /** The partner API key (`sk_test_…`). */
  readonly apiKey: string;
  /** The sandbox's webhook secret: the first registered endpoint's first secret, else `webhookSecret`, else generated. */
  readonly webhookSecret: string;
  /** The sandbox's tenant (a UUID from its seed): `X-AL-Tenant-ID` and `tenant_id` of every webhook [L6]. */
  readonly tenantID: string;
  /** The sandbox's application (a UUID from its seed): `X-AL-Application-ID` and `application_id` [L6]. */
  readonly applicationID: string;
  /** The clock everything time-based runs on; `advance(ms)` moves it (the only way in manual mode). */
  readonly clock: SandboxClock;
  /** In-process control: drive steps, expire things, inject faults, read the logs. */
  readonly control: SandboxControl;
  /** Stops the server, the clock's timers and webhook deliveries; a request still waiting out an injected latency is dropped. Idempotent. Rejects with the server's close error. */
  close(): Promise<void>;
}

/** An error as one loggable line (its stack when it has one). */
const describeError = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/**
 * Starts a sandbox platform on loopback. Every option is checked before the port is opened.
 * @throws {RangeError} for a bad clock factor or `startAt`, `port`, `seed`, `rateLimit`, a `timings` duration, or a
 * bound of `limits` out of range (naming it, `limits.journeys`); {@link TypeError} for options that are not an object,
 * a malformed webhook URL (`webhooks[0].url`), a webhook secret that is not a non-empty string, an unknown `limits`
 * field, a malformed `allowedOrigins` / `allowedHosts` entry, `clock`, `timings`, `faults`, `host` or `apiKey` (each
 * naming the option).
 * Rejects with the listen error (e.g. EADDRINUSE) when the port cannot be bound.
 */
export async function startSandbox(given: SandboxOptions = {}): Promise<Sandbox> {
  const options = checkSandboxOptions(given);
  const timings: SandboxTimings = { ...DEFAULT_TIMINGS, ...options.timings };
  const seed = options.seed ?? 1;
  const extensions = resolveExtensions(options.extensions);
  const limits = resolveLimits(options.limits);
  const allowedOrigins = checkAllowedOrigins(options.allowedOrigins);
  const allowedHosts = checkAllowedHosts(options.allowedHosts);
  if (options.webhookSecret !== undefined) checkWebhookSecret(options.webhookSecret, "webhookSecret");
  (options.webhooks ?? []).forEach((endpoint, i) => {
    endpoint.secrets?.forEach((secret, j) => {
      checkWebhookSecret(secret, `webhooks[${i}].secrets[${j}]`);
    });
  });
  const webhookSecret =
    options.webhooks?.[0]?.secrets?.[0] ?? options.webhookSecret ?? generateWebhookSecret();
  const apiKey = options.apiKey ?? secretToken("sk_test_");
  const dispatcher: { current?: WebhookDispatcher } = {};
  // Every secret the sandbox knows, asked afresh on each use (subscriptions and endpoints add secrets later).
  const redactor = new Redactor(() => [
    apiKey,
    webhookSecret,
    ...(dispatcher.current?.list().flatMap((endpoint) => endpoint.secrets) ?? []),
  ]);
  // Reported, not kept: a long-running sandbox holds no list of past errors.
  const report = (error: unknown) => {
    console.error("[credit-journey sandbox]", redactor.text(describeError(error)));
  };
  const clock = createSandboxClock(options.clock ?? "real", report, options.startAt);
  const random = createSeededRandom(seed);
  const tenantID = random.uuid();
  const applicationID = random.uuid();
  const faults = new FaultInjector(options.faults, seed);
  const webhooks = new WebhookDispatcher(
    clock,
    timings,
    faults,
    random,
    webhookSecret,
    { tenantID, applicationID },
    limits.webhookLog,
  );
  dispatcher.current = webhooks;
  for (const endpoint of options.webhooks ?? []) webhooks.register(endpoint.url, endpoint.secrets);
  const subscription = new WebhookSubscription(webhooks, { tenantID, applicationID });
  let url = "";
  const engine = new LifecycleEngine({
    clock,
    random,
    timings,
    baseUrl: () => url,
    onSnapshot: (snapshot, correlationID, borrowerExternalID) =>
      webhooks.emit(snapshot, correlationID, borrowerExternalID),
    limits,
    onEvict: (journeyID) => webhooks.forget(journeyID),
  });
  const credentials = new CredentialStore(apiKey, clock, timings, limits.sessions);
  const idempotency = new IdempotencyStore(clock, timings.idempotencyRetention, limits.idempotencyKeys);
  const rateLimiter = new RateLimiter(clock, options.rateLimit, limits.rateLimitBuckets);
  const mutationLog = new RingLog<MutationLogEntry>(limits.mutationLog);
  const requestLog = new RingLog<RequestLogEntry>(limits.requestLog);
  const host = options.host ?? "127.0.0.1";
  let port = 0;
  const control = createControl({
    engine,
    credentials,
    clock,
    faults,
    rateLimiter,
    webhooks,
    subscription,
    mutationLog,
    requestLog,
  });
  const closing = new AbortController();
  const listener = createRequestListener({
    clock,
    engine,
    credentials,
    idempotency,
    rateLimiter,
    faults,
    control,
    mutationLog,
    requestLog,
    extensions,
    subscription,
    limits,
    hosts: createHostPolicy([...allowedHosts, ...hostsForBinding(host)], () => port),
    origins: createOriginPolicy(allowedOrigins),
    redactor,
    sweep: throttledSweep(clock.now, [
      () => engine.sweep(),
      () => credentials.sweep(),
      () => idempotency.sweep(),
      () => rateLimiter.sweep(),
    ]),
    info: () => ({ url, apiKey }),
    onError: report,
    closing: closing.signal,
  });
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  port = address.port;
  url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  const sandbox: Sandbox = {
    url,
    apiKey,
    webhookSecret,
    tenantID,
    applicationID,
    clock,
    control,
    async close() {
      // Idempotent: a second close (a test's afterEach after the test's own) has nothing left to stop.
      if (closing.signal.aborted) return;
      closing.abort();
      clock.stop();
      webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
  registerInternals(sandbox, {
    listener,
    report,
    sizes: () => ({
      requestLog: requestLog.length,
      mutationLog: mutationLog.length,
      webhookDeliveries: webhooks.sizes().deliveries,
      webhookAttempts: webhooks.sizes().attempts,
      webhookJourneys: webhooks.sizes().journeys,
      ...engine.sizes(),
      ...credentials.sizes(),
      idempotencyKeys: idempotency.size,
      rateLimitBuckets: rateLimiter.size,
      clockTimers: clock.pending(),
    }),
  });
  return sandbox;
}
