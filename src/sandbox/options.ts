import type { EndpointName } from "../contract/index.js";
import type { ClockMode } from "./clock.js";

/** How long each platform-side wait and validity lasts, in sandbox-clock milliseconds. */
export interface SandboxTimings {
  /** STARTED → PROFILE_REQUIRED (0: in the same call that creates the journey). */
  readonly journeyStart: number;
  /** PROFILE_SUBMITTED → OFFERS_PENDING. */
  readonly profileReview: number;
  /** OFFERS_PENDING → OFFERS_AVAILABLE (or REJECTED). */
  readonly offerDispatch: number;
  /** OFFER_SELECTED → the first step. */
  readonly offerLock: number;
  /** A step the borrower finished (IN_PROGRESS) → COMPLETED (or FAILED) and the next step. */
  readonly stepProcessing: number;
  /** LENDER_PROCESSING → DISBURSED. */
  readonly lenderProcessing: number;
  /** DISBURSED → CLOSED, in the `closure` scenario. */
  readonly loanClosure: number;
  /** How long an offer stays valid (contract default: 15 days). */
  readonly offerValidity: number;
  /** How long an offer stays valid in the `offers-expire` scenario. */
  readonly shortOfferValidity: number;
  /** How long a hosted REDIRECT link stays valid. */
  readonly redirectValidity: number;
  /** How long a DOCUMENT link stays valid. */
  readonly documentValidity: number;
  /** How long a foreclosure payment link stays valid (contract: 90 min). */
  readonly foreclosureLinkValidity: number;
  /** A journey expires after this long without a borrower mutation. */
  readonly journeyIdleTimeout: number;
  /** The idle timeout in the `idle-expiry` scenario. */
  readonly shortJourneyIdleTimeout: number;
  /** Borrower session token lifetime (contract sandbox default: 15 min). */
  readonly sessionTtl: number;
  /** Refresh token lifetime. */
  readonly refreshTtl: number;
  /** How long the immediately previous refresh token still returns the current pair (contract: 10 s). */
  readonly refreshGrace: number;
  /** Idempotency keys are kept this long (contract: 24 h). */
  readonly idempotencyRetention: number;
  /** Delay before webhook retry n (the last value repeats); delivery stops after `webhookMaxAttempts`. */
  readonly webhookBackoff: readonly number[];
  /** Attempts per webhook delivery, the first included. */
  readonly webhookMaxAttempts: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Whether `url` is an absolute http(s) URL, the only kind a webhook is delivered to. */
export function isHttpUrl(url: unknown): url is string {
  return typeof url === "string" && /^https?:$/.test(URL.parse(url)?.protocol ?? "");
}

/**
 * The longest timing accepted, in ms: ten years. Past it the times the sandbox stamps (`now + sessionTtl`) leave
 * the range a `Date` can write, and every call that stamps one would fail.
 */
export const MAX_TIMING_MS = 10 * 365 * DAY;

/** The defaults: platform waits of a second or two (a whole journey takes seconds), contract validities. */
export const DEFAULT_TIMINGS: SandboxTimings = {
  journeyStart: 0,
  profileReview: 1 * SECOND,
  offerDispatch: 2 * SECOND,
  offerLock: 1 * SECOND,
  stepProcessing: 1 * SECOND,
  lenderProcessing: 2 * SECOND,
  loanClosure: 5 * SECOND,
  offerValidity: 15 * DAY,
  shortOfferValidity: 60 * SECOND,
  redirectValidity: 10 * MINUTE,
  documentValidity: 1 * HOUR,
  foreclosureLinkValidity: 90 * MINUTE,
  journeyIdleTimeout: 30 * DAY,
  shortJourneyIdleTimeout: 2 * MINUTE,
  sessionTtl: 15 * MINUTE,
  refreshTtl: 30 * DAY,
  refreshGrace: 10 * SECOND,
  idempotencyRetention: 24 * HOUR,
  webhookBackoff: [1 * SECOND, 2 * SECOND, 4 * SECOND, 8 * SECOND, 16 * SECOND, 32 * SECOND],
  webhookMaxAttempts: 8,
};

/** Faults for one route (or all routes): each rate is a probability in [0, 1]. */
export interface RouteFaults {
  /** Added latency in real milliseconds: a fixed value or a `[min, max]` range. Mutations wait after reserving their key. */
  readonly latencyMs?: number | readonly [number, number];
  /** Share of requests answered 500/503 before anything is applied. */
  readonly errorRate?: number;
  /** Share of requests processed and committed whose connection is then cut before the response. */
  readonly lostResponseRate?: number;
}

/** Faults on webhook deliveries. */
export interface WebhookFaults {
  /** Share of deliveries sent twice (same id). */
  readonly duplicateRate?: number;
  /** When > 0, each delivery waits a random 0..reorderWindowMs (sandbox clock), so deliveries overtake each other. */
  readonly reorderWindowMs?: number;
  /** A fixed extra delay before every delivery, in sandbox-clock ms. */
  readonly delayMs?: number;
}

/** Seeded fault injection: global and per-route request faults, and webhook faults. */
export interface SandboxFaults extends RouteFaults {
  /** Per-endpoint overrides, keyed by the ENDPOINTS name (e.g. `proceedOffer`). */
  readonly routes?: Partial<Record<EndpointName, RouteFaults>>;
  /** Faults on webhook deliveries. */
  readonly webhooks?: WebhookFaults;
}

/** A webhook endpoint and the secrets that sign deliveries to it (two or more during a rotation). */
export interface WebhookEndpointOptions {
  readonly url: string;
  /**
   * Secrets, each any non-empty string used as given (its UTF-8 bytes key the HMAC [L6]); several sign every
   * delivery once each, `", "`-joined in `X-AL-Webhook-Signature` (a rotation, modelled). Absent: the sandbox's secret.
   */
  readonly secrets?: readonly string[];
}

/**
 * The sandbox's extensions of the documented API (docs/sandbox.md): each one is something the platform's docs do
 * not describe, which the SDK uses when present and never depends on. All off by default, so the sandbox speaks
 * the documented dialect alone; switch one on to try what it adds.
 */
export interface SandboxExtensions {
  /** `ETag` on `GET …/state`, and `304` for a matching `If-None-Match` (default false). */
  readonly etag?: boolean;
  /** `Idempotent-Replayed: true` on a replayed mutation's answer (default false; the replay itself always happens). */
  readonly idempotentReplayedHeader?: boolean;
  /** `POST /sessions/refresh`, the refresh-token rotation endpoint (default false; off: 404 NOT_FOUND). */
  readonly refreshEndpoint?: boolean;
}

/** {@link SandboxExtensions} with every switch decided. */
export type ResolvedExtensions = Required<SandboxExtensions>;

/**
 * Every extension decided: `false` unless switched on.
 * @throws {TypeError} naming the switch, when one is given and not a boolean.
 */
export function resolveExtensions(extensions: SandboxExtensions = {}): ResolvedExtensions {
  for (const [name, value] of Object.entries(extensions))
    if (value !== undefined && typeof value !== "boolean")
      throw new TypeError(`extensions.${name} must be a boolean`);
  return {
    etag: extensions.etag ?? false,
    idempotentReplayedHeader: extensions.idempotentReplayedHeader ?? false,
    refreshEndpoint: extensions.refreshEndpoint ?? false,
  };
}

/**
 * Bounds on what the sandbox keeps in memory and accepts, so a long run or a flood cannot grow it without end.
 * Counts are positive integers (or `Infinity`: unbounded); TTLs are sandbox-clock milliseconds.
 */
export interface SandboxLimits {
  /** Entries `requests()` keeps, newest (a ring buffer; default 10,000). */
  readonly requestLog?: number;
  /** Entries `mutations()` keeps, newest (default 50,000). */
  readonly mutationLog?: number;
  /** Entries `webhookDeliveries()` and `webhookAttempts()` each keep, newest (default 10,000). */
  readonly webhookLog?: number;
  /** Journeys kept; past it the oldest is dropped, its timers cancelled (default 10,000). */
  readonly journeys?: number;
  /** How long a journey that ended (REJECTED, EXPIRED, CLOSED) is kept before it is dropped (default 24 h). */
  readonly endedJourneyTtl?: number;
  /** Borrowers (bootstrap data and profile) kept; past it the least recently seen is dropped (default 10,000). */
  readonly borrowers?: number;
  /** How long a borrower with no journey left is kept after it was last seen (default 30 days). */
  readonly borrowerTtl?: number;
  /** Session families (a bootstrap's tokens and their rotations) kept; past it the oldest is dropped (default 10,000). */
  readonly sessions?: number;
  /** Idempotency keys kept (each for `timings.idempotencyRetention`); past it the oldest finished one is dropped, a running one never (a new key is then 429) (default 10,000). */
  readonly idempotencyKeys?: number;
  /** Rate-limit buckets (one per credential) kept; idle ones go after a second (default 10,000). */
  readonly rateLimitBuckets?: number;
  /** Largest request body, in bytes; larger is `413 PAYLOAD_TOO_LARGE` (default 1,000,000). */
  readonly maxBodyBytes?: number;
  /** Deepest nesting of arrays/objects in a JSON body; deeper is `400 VALIDATION_FAILED` (default 64, at most 1,000). */
  readonly maxJsonDepth?: number;
}

/** {@link SandboxLimits} with every bound decided. */
export type ResolvedLimits = Required<SandboxLimits>;

/** Everything `startSandbox` accepts; every field is optional. */
export interface SandboxOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  readonly host?: string;
  /** `real` (default), `{ mode: "accelerated", factor }` or `manual`. */
  readonly clock?: ClockMode;
  /** Where a manual or accelerated clock starts, in ms since the epoch (default: now). */
  readonly startAt?: number;
  /** Overrides of {@link DEFAULT_TIMINGS}. */
  readonly timings?: Partial<SandboxTimings>;
  /** Webhook endpoints registered from the start. */
  readonly webhooks?: readonly WebhookEndpointOptions[];
  /** The sandbox's own webhook secret, any non-empty string (default: generated, `al_wh_` + 32 hex). */
  readonly webhookSecret?: string;
  /** The partner API key (default: a generated `sk_test_…`). */
  readonly apiKey?: string;
  /** Fault injection; can be changed later through `control.setFaults`. */
  readonly faults?: SandboxFaults;
  /** Requests per second per credential (token bucket, burst of the same size); absent: unlimited. */
  readonly rateLimit?: number;
  /** Seed for faults, ids and offers (default 1). */
  readonly seed?: number;
  /** Switches the sandbox's extensions of the documented API on (default: all off). */
  readonly extensions?: SandboxExtensions;
  /**
   * Browser origins besides loopback ones (`http(s)://localhost|127.x.x.x|[::1]`, any port) whose pages may call the
   * API cross-origin (CORS), e.g. `["https://app.example"]`. The control API never answers CORS.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * `Host` values accepted besides loopback names with the sandbox's port (`sandbox.local`, `10.0.0.5:4010`; no port:
   * any port; `*`: every Host). A non-loopback `host` is added on its own. Others are refused `421`.
   */
  readonly allowedHosts?: readonly string[];
  /** Memory and request bounds (see {@link SandboxLimits} for each default). */
  readonly limits?: SandboxLimits;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/**
 * Checks the shapes of {@link SandboxOptions} before anything starts (the bounds of `limits`, `allowedOrigins`,
 * `allowedHosts`, `extensions`, secrets and the clock are checked where they are read, also before the port opens).
 * @throws {TypeError} naming the option (`options`, `host`, `apiKey`, `clock`, `timings`, `faults`, `webhooks`,
 *   `webhooks[0].url`) when it has the wrong type or shape.
 * @throws {RangeError} naming the option (`port`, `seed`, `rateLimit`, `timings.journeyStart`) when it is out of range.
 */
export function checkSandboxOptions(options: unknown): SandboxOptions {
  if (!isObject(options)) throw new TypeError("options must be an object of sandbox options");
  const o = options as SandboxOptions;
  const port = o.port;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535))
    throw new RangeError("port must be an integer in [0, 65535] (0: any free port)");
  for (const name of ["host", "apiKey"] as const)
    if (o[name] !== undefined && (typeof o[name] !== "string" || o[name] === ""))
      throw new TypeError(`${name} must be a non-empty string`);
  for (const name of ["seed", "rateLimit"] as const) {
    const value = o[name];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0))
      throw new RangeError(`${name} must be a finite number >= 0`);
  }
  const clock = o.clock as unknown;
  if (
    clock !== undefined &&
    clock !== "real" &&
    clock !== "manual" &&
    !(isObject(clock) && clock.mode === "accelerated")
  )
    throw new TypeError('clock must be "real", "manual" or { mode: "accelerated", factor }');
  if (o.timings !== undefined) {
    if (!isObject(o.timings)) throw new TypeError("timings must be an object of durations in ms");
    for (const [name, value] of Object.entries(o.timings)) {
      // A misspelt name would be ignored, and the default used in its place without a word.
      if (!Object.hasOwn(DEFAULT_TIMINGS, name))
        throw new TypeError(
          `timings.${name} is not a sandbox timing (${Object.keys(DEFAULT_TIMINGS).join(", ")})`,
        );
      const isDuration = (v: unknown) => typeof v === "number" && v >= 0 && v <= MAX_TIMING_MS;
      const ok =
        name === "webhookBackoff" ? Array.isArray(value) && value.every(isDuration) : isDuration(value);
      if (value !== undefined && !ok)
        throw new RangeError(
          `timings.${name} must be a duration in ms from 0 to ${MAX_TIMING_MS} (ten years)`,
        );
    }
  }
  if (o.faults !== undefined && !isObject(o.faults)) throw new TypeError("faults must be an object");
  if (o.extensions !== undefined && !isObject(o.extensions))
    throw new TypeError("extensions must be an object");
  if (o.webhooks !== undefined) {
    if (!Array.isArray(o.webhooks)) throw new TypeError("webhooks must be an array of { url, secrets? }");
    o.webhooks.forEach((endpoint: unknown, i) => {
      const url = isObject(endpoint) ? endpoint.url : undefined;
      if (!isHttpUrl(url)) throw new TypeError(`webhooks[${i}].url must be an absolute http(s) URL`);
      const secrets = (endpoint as { secrets?: unknown }).secrets;
      if (secrets !== undefined && !Array.isArray(secrets))
        throw new TypeError(`webhooks[${i}].secrets must be an array of strings`);
    });
  }
  return o;
}
