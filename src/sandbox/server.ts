import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isMutatingMethod } from "../contract/index.js";
import { type ApiDeps, checkScope, HANDLERS } from "./api.js";
import type { Caller, CredentialStore } from "./auth.js";
import type { SandboxClock } from "./clock.js";
import type { SandboxControl } from "./control.js";
import { handleControl } from "./control-http.js";
import { corsHeaders, isForeignToControl, isPreflight, type OriginPolicy, preflightHeaders } from "./cors.js";
import type { LifecycleEngine } from "./engine.js";
import type { FaultInjector } from "./faults.js";
import { handleHosted } from "./hosted.js";
import type { HostPolicy } from "./hosts.js";
import { fingerprint, type IdempotencyStore, type StoredResponse } from "./idempotency.js";
import { checkJsonDepth } from "./json-depth.js";
import type { MutationLogEntry, RequestLogEntry } from "./logs.js";
import type { ResolvedExtensions, ResolvedLimits } from "./options.js";
import { type AnswerMeta, guardProblem, notFound, SandboxProblem } from "./problem.js";
import type { RateLimiter } from "./rate-limit.js";
import { type Redactor, redactSecret } from "./redact.js";
import type { RingLog } from "./ring-log.js";
import { matchPath } from "./router.js";
import type { WebhookSubscription } from "./subscription.js";

/** Everything the request pipeline works with. */
export interface PipelineDeps {
  readonly clock: SandboxClock;
  readonly engine: LifecycleEngine;
  readonly credentials: CredentialStore;
  readonly idempotency: IdempotencyStore;
  readonly rateLimiter: RateLimiter;
  readonly faults: FaultInjector;
  readonly control: SandboxControl;
  readonly mutationLog: RingLog<MutationLogEntry>;
  readonly requestLog: RingLog<RequestLogEntry>;
  readonly extensions: ResolvedExtensions;
  /** Body size and depth bounds (the rest of the limits live in the stores). */
  readonly limits: Pick<ResolvedLimits, "maxBodyBytes" | "maxJsonDepth">;
  /** Which `Host` headers name this sandbox. */
  readonly hosts: HostPolicy;
  /** Which browser origins get CORS answers from the API. */
  readonly origins: OriginPolicy;
  /** Scrubs secrets from control answers and logged headers. */
  readonly redactor: Redactor;
  /** Drops what outlived its TTL (throttled by the caller's own clock; run before every request). */
  readonly sweep: () => void;
  /** The application's webhook subscription [C1]. */
  readonly subscription: WebhookSubscription;
  readonly info: () => { url: string; apiKey: string };
  /** Receives failures the pipeline could not turn into a response (reported, never swallowed). */
  readonly onError: (error: unknown) => void;
  /** Aborted when the sandbox closes: a request waiting out an injected latency is dropped, not run. */
  readonly closing: AbortSignal;
}

/**
 * A caller's principal as the mutation log shows it: the partner key in it redacted by name (the text redactor
 * passes over a key shorter than 8 characters), and any other secret by the redactor.
 */
function loggedPrincipal(caller: Caller, redactor: Redactor): string {
  const key =
    caller.kind === "apiKey"
      ? caller.partnerKey
      : caller.kind === "sessionToken"
        ? caller.borrower.partnerKey
        : undefined;
  const named = key === undefined ? caller.principal : caller.principal.split(key).join(redactSecret(key));
  return redactor.text(named);
}

/**
 * The request body as text, read up to `maxBytes`.
 * @throws {SandboxProblem} 413 PAYLOAD_TOO_LARGE past `maxBytes`.
 */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes)
      throw new SandboxProblem(413, "PAYLOAD_TOO_LARGE", `the body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The JSON body, `undefined` when empty.
 * @throws {SandboxProblem} 400 VALIDATION_FAILED when nested deeper than `maxDepth` (checked before parsing) or
 * not valid JSON.
 */
function parseJson(raw: string, maxDepth: number): unknown {
  if (raw.trim() === "") return undefined;
  checkJsonDepth(raw, maxDepth);
  try {
    return JSON.parse(raw);
  } catch {
    throw new SandboxProblem(400, "VALIDATION_FAILED", "the body is not valid JSON", {
      fields: [{ path: "", message: "not valid JSON", code: "format" }],
    });
  }
}

/**
 * Refuses a non-empty body not declared `Content-Type: application/json` (so a cross-site `text/plain` or form
 * POST cannot reach a JSON-only endpoint).
 * @throws {SandboxProblem} 415 UNSUPPORTED_MEDIA_TYPE.
 */
function requireJson(req: IncomingMessage, raw: string): void {
  if (raw.trim() === "") return;
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json")
    throw guardProblem("UNSUPPORTED_MEDIA_TYPE", "send the body as Content-Type: application/json");
}

/** `Bearer` and a hint of the credential (an API key's `sk_test_`, else its first 4 characters), never the secret. */
function redactedBearer(value: string): string {
  const match = /^(Bearer\s+)(\S*)/i.exec(value);
  if (!match) return "…";
  const credential = match[2] as string;
  const hint = /^sk_(?:test_|live_)?/.exec(credential)?.[0] ?? credential.slice(0, 4);
  return `${match[1]}${hint}…`;
}

function loggedHeaders(req: IncomingMessage, redactor: Redactor): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    headers[name] = name === "authorization" ? redactedBearer(text) : redactor.text(text);
  }
  return headers;
}

function send(res: ServerResponse, response: StoredResponse, extra: Record<string, string>): void {
  const headers: Record<string, string> = { ...response.headers, ...extra };
  let payload = "";
  if (response.body !== undefined && response.status !== 304) {
    payload = JSON.stringify(response.body);
    headers["Content-Type"] = "application/json";
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

/**
 * A stored answer replayed for a retry: the same status and body, but the envelope's `requestID` and
 * `correlationID` are this request's (as its header is); its `timestamp` stays the stored one, the time of the
 * state it carries (which orders it).
 */
function replayedAs(stored: StoredResponse, meta: AnswerMeta): StoredResponse {
  const body = stored.body;
  if (typeof body !== "object" || body === null || !("requestID" in body)) return stored;
  return { ...stored, body: { ...body, requestID: meta.requestID, correlationID: meta.correlationID } };
}

/** A success answer in the platform's envelope `{ requestID, correlationID, timestamp, data, error: null }` [L3]. */
function enveloped(
  status: number,
  data: unknown,
  meta: AnswerMeta,
  headers: Record<string, string>,
): StoredResponse {
  return { status, headers, body: status === 304 ? undefined : { ...meta, data: data ?? null, error: null } };
}

/** An error answer: the envelope with `data: null` and `error: { code, message, fields? }`. */
function failed(problem: SandboxProblem, meta: AnswerMeta): StoredResponse {
  return { status: problem.status, headers: { ...problem.headers }, body: problem.toBody(meta) };
}

/**
 * An answer's meta whose `timestamp` is stamped when the answer is built (first read), after the handler ran, as
 * a server stamps its envelope: a state read or changed by this call is never dated before the change.
 */
function answerMeta(correlationID: string, clock: SandboxClock): AnswerMeta {
  let timestamp: string | undefined;
  return {
    requestID: randomUUID(),
    correlationID,
    get timestamp() {
      timestamp ??= clock.stamp();
      return timestamp;
    },
  };
}

/** Waits `ms` (a timer that keeps no process alive), or until `signal` aborts. Never rejects. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal.addEventListener("abort", done);
    if (signal.aborted) done();
  });

/**
 * The checks before any route: the `Host` (421), CORS headers for the API and hosted pages, a preflight's answer
 * (204, or 403 for the control API and other origins), and the control API's refusal of other origins' pages (403).
 * Returns true when the request was answered here (`refuse` sent the refusals).
 */
function gated(
  deps: Pick<PipelineDeps, "hosts" | "origins">,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  isControl: boolean,
  refuse: (problem: SandboxProblem) => void,
): boolean {
  if (!deps.hosts.allows(req.headers.host)) {
    const hint = "this Host does not name the sandbox; add it to startSandbox({ allowedHosts })";
    refuse(guardProblem("HOST_NOT_ALLOWED", hint));
    return true;
  }
  const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
  // The control API answers no CORS at all: only same-origin pages and tools reach it.
  if (!isControl)
    for (const [name, value] of Object.entries(corsHeaders(origin, deps.origins))) res.setHeader(name, value);
  if (isPreflight(req)) {
    if (isControl || !deps.origins.allows(origin as string))
      refuse(guardProblem("ORIGIN_NOT_ALLOWED", `origin ${origin} may not call ${path} cross-origin`));
    else res.writeHead(204, preflightHeaders()).end();
    return true;
  }
  if (isControl && isForeignToControl(req)) {
    const hint = "the control API answers same-origin pages and tools only";
    refuse(guardProblem("ORIGIN_NOT_ALLOWED", hint));
    return true;
  }
  return false;
}

/** Builds the `node:http` request listener: API, hosted pages and the control API. */
export function createRequestListener(deps: PipelineDeps) {
  const apiDeps: ApiDeps = {
    engine: deps.engine,
    credentials: deps.credentials,
    clock: deps.clock,
    extensions: deps.extensions,
    subscription: deps.subscription,
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      // A client that hung up mid-request (its body read fails "aborted") is no sandbox fault: nothing to answer.
      // (Not `req.destroyed`: a body read to its end leaves the request destroyed, and every later failure would
      // then be swallowed, unanswered and unreported.)
      if (req.readableAborted || !res.socket || res.socket.destroyed) {
        res.destroy();
        return;
      }
      const meta = { requestID: randomUUID(), correlationID: "unknown", timestamp: deps.clock.stamp() };
      // A request target that is no URL (`GET http://[`) is the client's fault, answered 400 as the platform would.
      const problem =
        error instanceof SandboxProblem
          ? error
          : new SandboxProblem(500, "INTERNAL", "unexpected sandbox error");
      if (problem.status >= 500) deps.onError(error);
      if (!res.headersSent) {
        res.writeHead(problem.status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(problem.toBody(meta)));
      } else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    if (!URL.canParse(req.url ?? "/", "http://sandbox.invalid"))
      throw new SandboxProblem(400, "VALIDATION_FAILED", "the request target is not a URL path");
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const path = url.pathname;
    const presentedCid = req.headers["x-correlation-id"];
    const correlationID =
      typeof presentedCid === "string" && presentedCid.length > 0 ? presentedCid : randomUUID();
    const at = deps.clock.nowIso();
    const meta = answerMeta(correlationID, deps.clock);
    const log = (
      status: number,
      endpoint: string | undefined,
      replayed: boolean,
      fault: RequestLogEntry["fault"],
    ) =>
      deps.requestLog.push({
        method,
        path: deps.redactor.text(path),
        headers: loggedHeaders(req, deps.redactor),
        endpoint,
        status,
        replayed,
        fault,
        correlationID,
        at,
      });

    const isControl = path === "/_sandbox" || path.startsWith("/_sandbox/");
    const refuse = (problem: SandboxProblem) => {
      send(res, failed(problem, meta), { "X-Correlation-ID": correlationID });
      log(problem.status, undefined, false, undefined);
    };
    deps.sweep();
    if (gated(deps, req, res, path, isControl, refuse)) {
      if (res.statusCode === 204) log(204, undefined, false, undefined);
      return;
    }

    if (path === "/hosted" || path.startsWith("/hosted/")) {
      const hosted = handleHosted(deps.engine, deps.clock.now(), method, path);
      await readBody(req, deps.limits.maxBodyBytes).catch(() => "");
      res.writeHead(hosted.status, { ...hosted.headers, "X-Correlation-ID": correlationID });
      res.end(hosted.body);
      log(hosted.status, undefined, false, undefined);
      return;
    }

    if (isControl) {
      let response: StoredResponse;
      try {
        const raw = await readBody(req, deps.limits.maxBodyBytes);
        requireJson(req, raw);
        const body = parseJson(raw, deps.limits.maxJsonDepth);
        const result = handleControl(
          deps.control,
          deps.clock,
          deps.info(),
          method,
          path.slice("/_sandbox".length),
          url.searchParams,
          body,
        );
        response = { status: result.status, headers: {}, body: result.body };
      } catch (error) {
        if (!(error instanceof SandboxProblem)) throw error;
        response = failed(error, meta);
      }
      // Whatever a control answer holds, no known secret leaves in it.
      send(
        res,
        { ...response, body: deps.redactor.value(response.body) },
        { "X-Correlation-ID": correlationID },
      );
      return;
    }

    // The headless API under BASE_PATH, and the endpoints with their own base (the webhook subscription's).
    const route = matchPath(method, path);
    const plan = deps.faults.plan(route?.name);
    const echo = { "X-Correlation-ID": correlationID };
    let reservation: { principal: string; key: string } | undefined;
    try {
      const authorization = req.headers.authorization;
      deps.rateLimiter.take(deps.credentials.rateKeyOf(authorization, req.socket.remoteAddress));
      if (!route) throw notFound(`${method} ${path}`);
      const caller = deps.credentials.authenticate(authorization, route.endpoint.scope);
      checkScope(route.name, route.endpoint.scope, caller);
      if (plan.serverError) {
        await readBody(req, deps.limits.maxBodyBytes).catch(() => "");
        const problem = new SandboxProblem(
          plan.serverError,
          "INTERNAL",
          "injected fault: the platform failed",
          {
            headers: plan.serverError === 503 ? { "Retry-After": "1" } : {},
          },
        );
        send(res, failed(problem, meta), echo);
        log(problem.status, route.name, false, "error");
        return;
      }
      const mutating = isMutatingMethod(method);
      const idempotencyKey = req.headers["idempotency-key"];
      if (mutating && (typeof idempotencyKey !== "string" || idempotencyKey.length === 0))
        throw new SandboxProblem(
          400,
          "IDEMPOTENCY_KEY_REQUIRED",
          `${method} needs an Idempotency-Key header`,
        );
      const raw = await readBody(req, deps.limits.maxBodyBytes);
      // The webhook subscription's endpoints (their own base) take JSON only, like the control API.
      if (route.endpoint.base !== undefined) requireJson(req, raw);
      const body = parseJson(raw, deps.limits.maxJsonDepth);
      if (mutating) {
        const key = idempotencyKey as string;
        const decision = deps.idempotency.begin(
          caller.principal,
          key,
          fingerprint(method, path, body ?? null),
        );
        if (decision.kind === "replay") {
          if (plan.loseResponse) {
            res.destroy();
            log(decision.response.status, route.name, true, "lost");
            return;
          }
          const replayed: Record<string, string> = deps.extensions.idempotentReplayedHeader
            ? { "Idempotent-Replayed": "true" }
            : {};
          send(res, replayedAs(decision.response, meta), { ...echo, ...replayed });
          log(decision.response.status, route.name, true, undefined);
          return;
        }
        reservation = { principal: caller.principal, key };
      }
      if (plan.latencyMs > 0) await sleep(plan.latencyMs, deps.closing);
      // Closed while it waited: nothing more of it runs (no mutation after close()).
      if (deps.closing.aborted) {
        res.destroy();
        return;
      }
      let response: StoredResponse;
      let journeyID: string | undefined;
      try {
        const result = HANDLERS[route.name](apiDeps, {
          caller,
          params: route.params,
          body,
          correlationID,
          headers: {
            "if-none-match":
              typeof req.headers["if-none-match"] === "string" ? req.headers["if-none-match"] : undefined,
          },
        });
        response = enveloped(result.status, result.body, meta, result.headers ?? {});
        journeyID = result.journeyID;
      } catch (error) {
        if (!(error instanceof SandboxProblem)) throw error;
        response = failed(error, meta);
      }
      if (reservation) {
        deps.idempotency.finish(reservation.principal, reservation.key, response);
        reservation = undefined;
        if (response.status < 300)
          deps.mutationLog.push({
            principal: loggedPrincipal(caller, deps.redactor),
            endpoint: route.name,
            method,
            path,
            idempotencyKey: idempotencyKey as string,
            journeyID,
            status: response.status,
            correlationID,
            appliedAt: deps.clock.nowIso(),
          });
      }
      if (plan.loseResponse) {
        // The platform committed; the client never hears back. Exactly what idempotency keys are for.
        res.destroy();
        log(response.status, route.name, false, "lost");
        return;
      }
      send(res, response, echo);
      log(response.status, route.name, false, undefined);
    } catch (error) {
      if (reservation) {
        // Unexpected failure mid-request: release the key so a retry runs again, then report.
        deps.idempotency.finish(reservation.principal, reservation.key, {
          status: 500,
          headers: {},
          body: undefined,
        });
      }
      if (!(error instanceof SandboxProblem)) throw error;
      send(res, failed(error, meta), echo);
      log(error.status, route?.name, false, undefined);
    }
  }
}
