import * as Clock from "effect/Clock";
import * as Duration from "effect/Duration";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import type * as z from "zod/mini";
import { ENDPOINTS, type EndpointName, isMutatingMethod, Problem, safeParse } from "../contract/index.js";
import { ApiError, type ApiErrorCode, type FieldError, ScopeError } from "./errors.js";
import { randomId } from "./ids.js";
import { type ClientObserver, notify } from "./observer.js";
import { isTransient, parseRetryAfter, type ResolvedRetryOptions, retrySchedule } from "./retry-policy.js";
import type { TokenRefresher } from "./single-flight.js";

/** Per-call options every client method takes. */
export interface CallOptions {
  /** The `Idempotency-Key` of this logical mutation; generated when absent. Ignored on reads. */
  readonly idempotencyKey?: string;
  /** The `X-Correlation-ID` of this call; defaults to the client's. */
  readonly correlationId?: string;
  /** Aborts the call, its retries and its backoff waits; the call rejects with `ApiError` code ABORTED. */
  readonly signal?: AbortSignal;
}

/** What a transport needs, resolved from a client's options. */
export interface TransportSettings {
  /** Origin plus base path, without a trailing slash. */
  readonly apiRoot: string;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
  readonly retry: ResolvedRetryOptions;
  readonly correlationId: () => string;
  readonly observer: ClientObserver | undefined;
}

/** Where a transport gets its bearer, and how it renews it after `401 TOKEN_EXPIRED` (borrower only). */
export interface CredentialSource {
  /** The bearer for the next request; rejects with ScopeError, or anything (wrapped as SESSION_UNAVAILABLE). */
  readonly current: () => Promise<string>;
  /** Validates a bearer before it is sent. */
  readonly check: (token: string) => void;
  readonly refresher?: TokenRefresher;
}

/** One request to an endpoint of {@link ENDPOINTS}. */
export interface RequestSpec<Name extends EndpointName> {
  readonly endpoint: Name;
  readonly params?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Sent as `If-None-Match`; a 304 then yields `notModified`. */
  readonly etag?: string;
}

/** The parsed success payload of an endpoint. */
export type EndpointOutput<Name extends EndpointName> = z.output<
  (typeof ENDPOINTS)[Name]["response"]["schema"]
>;

/** What a call yields: the parsed payload with the response's ETag, or `notModified` after a 304. */
export type Outcome<A> =
  | { readonly kind: "ok"; readonly value: A; readonly etag: string | undefined }
  | { readonly kind: "notModified"; readonly etag: string };

type CallFailure = ApiError | ScopeError;

/** Builds a client-side {@link ApiError} (no problem body). */
export function clientError(
  code: ApiErrorCode,
  message: string,
  facts: { endpoint?: string; correlationId?: string; status?: number; errors?: readonly FieldError[] },
  cause?: unknown,
): ApiError {
  return new ApiError(
    {
      code,
      status: facts.status,
      retryable: isTransient({ code, status: facts.status }),
      correlationId: facts.correlationId,
      errors: facts.errors ?? [],
      retryAfterMs: undefined,
      endpoint: facts.endpoint,
      message,
    },
    cause === undefined ? undefined : { cause },
  );
}

/** Fills `{name}` placeholders with URI-encoded params; fails naming the missing one. */
function buildPath(template: string, params: Readonly<Record<string, string>>, endpoint: string) {
  const missing: FieldError[] = [];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (typeof value !== "string" || value.length === 0) {
      missing.push({ path: name, message: "must be a non-empty string" });
      return "";
    }
    return encodeURIComponent(value);
  });
  if (missing.length === 0) return Effect.succeed(path);
  return Effect.fail(
    clientError("INVALID_REQUEST", `${endpoint}: ${missing.map((m) => m.path).join(", ")} missing`, {
      endpoint,
      errors: missing,
    }),
  );
}

/** Parses a problem body into an ApiError; a body that is not a problem gives HTTP_ERROR. */
function problemError(response: Response, text: string, endpoint: string, sentCorrelationId: string) {
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
  const headerCorrelationId = response.headers.get("x-correlation-id") ?? sentCorrelationId;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = safeParse(Problem, json, "Problem");
  const code: ApiErrorCode = parsed.ok ? parsed.value.code : "HTTP_ERROR";
  const status = response.status;
  return new ApiError({
    code,
    status,
    retryable: isTransient({ code, status }),
    correlationId: parsed.ok ? parsed.value.correlationId : headerCorrelationId,
    errors: parsed.ok ? (parsed.value.errors ?? []) : [],
    retryAfterMs,
    endpoint,
    message: parsed.ok
      ? `${endpoint}: ${status} ${code}: ${parsed.value.detail ?? parsed.value.title}`
      : `${endpoint}: HTTP ${status} without a problem body`,
  });
}

/** A clock that keeps `base`'s time but waits with `sleep`: backoff waits go through it, timeouts do not. */
function clockWithSleep(
  base: Clock.Clock,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
): Clock.Clock {
  return {
    currentTimeMillisUnsafe: () => base.currentTimeMillisUnsafe(),
    currentTimeMillis: base.currentTimeMillis,
    currentTimeNanosUnsafe: () => base.currentTimeNanosUnsafe(),
    currentTimeNanos: base.currentTimeNanos,
    monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: base.monotonicTimeNanos,
    sleep: (duration) => Effect.promise((signal) => sleep(Duration.toMillis(duration), signal)),
  };
}

/** Turns one HTTP answer into an outcome: a parsed payload, `notModified`, or a typed failure. */
function classify<Name extends EndpointName>(
  response: Response,
  text: string,
  spec: RequestSpec<Name>,
  correlationId: string,
): Effect.Effect<Outcome<EndpointOutput<Name>>, ApiError> {
  const name = spec.endpoint;
  const etag = response.headers.get("etag") ?? undefined;
  if (response.status === 304 && spec.etag !== undefined)
    return Effect.succeed({ kind: "notModified", etag: etag ?? spec.etag });
  if (response.status < 200 || response.status > 299)
    return Effect.fail(problemError(response, text, name, correlationId));
  const facts = { endpoint: name, correlationId, status: response.status };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return Effect.fail(
      clientError("CONTRACT", `${name}: the ${response.status} body is not JSON`, facts, cause),
    );
  }
  const parsed = safeParse(ENDPOINTS[name].response.schema, json, name);
  if (!parsed.ok)
    return Effect.fail(
      clientError("CONTRACT", parsed.error.message, { ...facts, errors: parsed.error.issues }, parsed.error),
    );
  return Effect.succeed({ kind: "ok", value: parsed.value as EndpointOutput<Name>, etag });
}

/** The headers of record of one logical call, decided once so every attempt carries the same values. */
interface CallIdentity {
  readonly correlationId: string;
  readonly idempotencyKey: string | undefined;
}

/**
 * Builds the Effect of one logical call: credential check, the same headers of record on every attempt,
 * retries of transient failures, one shared refresh on `401 TOKEN_EXPIRED`, response parsing.
 */
function callEffect<Name extends EndpointName>(
  settings: TransportSettings,
  credentials: CredentialSource,
  spec: RequestSpec<Name>,
  identity: CallIdentity,
): Effect.Effect<Outcome<EndpointOutput<Name>>, CallFailure> {
  const endpoint: (typeof ENDPOINTS)[EndpointName] = ENDPOINTS[spec.endpoint];
  const name = spec.endpoint;
  const { correlationId, idempotencyKey } = identity;
  let attempts = 0;

  return Effect.gen(function* () {
    const path = yield* buildPath(endpoint.path, spec.params ?? {}, name);
    let body: string | undefined;
    if ("request" in endpoint) {
      const checked = safeParse(endpoint.request, spec.body ?? {}, name);
      if (!checked.ok)
        return yield* Effect.fail(
          clientError("INVALID_REQUEST", checked.error.message, {
            endpoint: name,
            errors: checked.error.issues,
          }),
        );
      body = JSON.stringify(checked.value);
    }
    const facts = { endpoint: name, method: endpoint.method, path, idempotencyKey, correlationId };
    const url = settings.apiRoot + path;

    const exchange = (token: string) =>
      Effect.suspend(() => {
        const attempt = ++attempts;
        const started = Date.now();
        notify(settings.observer, { type: "request", ...facts, attempt });
        const headers: Record<string, string> = {
          accept: "application/json, application/problem+json",
          authorization: `Bearer ${token}`,
          "x-correlation-id": correlationId,
        };
        if (body !== undefined) headers["content-type"] = "application/json";
        if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey;
        if (spec.etag !== undefined) headers["if-none-match"] = spec.etag;
        const report = (status: number | undefined, code: string | undefined) =>
          notify(settings.observer, {
            type: "response",
            ...facts,
            attempt,
            status,
            code,
            durationMs: Date.now() - started,
          });
        return Effect.tryPromise({
          try: async (signal) => {
            const response = await settings.fetch(url, { method: endpoint.method, headers, body, signal });
            return { response, text: response.status === 304 ? "" : await response.text() };
          },
          catch: (cause) =>
            clientError(
              "NETWORK",
              `${name}: network error: ${String(cause)}`,
              { endpoint: name, correlationId },
              cause,
            ),
        }).pipe(
          Effect.timeoutOrElse({
            duration: Duration.millis(settings.timeoutMs),
            orElse: () =>
              Effect.fail(
                clientError("TIMEOUT", `${name}: no response within ${settings.timeoutMs} ms`, {
                  endpoint: name,
                  correlationId,
                }),
              ),
          }),
          Effect.flatMap(({ response, text }) =>
            classify(response, text, spec, correlationId).pipe(
              Effect.tap(() => Effect.sync(() => report(response.status, undefined))),
            ),
          ),
          Effect.tapError((error) => Effect.sync(() => report(error.status, error.code))),
        );
      });

    const onRetryDelay = (error: ApiError, _retryIndex: number, delayMs: number) =>
      notify(settings.observer, {
        type: "retry",
        ...facts,
        attempt: attempts,
        code: error.code,
        status: error.status,
        delayMs,
        fromRetryAfter: error.retryAfterMs !== undefined,
      });

    const withRetries = (token: string) =>
      Effect.clockWith((realClock) => {
        const once = exchange(token);
        const sleep = settings.retry.sleep;
        const schedule = retrySchedule(settings.retry, onRetryDelay);
        if (sleep === undefined) return once.pipe(Effect.retry(schedule));
        // Backoff waits go through the injected sleep; the per-attempt timeout keeps the real clock.
        return once.pipe(
          Effect.provideService(Clock.Clock, realClock),
          Effect.retry(schedule),
          Effect.provideService(Clock.Clock, clockWithSleep(realClock, sleep)),
        );
      });

    const token = yield* bearer(credentials, credentials.current, name, correlationId);
    const refresher = credentials.refresher;
    return yield* withRetries(token).pipe(
      Effect.catch((error: ApiError) => {
        if (refresher === undefined || error.code !== "TOKEN_EXPIRED") return Effect.fail(error);
        return bearer(
          credentials,
          () => refresher.refresh(token),
          name,
          correlationId,
          "REFRESH_FAILED",
        ).pipe(Effect.flatMap(withRetries));
      }),
    );
  });
}

/** Obtains a bearer through `get` and checks its scope; wraps foreign failures as `code`. */
function bearer(
  credentials: CredentialSource,
  get: () => Promise<string>,
  endpoint: string,
  correlationId: string,
  code: "SESSION_UNAVAILABLE" | "REFRESH_FAILED" = "SESSION_UNAVAILABLE",
): Effect.Effect<string, CallFailure> {
  return Effect.tryPromise({
    try: async () => {
      const token = await get();
      if (typeof token !== "string" || token.length === 0)
        throw clientError(code, `${endpoint}: the credential callback gave no token`, {
          endpoint,
          correlationId,
        });
      credentials.check(token);
      return token;
    },
    catch: (cause): CallFailure =>
      cause instanceof ScopeError || cause instanceof ApiError
        ? cause
        : clientError(
            code,
            `${endpoint}: ${code === "REFRESH_FAILED" ? "refreshing the session" : "getting the session token"} failed: ${String(cause)}`,
            { endpoint, correlationId },
            cause,
          ),
  });
}

/**
 * Runs one logical call and settles it as a Promise.
 * @throws {ScopeError} when the credential is outside the client's scope (before any request).
 * @throws {ApiError} for every other failure, typed by `code`; ABORTED when `options.signal` aborts.
 */
export async function send<Name extends EndpointName>(
  settings: TransportSettings,
  credentials: CredentialSource,
  spec: RequestSpec<Name>,
  options: CallOptions = {},
): Promise<Outcome<EndpointOutput<Name>>> {
  const identity: CallIdentity = {
    correlationId: options.correlationId ?? settings.correlationId(),
    idempotencyKey: isMutatingMethod(ENDPOINTS[spec.endpoint].method)
      ? (options.idempotencyKey ?? randomId())
      : undefined,
  };
  const aborted = () =>
    clientError("ABORTED", `${spec.endpoint}: aborted by the caller`, {
      endpoint: spec.endpoint,
      correlationId: identity.correlationId,
    });
  if (options.signal?.aborted) throw aborted();
  const exit = await Effect.runPromiseExit(callEffect(settings, credentials, spec, identity), {
    signal: options.signal,
  });
  if (Exit.isSuccess(exit)) return exit.value;
  for (const reason of exit.cause.reasons) if (reason._tag === "Fail") throw reason.error;
  for (const reason of exit.cause.reasons) if (reason._tag === "Die") throw reason.defect;
  throw aborted();
}
