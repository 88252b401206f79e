import * as Clock from "effect/Clock";
import * as Duration from "effect/Duration";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import { ENDPOINTS, type EndpointName, isMutatingMethod, type ResponseMeta } from "../contract/index.js";
import { clockWithSleep } from "./backoff-clock.js";
import { readResponseText } from "./body.js";
import { ApiError, type ApiErrorCode, clientError, type FieldError, ScopeError } from "./errors.js";
import { randomId } from "./ids.js";
import { type ClientObserver, notify } from "./observer.js";
import { prepareRequest, type RequestSpec } from "./request.js";
import { classifyResponse, type EndpointOutput, type Outcome } from "./response.js";
import { type ResolvedRetryOptions, retrySchedule } from "./retry-policy.js";
import { HEADER_VALUE } from "./settings.js";
import type { TokenRefresher } from "./single-flight.js";

/** Per-call options every client method takes. */
export interface CallOptions {
  /** The `Idempotency-Key` of this logical mutation; generated when absent. Ignored on reads. */
  readonly idempotencyKey?: string;
  /** The `X-Correlation-ID` of this call; defaults to the client's. */
  readonly correlationID?: string;
  /** Aborts the call, its retries and its backoff waits; the call rejects with `ApiError` code ABORTED. */
  readonly signal?: AbortSignal;
}

/** What a transport needs, resolved from a client's options. */
export interface TransportSettings {
  /** Origin plus base path, without a trailing slash. */
  readonly apiRoot: string;
  /** The origin (and any prefix it is mounted under) without the base path: where endpoints with a `base` hang off. */
  readonly root: string;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
  readonly retry: ResolvedRetryOptions;
  readonly correlationID: () => string;
  readonly observer: ClientObserver | undefined;
}

/** Where a transport gets its bearer, and how it renews it after `401 AUTH_INVALID_SESSION` (borrower only). */
export interface CredentialSource {
  /** The bearer for the next request; rejects with ScopeError, or anything (wrapped as SESSION_UNAVAILABLE). */
  readonly current: () => Promise<string>;
  /** Validates a bearer before it is sent. */
  readonly check: (token: string) => void;
  readonly refresher?: TokenRefresher;
}

type CallFailure = ApiError | ScopeError;

/** The headers of record of one logical call, decided once so every attempt carries the same values. */
interface CallIdentity {
  readonly correlationID: string;
  readonly idempotencyKey: string | undefined;
}

/**
 * Builds the Effect of one logical call: credential check, the same headers of record on every attempt,
 * retries of transient failures, one shared renewal on `401 AUTH_INVALID_SESSION` [L7], response parsing.
 */
function callEffect<Name extends EndpointName>(
  settings: TransportSettings,
  credentials: CredentialSource,
  spec: RequestSpec<Name>,
  identity: CallIdentity,
): Effect.Effect<Outcome<EndpointOutput<Name>>, CallFailure> {
  const endpoint: (typeof ENDPOINTS)[EndpointName] = ENDPOINTS[spec.endpoint];
  const name = spec.endpoint;
  const { correlationID, idempotencyKey } = identity;
  let attempts = 0;
  /** The refreshes settled when the last attempt left (a straggler's 401 shares a refresh that failed since). */
  let sentAt = 0;

  return Effect.gen(function* () {
    const { path, fullPath, body } = yield* prepareRequest(spec);
    const facts = { endpoint: name, method: endpoint.method, path, idempotencyKey, correlationID };
    const url = settings.root + fullPath;

    const exchange = (token: string) =>
      Effect.suspend(() => {
        const attempt = ++attempts;
        sentAt = credentials.refresher?.settled ?? 0;
        const started = Date.now();
        notify(settings.observer, { type: "request", ...facts, attempt });
        const headers: Record<string, string> = {
          accept: "application/json",
          authorization: `Bearer ${token}`,
          "x-correlation-id": correlationID,
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
            // Never followed: a redirect would re-send the body (a refresh token, a profile) to wherever it
            // points; a 3xx is an HTTP_ERROR, not retried.
            const response = await settings.fetch(url, {
              method: endpoint.method,
              headers,
              body,
              signal,
              redirect: "manual",
            });
            return { response, text: response.status === 304 ? "" : await readResponseText(response) };
          },
          catch: (cause) =>
            clientError(
              "NETWORK",
              `${name}: network error: ${String(cause)}`,
              { endpoint: name, correlationID },
              cause,
            ),
        }).pipe(
          Effect.timeoutOrElse({
            duration: Duration.millis(settings.timeoutMs),
            orElse: () =>
              Effect.fail(
                clientError("TIMEOUT", `${name}: no response within ${settings.timeoutMs} ms`, {
                  endpoint: name,
                  correlationID,
                }),
              ),
          }),
          Effect.flatMap(({ response, text }) =>
            classifyResponse(response, text, spec, correlationID).pipe(
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

    const withRetries = (token: string, maxRetries = settings.retry.maxRetries) =>
      Effect.clockWith((realClock) => {
        const once = exchange(token);
        const sleep = settings.retry.sleep;
        const schedule = retrySchedule({ ...settings.retry, maxRetries }, onRetryDelay);
        if (sleep === undefined) return once.pipe(Effect.retry(schedule));
        // Backoff waits go through the injected sleep; the per-attempt timeout keeps the real clock.
        return once.pipe(
          Effect.provideService(Clock.Clock, realClock),
          Effect.retry(schedule),
          Effect.provideService(Clock.Clock, clockWithSleep(realClock, sleep)),
        );
      });

    const token = yield* bearer(credentials, credentials.current, name, correlationID, settings.timeoutMs);
    const refresher = credentials.refresher;
    return yield* withRetries(token).pipe(
      Effect.catch((error: ApiError) => {
        if (refresher === undefined || error.code !== "AUTH_INVALID_SESSION") return Effect.fail(error);
        return bearer(
          credentials,
          () => refresher.refresh(token, sentAt),
          name,
          correlationID,
          settings.timeoutMs,
          "REFRESH_FAILED",
          // Sent once more with the new token, within what is left of the call's retries (not a fresh budget).
        ).pipe(
          Effect.flatMap((fresh) =>
            withRetries(fresh, Math.max(0, settings.retry.maxRetries - (attempts - 1))),
          ),
        );
      }),
    );
  });
}

/**
 * Obtains a bearer through `get` and checks its scope; wraps foreign failures as `code`, and a `get` that does not
 * settle within `timeoutMs` as `TIMEOUT` (transient: the next poll asks again), so a hung callback never holds a
 * call for ever.
 */
function bearer(
  credentials: CredentialSource,
  get: () => Promise<string>,
  endpoint: string,
  correlationID: string,
  timeoutMs: number,
  code: "SESSION_UNAVAILABLE" | "REFRESH_FAILED" = "SESSION_UNAVAILABLE",
): Effect.Effect<string, CallFailure> {
  // The errors made here pass through as they are; any other (an ApiError of the app's own call, say) is wrapped.
  const own = new WeakSet<object>();
  const fail = (why: string, failure: ApiErrorCode = code) => {
    const error = clientError(failure, `${endpoint}: the credential callback ${why}`, {
      endpoint,
      correlationID,
    });
    own.add(error);
    return error;
  };
  return Effect.tryPromise({
    try: async () => {
      const token = await get();
      if (typeof token !== "string" || token === "") throw fail("gave no token");
      credentials.check(token);
      // Never quoted (a secret). One a header cannot carry would fail as a "network error", retried for ever.
      if (!HEADER_VALUE.test(token)) throw fail("gave a token no HTTP header can carry");
      return token;
    },
    catch: (cause): CallFailure =>
      cause instanceof ScopeError || (cause instanceof ApiError && own.has(cause))
        ? cause
        : clientError(
            code,
            `${endpoint}: ${code === "REFRESH_FAILED" ? "refreshing the session" : "getting the session token"} failed: ${String(cause)}`,
            { endpoint, correlationID },
            cause,
          ),
  }).pipe(
    Effect.timeoutOrElse({
      duration: Duration.millis(timeoutMs),
      orElse: () => Effect.fail(fail(`gave nothing within ${timeoutMs} ms`, "TIMEOUT")),
    }),
  );
}

/**
 * Runs one logical call and settles it as a Promise.
 * @throws {ScopeError} when the credential is outside the client's scope (before any request).
 * @throws {ApiError} for every other failure, typed by `code`; ABORTED when `options.signal` aborts; INVALID_REQUEST
 *   naming `options`, `idempotencyKey`, `correlationID`, `signal` or `etag` when a call option is malformed (nothing
 *   is sent).
 */
export async function send<Name extends EndpointName>(
  settings: TransportSettings,
  credentials: CredentialSource,
  spec: RequestSpec<Name>,
  options: CallOptions = {},
): Promise<Outcome<EndpointOutput<Name>>> {
  // The correlation id checked as the call's, also when the client's own `correlationID()` gave it: a value no
  // header can carry would fail as a retried "network error".
  let badOption = callOptionProblem(options);
  let correlationID = "";
  try {
    correlationID = badOption ? "" : (options.correlationID ?? settings.correlationID());
  } catch (cause) {
    throw clientError(
      "INVALID_REQUEST",
      `${spec.endpoint}: the client's correlationID() threw: ${String(cause)}`,
      { endpoint: spec.endpoint, errors: [{ path: "correlationID", message: "the function threw" }] },
      cause,
    );
  }
  badOption ??= callOptionProblem({ correlationID });
  if (badOption)
    throw clientError("INVALID_REQUEST", `${spec.endpoint}: ${badOption.path} ${badOption.message}`, {
      endpoint: spec.endpoint,
      errors: [badOption],
    });
  const identity: CallIdentity = {
    correlationID,
    idempotencyKey: isMutatingMethod(ENDPOINTS[spec.endpoint].method)
      ? (options.idempotencyKey ?? randomId())
      : undefined,
  };
  const aborted = () =>
    clientError("ABORTED", `${spec.endpoint}: aborted by the caller`, {
      endpoint: spec.endpoint,
      correlationID: identity.correlationID,
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

/** The first malformed call option, or `undefined`. */
function callOptionProblem(options: unknown): FieldError | undefined {
  if (typeof options !== "object" || options === null)
    return { path: "options", message: "must be an object" };
  const given = options as Record<string, unknown>;
  for (const path of ["idempotencyKey", "correlationID", "etag"])
    if (given[path] !== undefined && (typeof given[path] !== "string" || !HEADER_VALUE.test(given[path])))
      return { path, message: "must be a printable-ASCII header value" };
  const signal = given.signal as { aborted?: unknown; addEventListener?: unknown } | null | undefined;
  if (
    signal !== undefined &&
    (typeof signal?.aborted !== "boolean" || typeof signal.addEventListener !== "function")
  )
    return { path: "signal", message: "must be an AbortSignal" };
  return undefined;
}

/** A call's parsed `data`, carrying the answer's {@link ResponseMeta} as a non-enumerable `meta` (JSON skips it). */
export type WithMeta<T> = T & { readonly meta?: ResponseMeta };

/**
 * The {@link ResponseMeta} of a client result (`requestID`, `correlationID`, `timestamp`), to quote in a support
 * ticket; `undefined` for a value that did not come from the client. Never throws.
 */
export function responseMeta(result: unknown): ResponseMeta | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  const meta = (result as { meta?: unknown }).meta;
  return typeof meta === "object" && meta !== null ? (meta as ResponseMeta) : undefined;
}

/** Attaches `meta` to a parsed payload without making it part of the payload's JSON. */
export function withMeta<T>(value: T, meta: ResponseMeta): WithMeta<T> {
  if (typeof value === "object" && value !== null)
    Object.defineProperty(value, "meta", { value: meta, enumerable: false, configurable: true });
  return value as WithMeta<T>;
}

/**
 * Like {@link send}, for a call that must answer with a body: only a conditional GET may see 304, so a 304 here
 * is a breach of the contract. The result carries the answer's meta (see {@link responseMeta}).
 * @throws {ScopeError} when the credential is outside the client's scope (before any request).
 * @throws {ApiError} for every failure, typed by `code`; CONTRACT for an unexpected 304.
 */
export async function sendForBody<Name extends EndpointName>(
  settings: TransportSettings,
  credentials: CredentialSource,
  spec: RequestSpec<Name>,
  options?: CallOptions,
): Promise<WithMeta<EndpointOutput<Name>>> {
  const outcome = await send(settings, credentials, spec, options);
  if (outcome.kind !== "ok")
    throw clientError("CONTRACT", `${spec.endpoint}: unexpected 304`, {
      endpoint: spec.endpoint,
      status: 304,
    });
  return withMeta(outcome.value, outcome.meta);
}
