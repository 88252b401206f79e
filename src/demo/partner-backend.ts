import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createBorrowerClient, createPartnerClient, type PartnerClient } from "../client/index.js";
import { openJourney } from "../client/journeys.js";
import type { JourneySnapshot } from "../contract/index.js";
import {
  bootstrapSession,
  createMemoryJourneyStore,
  createMemoryTokenStore,
  createPushRelay,
  createWebhookHandler,
  type JourneyStore,
  readRawBody,
  type WebhookOutcome,
} from "../server/index.js";

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
}

/** A running example partner backend: session endpoint, webhook receiver with a store, SSE push relay. */
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

interface AppSession {
  readonly borrowerExternalID: string;
  readonly journeyID: string;
}

/**
 * Starts the partner backend the seed describes, on node:http, built from the server kit. Routes:
 * `POST /session { borrowerExternalID, phone?, returnUrl? }` → the app's session context, the journey snapshot and an `appToken` (for the
 * partner's own app authentication); `POST /session/refresh` (Bearer appToken) → a fresh borrower token, the
 * refresh token never leaving the backend; `POST /webhooks` → the verified, deduplicating webhook receiver;
 * `GET /push/{journeyID}` (Bearer appToken) → the SSE relay of verified snapshots.
 * Rejects with the listen error when the port cannot be bound.
 */
export async function startPartnerBackend(options: PartnerBackendOptions): Promise<PartnerBackend> {
  const partner: PartnerClient = createPartnerClient({
    baseUrl: options.platformUrl,
    apiKey: options.apiKey,
    serverSide: true,
  });
  const store = options.store ?? createMemoryJourneyStore();
  const tokens = createMemoryTokenStore();
  const appSessions = new Map<string, AppSession>();
  const relay = createPushRelay({
    authorize: (request, journeyID) =>
      appSessionOf(request.headers.get("authorization"))?.journeyID === journeyID,
    latest: async (journeyID) => (await store.get(journeyID))?.snapshot,
  });
  const webhooks = await createWebhookHandler({
    secrets: options.webhookSecrets,
    store,
    ...(options.now ? { now: options.now } : {}),
    fetchJourney: (journeyID) => partner.getJourney(journeyID),
    onSnapshot: (snapshot: JourneySnapshot) => relay.publish(snapshot),
  });

  function appSessionOf(authorization: string | null | undefined): AppSession | undefined {
    const token = authorization?.match(/^Bearer (.+)$/)?.[1];
    return token ? appSessions.get(token) : undefined;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "POST" && url.pathname === "/webhooks") {
      const body = await readRawBody(req);
      const result = await webhooks.handle(body, req.headers as Record<string, string>);
      const first = result.journeys?.[0];
      options.onWebhook?.(result.outcome, first ? { journeyID: first.journeyID, asOf: first.asOf } : {});
      return json(res, result.status, result);
    }
    if (req.method === "POST" && url.pathname === "/session") {
      const input = JSON.parse((await readRawBody(req)).toString("utf8") || "{}") as {
        borrowerExternalID?: string;
        phone?: string;
        returnUrl?: string;
      };
      const { appContext, session } = await bootstrapSession(
        partner,
        {
          borrowerExternalID: input.borrowerExternalID ?? "",
          ...(input.phone ? { profile: { contactNumber: input.phone } } : {}),
        },
        { tokenStore: tokens, ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}) },
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
      const appToken = crypto.randomUUID();
      appSessions.set(appToken, { borrowerExternalID: input.borrowerExternalID ?? "", journeyID });
      return json(res, 201, {
        ...appContext,
        token: appContext.sessionToken,
        expiresAt: appContext.sessionExpiresAt,
        journeyID,
        resumed: appContext.activeJourney !== null,
        appToken,
        journey,
      });
    }
    if (req.method === "POST" && url.pathname === "/session/refresh") {
      const app = appSessionOf(req.headers.authorization);
      if (!app) return json(res, 401, { error: "unknown app session" });
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
    if (req.method === "GET" && push?.[1]) return relay.handleNode(req, res, push[1]);
    return json(res, 404, { error: "not found" });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(error) });
      else res.destroy();
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
      relay.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
