import { BASE_PATH } from "../contract/index.js";
import { ClientConfigError } from "./errors.js";
import { randomId } from "./ids.js";
import { type ClientEvent, type ClientObserver, guardedObserver } from "./observer.js";
import { DEFAULT_RETRY, type ResolvedRetryOptions, type RetryOptions } from "./retry-policy.js";
import type { TransportSettings } from "./transport.js";

/** Options both clients share. */
export interface CommonClientOptions {
  /**
   * The platform's origin, e.g. `https://api.example.com`; the base path `/api/v1/headless` is added if absent
   * (endpoints outside it, such as the webhook subscription's, hang off the origin itself).
   */
  readonly baseUrl: string;
  /** A `fetch` implementation; defaults to the global one. */
  readonly fetch?: typeof globalThis.fetch;
  /**
   * The default `X-Correlation-ID`: a fixed id for one user-visible flow, or a function asked once per call.
   * Defaults to one random id for the client's lifetime. Each call may override it.
   */
  readonly correlationID?: string | (() => string);
  /** Per-attempt timeout in milliseconds (default 15 000); a timed-out attempt is retried like a network error. */
  readonly timeoutMs?: number;
  /** The retry policy; see {@link RetryOptions}. */
  readonly retry?: RetryOptions;
  /** Hears every request, response, retry and refresh. */
  readonly observer?: ClientObserver;
  /**
   * Hears what the observer throws (default: `console.error`). An observer's failure never fails the call it
   * watches, and never reaches the host as an uncaught exception.
   */
  readonly onObserverError?: (error: unknown, event: ClientEvent) => void;
}

/** The default per-attempt timeout. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** What a request header can carry as it is: printable ASCII, spaces inside only (fetch would trim or refuse the rest). */
export const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function nonNegativeInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw new ClientConfigError(field, "must be a non-negative integer");
  return value;
}

function resolveRetry(retry: RetryOptions | undefined): ResolvedRetryOptions {
  if (retry !== undefined && (typeof retry !== "object" || retry === null))
    throw new ClientConfigError("retry", "must be an object of retry options");
  const merged = { ...DEFAULT_RETRY, ...retry };
  nonNegativeInteger(merged.maxRetries, "retry.maxRetries");
  nonNegativeInteger(merged.baseDelayMs, "retry.baseDelayMs");
  nonNegativeInteger(merged.maxDelayMs, "retry.maxDelayMs");
  nonNegativeInteger(merged.maxRetryAfterMs, "retry.maxRetryAfterMs");
  if (typeof merged.random !== "function") throw new ClientConfigError("retry.random", "must be a function");
  if (merged.sleep !== undefined && typeof merged.sleep !== "function")
    throw new ClientConfigError("retry.sleep", "must be a function");
  return merged;
}

/**
 * The platform's root (the origin, and any prefix it is mounted under) and the headless API root (the root and
 * the base path), tolerating a trailing slash or a base path already present.
 */
function roots(baseUrl: unknown): { root: string; apiRoot: string } {
  let url: URL | undefined;
  try {
    url = typeof baseUrl === "string" ? new URL(baseUrl) : undefined;
  } catch {
    url = undefined;
  }
  if (typeof baseUrl !== "string" || (url?.protocol !== "http:" && url?.protocol !== "https:"))
    throw new ClientConfigError("baseUrl", "must be an absolute http(s) URL");
  // Credentials in it would be echoed in every failure's message; a query or fragment would swallow every path.
  if (url.username || url.password || url.search || url.hash)
    throw new ClientConfigError("baseUrl", "must have no user, password, query or fragment");
  const given = baseUrl.replace(/\/+$/, "");
  const root = given.endsWith(BASE_PATH) ? given.slice(0, -BASE_PATH.length) : given;
  return { root, apiRoot: root + BASE_PATH };
}

/**
 * Validates the shared options and fills in defaults.
 * @throws {ClientConfigError} naming the first bad option.
 */
export function resolveSettings(options: CommonClientOptions): TransportSettings {
  if (typeof options !== "object" || options === null)
    throw new ClientConfigError("options", "must be an object of client options");
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchImpl !== "function")
    throw new ClientConfigError("fetch", "no fetch is available; pass one");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new ClientConfigError("timeoutMs", "must be positive");
  if (options.observer !== undefined && typeof options.observer !== "function")
    throw new ClientConfigError("observer", "must be a function");
  if (options.onObserverError !== undefined && typeof options.onObserverError !== "function")
    throw new ClientConfigError("onObserverError", "must be a function");
  const given = options.correlationID;
  let correlationID: () => string;
  if (typeof given === "function") correlationID = given;
  else if (typeof given === "string" && HEADER_VALUE.test(given)) correlationID = () => given;
  else if (given === undefined) {
    const flowId = randomId();
    correlationID = () => flowId;
  } else
    throw new ClientConfigError(
      "correlationID",
      "must be a printable-ASCII header value or a function giving one",
    );
  return {
    ...roots(options.baseUrl),
    fetch: fetchImpl,
    timeoutMs,
    retry: resolveRetry(options.retry),
    correlationID,
    observer:
      options.observer &&
      guardedObserver(
        options.observer,
        options.onObserverError ??
          ((error, event) =>
            console.error("credit-journey: the client observer threw on", event.type, error)),
      ),
  };
}
