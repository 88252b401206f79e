import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, createBorrowerClient, createPartnerClient, type PartnerClient } from "../client/index.js";
import { openJourney } from "../client/journeys.js";
import { ContractError, type JourneySnapshot } from "../contract/index.js";
import {
  bootstrapSession,
  createMemoryJourneyStore,
  createMemoryTokenStore,
  createPushRelay,
  createWebhookHandler,
  type JourneyStore,
  RawBodyError,
  readRawBody,
  type WebhookOutcome,
} from "../server/index.js";
import { type AppAuthOptions, type AppSession, createAppAuth } from "./app-auth.js";
import { originFormTarget } from "./request-target.js";
import { CSRF_HEADER } from "./sign-in.js";

/** Options of {@link startPartnerBackend}. */
export interface PartnerBackendOptions {
  /** The platform's (or sandbox's) base URL, without the API path. */
  readonly platformUrl: string;
  /** The partner's secret API key; it never leaves this backend. */
  readonly apiKey: string;
  /** The webhook secret(s) registered with the platform. */
  readonly webhookSecrets: string | readonly string[];
  /** Where journeys are kept (default: in memory). */
  readonly store?: JourneyStore;
  /** The clock webhooks are checked against, epoch ms (the sandbox's, when it runs an accelerated clock). */
  readonly now?: () => number;
  /** TCP port on 127.0.0.1 (default 0: a free one). */
  readonly port?: number;
  /** Called for every webhook delivery with how it ended. */
  readonly onWebhook?: (outcome: WebhookOutcome, snapshot: { journeyID?: string; asOf?: number }) => void;
  /**
   * The borrower sign-in: the credential check, token lifetime and lockout (defaults: the sandbox password
   * `DEMO_PASSWORD`, 15-minute app tokens, 5 failures lock a borrower's sign-in for a minute; its clock defaults
   * to `now`, else `Date.now`).
   */
  readonly auth?: AppAuthOptions;
}

/** A running example partner backend: sign-in, session endpoint, webhook receiver with a store, SSE push relay. */
export interface PartnerBackend {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The webhook endpoint to register with the platform. */
  readonly webhookUrl: string;
  /** The store the webhook receiver writes. */
  readonly store: JourneyStore;
  /** Stops the server and the relay. */
  close(): Promise<void>;
}

/** Largest JSON body the borrower-facing routes read. */
const JSON_BODY_LIMIT = 16 * 1024;

/** A request refused before it reaches a route's work; its status and message are the answer. */
class Refusal extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/**
 * The CSRF gate of every browser-facing POST, then its JSON object body (empty is `{}`): `415` unless
 * `Content-Type: application/json`, `403` without the {@link CSRF_HEADER} header, `413` past 16 KiB, `400` for a
 * body that is not a JSON object.
 */
async function readJsonRequest(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = String(req.headers["content-type"] ?? "")
    .split(";")[0]
    ?.trim()
    .toLowerCase();
  if (type !== "application/json") throw new Refusal(415, "Content-Type must be application/json");
  const marker = req.headers[CSRF_HEADER];
  if (typeof marker !== "string" || marker.trim() === "")
    throw new Refusal(403, `the ${CSRF_HEADER} header is required`);
  let raw: Buffer;
  try {
    raw = await readRawBody(req, { limit: JSON_BODY_LIMIT });
  } catch (error) {
    if (error instanceof RawBodyError && error.reason === "TOO_LARGE")
      throw new Refusal(413, "body too large", { connection: "close" });
    throw error;
  }
  const text = raw.toString("utf8").trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Refusal(400, "the body is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Refusal(400, "the body must be a JSON object");
  return parsed as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new Refusal(400, `${field} must be a string`);
  return value;
}

function borrowerIdOf(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 128)
    throw new Refusal(400, "borrowerExternalID must be a string of 1 to 128 characters");
  return value;
}

const UNAUTHENTICATED = () =>
  new Refusal(401, "sign in first: a valid app token is required", { "www-authenticate": "Bearer" });

/**
 * Starts the partner backend the seed describes, on node:http (127.0.0.1), built from the server kit. Routes:
 * - `POST /sign-in { borrowerExternalID, password }` → `{ borrowerExternalID, appToken, appTokenExpiresAt }`:
 *   the borrower's app token (TTL 15 min by default); signing in again revokes the borrower's earlier token and
 *   ends its push streams. `401` for a wrong password, `429` once the borrower's sign-in is locked.
 * - `POST /sign-out` (Bearer appToken) → `204`, the token revoked.
 * - `POST /session { borrowerExternalID?, phone?, returnUrl? }` (Bearer appToken) → the signed-in borrower's
 *   session context, the journey snapshot and the `appToken`; naming another borrower is `403`.
 * - `POST /session/refresh` (Bearer appToken) → a fresh borrower token, the refresh token never leaving the backend.
 * - `POST /webhooks` → the verified, deduplicating webhook receiver (server to server, signed; no app token).
 * - `GET /push/{journeyID}` (Bearer appToken) → the SSE relay of verified snapshots, for the app session's own
 *   journeys only (`403` for another's).
 * Every borrower-facing POST needs `Content-Type: application/json` (else `415`) and the `X-Requested-With` header
 * (else `403`), and every borrower route a live app token (else `401`, never a borrower token).
 * @throws {AppAuthConfigError} (rejects) when an `auth` lifetime or count is not a positive integer.
 * Rejects with the listen error when the port cannot be bound.
 */
export async function startPartnerBackend(options: PartnerBackendOptions): Promise<PartnerBackend> {
  const partner: PartnerClient = createPartnerClient({
    baseUrl: options.platformUrl,
    apiKey: options.apiKey,
    serverSide: true,
  });
  const clock = options.auth?.now ?? options.now ?? Date.now;
  const auth = createAppAuth({ ...options.auth, now: clock });
  const store = options.store ?? createMemoryJourneyStore();
  const tokens = createMemoryTokenStore();
  // Open push streams by app session, so revoking (or the expiry of) a token also ends what it opened.
  const streams = new Map<string, Set<ServerResponse>>();
  auth.onEnd((session) => {
    for (const res of streams.get(session.key) ?? []) res.destroy();
    streams.delete(session.key);
  });
  const relay = createPushRelay({
    authorize: (request, journeyID) =>
      auth.verify(request.headers.get("authorization"))?.journeyIDs.has(journeyID) === true,
    latest: async (journeyID) => (await store.get(journeyID))?.snapshot,
  });
  const webhooks = await createWebhookHandler({
    secrets: options.webhookSecrets,
    store,
    ...(options.now ? { now: options.now } : {}),
    fetchJourney: (journeyID) => partner.getJourney(journeyID),
    onSnapshot: (snapshot: JourneySnapshot) => relay.publish(snapshot),
  });

  function signedIn(req: IncomingMessage): AppSession {
    const session = auth.verify(req.headers.authorization);
    if (!session) throw UNAUTHENTICATED();
    return session;
  }

  /** While any push stream is open, sessions whose time ran out (by the backend's clock) are ended each second. */
  let expiring: ReturnType<typeof setInterval> | undefined;

  function watch(session: AppSession, res: ServerResponse): void {
    const open = streams.get(session.key) ?? new Set<ServerResponse>();
    streams.set(session.key, open);
    open.add(res);
    // The stream ends when the token does (`auth.onEnd`): measured on the backend's clock, which may be a
    // sandbox's manual or accelerated one, so looked at every second rather than waited for on the wall clock.
    expiring ??= setInterval(() => auth.expire(), EXPIRY_CHECK_MS);
    expiring.unref();
    res.once("close", () => {
      open.delete(res);
      if (open.size === 0 && streams.get(session.key) === open) streams.delete(session.key);
      if (streams.size === 0 && expiring !== undefined) {
        clearInterval(expiring);
        expiring = undefined;
      }
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = originFormTarget(req.url);
    if (url === undefined) throw new Refusal(400, "the request target must be a path (/...)");
    if (req.method === "POST" && url.pathname === "/webhooks") {
      const body = await readRawBody(req);
      const result = await webhooks.handle(body, req.headers as Record<string, string>);
      const first = result.journeys?.[0];
      options.onWebhook?.(result.outcome, first ? { journeyID: first.journeyID, asOf: first.asOf } : {});
      return json(res, result.status, result);
    }
    if (req.method === "POST" && url.pathname === "/sign-in") {
      const input = await readJsonRequest(req);
      const borrowerExternalID = borrowerIdOf(input.borrowerExternalID);
      const password = optionalString(input, "password");
      if (password === undefined) throw new Refusal(400, "password is required");
      const result = await auth.signIn(borrowerExternalID, password);
      if (!result.ok && result.reason === "locked")
        throw new Refusal(429, "too many failed sign-ins; try again later", {
          "retry-after": String(Math.ceil(result.retryAfterMs / 1000)),
        });
      if (!result.ok) throw new Refusal(401, "wrong customer id or password");
      return json(res, 200, {
        borrowerExternalID,
        appToken: result.appToken,
        appTokenExpiresAt: new Date(result.session.expiresAt).toISOString(),
      });
    }
    if (req.method === "POST" && url.pathname === "/sign-out") {
      await readJsonRequest(req);
      const app = signedIn(req);
      auth.revokeBorrower(app.borrowerExternalID);
      res.writeHead(204).end();
      return;
    }
    if (req.method === "POST" && url.pathname === "/session") {
      const input = await readJsonRequest(req);
      const app = signedIn(req);
      const named = input.borrowerExternalID;
      if (named !== undefined && named !== app.borrowerExternalID)
        throw new Refusal(403, "this app session belongs to another borrower");
      const phone = optionalString(input, "phone");
      const returnUrl = optionalString(input, "returnUrl");
      const { appContext, session } = await bootstrapSession(
        partner,
        {
          borrowerExternalID: app.borrowerExternalID,
          ...(phone ? { profile: { contactNumber: phone } } : {}),
        },
        { tokenStore: tokens, ...(returnUrl ? { returnUrl } : {}) },
      );
      // This example backend also acts as the borrower's middleware (PLATFORM.md §3: the session token may be
      // held by "the app or partner middleware"): it resumes the active journey or creates one with the
      // borrower's own token, and hands the app the journey's first snapshot with the session.
      const borrower = createBorrowerClient({
        baseUrl: options.platformUrl,
        getSessionToken: () => session.sessionToken,
        refreshSession: async () => session.sessionToken,
      });
      const { journeyID, snapshot: journey } = await openJourney(borrower, appContext);
      await store.applySnapshot({ snapshot: journey });
      app.journeyIDs.add(journeyID);
      return json(res, 201, {
        ...appContext,
        token: appContext.sessionToken,
        expiresAt: appContext.sessionExpiresAt,
        journeyID,
        resumed: appContext.activeJourney !== null,
        // The caller's own token, echoed: the session is bound to it (sign in again for a new one).
        appToken: req.headers.authorization?.slice("Bearer ".length),
        appTokenExpiresAt: new Date(app.expiresAt).toISOString(),
        journey,
      });
    }
    if (req.method === "POST" && url.pathname === "/session/refresh") {
      await readJsonRequest(req);
      const app = signedIn(req);
      // The platform documents no refresh endpoint: renew by bootstrapping the borrower's session again, which
      // the docs describe for resume [L4] (the sandbox's refresh endpoint is an extension, off by default).
      const { session } = await bootstrapSession(
        partner,
        { borrowerExternalID: app.borrowerExternalID },
        { tokenStore: tokens },
      );
      return json(res, 200, { token: session.sessionToken, expiresAt: session.sessionExpiresAt });
    }
    const push = url.pathname.match(/^\/push\/([^/]{1,128})$/);
    if (req.method === "GET" && push?.[1]) {
      const app = signedIn(req);
      if (!app.journeyIDs.has(push[1])) throw new Refusal(403, "not a journey of this app session");
      watch(app, res);
      return relay.handleNode(req, res, push[1]);
    }
    return json(res, 404, { error: "not found" });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else if (error instanceof Refusal) json(res, error.status, { error: error.message }, error.headers);
      // A body too large or cut off is the sender's (413/400, so a platform stops retrying it as it is).
      else if (error instanceof RawBodyError) json(res, error.status, { error: error.message });
      // The borrower's input, refused before it was sent (a phone that is no contact number) or by the platform.
      else if (error instanceof ContractError)
        json(res, 400, { error: "invalid input", errors: error.issues.map(asInputField) });
      else if (error instanceof ApiError && error.kind === "invalid")
        json(res, 400, {
          error: `the platform refused the input (${error.code})`,
          errors: error.errors.map(asInputField),
        });
      else {
        // The detail stays on the server: an answer says only that it failed.
        console.error("demo partner backend:", req.method, req.url?.split("?")[0], error);
        json(res, 500, { error: "internal error" });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    webhookUrl: `${url}/webhooks`,
    store,
    async close() {
      clearInterval(expiring);
      relay.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

/** How often open push streams' sessions are checked for expiry, in ms (real time). */
const EXPIRY_CHECK_MS = 1_000;

/** The `/session` body's name of a platform field (`phone` for the profile's contact number). */
function inputFieldOf(field: string): string {
  return field.replace(/^(profile\.)?contactNumber$/, "phone");
}

/** A contract issue or a platform field error, named as the `/session` body names the field. */
function asInputField(issue: { readonly path: string; readonly message: string }): {
  path: string;
  message: string;
} {
  return { path: inputFieldOf(issue.path), message: issue.message };
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}
