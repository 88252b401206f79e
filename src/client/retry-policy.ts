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

/**
 * Reads a `Retry-After` header (delay-seconds or an HTTP date) as milliseconds; `undefined` when absent or
 * unreadable. Never throws.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
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
