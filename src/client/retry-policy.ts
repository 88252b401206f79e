import * as Duration from "effect/Duration";
import * as Effect from "effect/Effect";
import * as Schedule from "effect/Schedule";
import { failureKind } from "../contract/index.js";
import type { ApiError, ApiErrorCode } from "./errors.js";

/** How the client retries transient failures. Every field is optional; see {@link DEFAULT_RETRY}. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 disables retrying. */
  readonly maxRetries?: number;
  /** The first backoff ceiling; it doubles on each retry (full jitter picks a delay in `[0, ceiling)`). */
  readonly baseDelayMs?: number;
  /** The largest backoff ceiling. */
  readonly maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the call fails with the retryable error instead. */
  readonly maxRetryAfterMs?: number;
  /** Source of randomness for the jitter, `[0, 1)`; defaults to `Math.random`. */
  readonly random?: () => number;
  /**
   * Waits between attempts; defaults to Effect's clock. Inject one in tests and simulations to record
   * delays without real waiting. `signal` aborts when the call is aborted.
   */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** {@link RetryOptions} with every field filled in. */
export type ResolvedRetryOptions = Required<Omit<RetryOptions, "sleep">> & Pick<RetryOptions, "sleep">;

/** The default retry policy: 4 retries, 250 ms doubling to at most 8 s, `Retry-After` up to 60 s. */
export const DEFAULT_RETRY: ResolvedRetryOptions = Object.freeze({
  maxRetries: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
});

/** What {@link isTransient} looks at. */
export interface FailureShape {
  readonly code: ApiErrorCode;
  readonly status: number | undefined;
}

/**
 * True when a failure may pass if the same request is sent again: its {@link failureKind} is `transient`
 * (network errors, timeouts, 408, 429, 5xx and `409 IDEMPOTENCY_IN_PROGRESS`). Pure; never throws.
 */
export function isTransient(failure: FailureShape): boolean {
  return failureKind(failure) === "transient";
}

/** The longest `Retry-After` read, in ms (a day): a longer or later one is read as this. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/** `delay-seconds` (RFC 9110 §10.2.3): digits only (however many: a longer wait is read as the cap). */
const DELAY_SECONDS = /^\d+$/;
/**
 * An HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, or the obsolete RFC 850 and asctime forms a recipient must read.
 * Anything else (`-1`, `1.5`, a bare year) is not a date, whatever `Date.parse` would make of it.
 */
const HTTP_DATE =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/**
 * Reads a `Retry-After` header (delay-seconds or an HTTP-date) as milliseconds, at most
 * {@link MAX_RETRY_AFTER_MS}; `undefined` when absent or not one of those forms (the caller then backs off with
 * jitter). Never throws.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (DELAY_SECONDS.test(trimmed)) return Math.min(MAX_RETRY_AFTER_MS, Number(trimmed) * 1000);
  // The asctime form names no zone but is UTC (RFC 9110); `Date.parse` would read it in the host's zone.
  const at = HTTP_DATE.test(trimmed)
    ? Date.parse(trimmed.endsWith("GMT") ? trimmed : `${trimmed} GMT`)
    : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
}

/** Full jitter: a delay drawn uniformly from `[0, min(maxDelayMs, baseDelayMs · 2^retryIndex))`; pure, never throws. */
export function fullJitterDelay(options: ResolvedRetryOptions, retryIndex: number, random: number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random * ceiling);
}

/** The delay before the next attempt: the server's `Retry-After` when given, else full-jitter backoff. */
export function retryDelayMs(options: ResolvedRetryOptions, error: ApiError, retryIndex: number): number {
  return error.retryAfterMs ?? fullJitterDelay(options, retryIndex, options.random());
}

/** True when the client should send the failed request again: transient, and any `Retry-After` is bearable. */
export function shouldRetry(options: ResolvedRetryOptions, error: ApiError): boolean {
  return isTransient(error) && (error.retryAfterMs ?? 0) <= options.maxRetryAfterMs;
}

/**
 * The retry schedule of one request, for `Effect.retry`: up to `maxRetries` retries while
 * {@link shouldRetry} holds, each after {@link retryDelayMs}. `onDelay` sees every chosen delay.
 */
export function retrySchedule(
  options: ResolvedRetryOptions,
  onDelay: (error: ApiError, retryIndex: number, delayMs: number) => void,
): Schedule.Schedule<number, ApiError> {
  return Schedule.recurs(options.maxRetries).pipe(
    Schedule.setInputType<ApiError>(),
    Schedule.while(({ input }) => shouldRetry(options, input)),
    Schedule.modifyDelay(({ input, attempt }) => {
      const delayMs = retryDelayMs(options, input, attempt - 1);
      onDelay(input, attempt - 1, delayMs);
      return Effect.succeed(Duration.millis(delayMs));
    }),
  );
}
