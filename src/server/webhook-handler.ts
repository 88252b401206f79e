import type { IncomingMessage, ServerResponse } from "node:http";
import type { JourneyState } from "../../machines/journey/index.js";
import { ContractError, type Journey, type JourneySnapshot, webhookSnapshot } from "../contract/index.js";
import { reduce } from "../journey/index.js";
import { newestOf, recordFor } from "./journey-record.js";
import { checkLimit, DEFAULT_RAW_BODY_LIMIT, RawBodyError } from "./raw-body/errors.js";
import { readRequestBody } from "./raw-body/fetch.js";
import { readRawBody } from "./raw-body/node.js";
import type { JourneyStore } from "./store/types.js";
import { WebhookVerificationError } from "./webhook/errors.js";
import type { WebhookHeaders } from "./webhook/headers.js";
import { createWebhookVerifier, type WebhookVerifier } from "./webhook/verify.js";

/** How a delivery ended, as the handler answers it. */
export type WebhookOutcome =
  /** First delivery, newer than the stored journey: stored (201 would be as fine; we answer 200). */
  | "applied"
  /** First delivery, but not newer than the stored journey: its id is recorded, nothing else changes. */
  | "stale"
  /** This webhook id was processed before: nothing was done. */
  | "duplicate"
  /** Signature, headers or timestamp failed verification (4xx: the platform should not retry it as is). */
  | "unauthorized"
  /** Signed correctly but not a valid `journey.snapshot` envelope (4xx). */
  | "invalid"
  /** The store failed: nothing was written, and a 5xx makes the platform retry. */
  | "storeFailed";

/** The answer for a delivery: HTTP status and a small JSON body. */
export interface WebhookResult {
  readonly status: number;
  readonly outcome: WebhookOutcome;
  readonly webhookId?: string;
  readonly journeyID?: string;
  /** The delivered state's order key (`asOf`, epoch ms). */
  readonly asOf?: number;
  readonly detail?: string;
}

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** One `whsec_` secret, or several while they rotate. */
  readonly secrets: string | readonly string[];
  /** Where journeys and seen webhook ids are kept (atomically, see `JourneyStore.applyWebhook`). */
  readonly store: JourneyStore;
  /** Called after a snapshot is stored (e.g. `pushRelay.publish`, analytics). Its failure is reported to `onError`. */
  readonly onSnapshot?: (snapshot: JourneySnapshot, state: JourneyState) => void | Promise<void>;
  /**
   * Fetches the full journey with the partner's read scope, to confirm a snapshot on an unexpected lifecycle
   * edge (the reducer's server-authority check). Without it, the anomaly is stored in the reducer state, held.
   */
  readonly fetchJourney?: (journeyID: string) => Promise<Journey>;
  /** The clock, epoch ms (default `Date.now`): timestamps are checked against it, and reducer events carry it. */
  readonly now?: () => number;
  /** Timestamp tolerance either way, in seconds (default 300). */
  readonly toleranceSec?: number;
  /** Largest accepted body in bytes for the node:http and Fetch adapters, enforced while reading (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Failures that do not fail the delivery (`onSnapshot`, a failed `fetchJourney`). Default: `console.error`. */
  readonly onError?: (error: unknown, context: { webhookId: string; journeyID: string }) => void;
}

/** A verified, deduplicating, reducer-applying webhook endpoint for node:http and Fetch-API servers. */
export interface WebhookHandler {
  /** Processes one delivery from its raw body and headers. Never rejects: every failure is an outcome. */
  handle(rawBody: string | Uint8Array | ArrayBuffer, headers: WebhookHeaders): Promise<WebhookResult>;
  /** A node:http request listener body: reads the raw body, handles it, answers. Never rejects. */
  node(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** A Fetch-API handler (Hono: `app.post("/webhooks", (c) => handler.fetch(c.req.raw))`). Never rejects. */
  fetch(request: Request): Promise<Response>;
}

/**
 * Creates the webhook endpoint of a partner backend: verify the Standard Webhooks signature on the raw body,
 * parse, apply with the journey reducer over the stored state, and persist snapshot, reducer state and
 * webhook id in one atomic write. 2xx for applied, stale and duplicate deliveries; 4xx for a bad signature or
 * body; 5xx only when the store failed, so the platform retries and nothing is half-written.
 * @throws {WebhookSecretError} (rejects) when a configured secret is malformed.
 * @throws {RawBodyLimitError} (rejects) when `bodyLimit` is not a positive integer.
 */
export async function createWebhookHandler(options: WebhookHandlerOptions): Promise<WebhookHandler> {
  const bodyLimit = checkLimit(options.bodyLimit ?? DEFAULT_RAW_BODY_LIMIT, "bodyLimit");
  const now = options.now ?? Date.now;
  const verifier: WebhookVerifier = await createWebhookVerifier(
    typeof options.secrets === "string" ? options.secrets : [...options.secrets],
    { toleranceSec: options.toleranceSec ?? 300 },
  );
  const onError =
    options.onError ??
    ((error: unknown, context: { webhookId: string; journeyID: string }) =>
      console.error("credit-journey webhook follow-up failed", context, error));

  async function handle(
    rawBody: string | Uint8Array | ArrayBuffer,
    headers: WebhookHeaders,
  ): Promise<WebhookResult> {
    let verified: Awaited<ReturnType<WebhookVerifier["verify"]>>;
    try {
      verified = await verifier.verify(rawBody, headers, { now: now() });
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        return { status: 401, outcome: "unauthorized", detail: error.message };
      }
      if (error instanceof ContractError) return { status: 400, outcome: "invalid", detail: error.message };
      throw error;
    }
    const { webhookId, envelope } = verified;
    const snapshot = webhookSnapshot(envelope);
    const base = { webhookId, journeyID: snapshot.journeyID, asOf: snapshot.asOf };
    let state: JourneyState;
    try {
      const stored = await options.store.get(snapshot.journeyID);
      state = await confirmIfHeld(webhookId, recordFor(stored, snapshot, "webhook", now()).state);
      const record = { snapshot: newestOf(snapshot, state), state };
      const result = await options.store.applyWebhook({ webhookId, record });
      if (result.duplicate) return { status: 200, outcome: "duplicate", ...base };
      if (!result.applied) return { status: 200, outcome: "stale", ...base };
    } catch (error) {
      return { status: 503, outcome: "storeFailed", ...base, detail: String(error) };
    }
    try {
      await options.onSnapshot?.(state.context.snapshot ?? snapshot, state);
    } catch (error) {
      onError(error, { webhookId, journeyID: snapshot.journeyID });
    }
    return { status: 200, outcome: "applied", ...base };
  }

  /** The reducer holds a snapshot on an unexpected edge; the full journey from the platform settles it. */
  async function confirmIfHeld(webhookId: string, state: JourneyState): Promise<JourneyState> {
    if (!options.fetchJourney || state.context.held === null) return state;
    const journeyID = state.context.journeyID;
    try {
      const journey = await options.fetchJourney(journeyID);
      const confirmed = reduce(state, { type: "journey.loaded", journey, at: now() });
      return confirmed.rejected ? state : confirmed.state;
    } catch (error) {
      // Still stored, held: the reconciler or the next delivery settles it.
      onError(error, { webhookId, journeyID });
      return state;
    }
  }

  const safeHandle: WebhookHandler["handle"] = (rawBody, headers) =>
    handle(rawBody, headers).catch((error: unknown) => ({
      status: 500,
      outcome: "storeFailed" as const,
      detail: String(error),
    }));

  return {
    handle: safeHandle,

    async node(req, res) {
      let result: WebhookResult;
      try {
        const body = await readRawBody(req, { limit: bodyLimit });
        result = await safeHandle(body, req.headers as WebhookHeaders);
      } catch (error) {
        const status = error instanceof RawBodyError ? error.status : 400;
        result = { status, outcome: "invalid", detail: String(error) };
      }
      // After a refused body the connection is closed, not drained: the rest of the upload is never read.
      const close = result.status === 413 ? { connection: "close" } : {};
      res
        .writeHead(result.status, { "content-type": "application/json", ...close })
        .end(JSON.stringify(result));
    },

    async fetch(request) {
      let result: WebhookResult;
      try {
        const body = await readRequestBody(request, { limit: bodyLimit });
        result = await safeHandle(body, request.headers);
      } catch (error) {
        const status = error instanceof RawBodyError ? error.status : 400;
        result = { status, outcome: "invalid", detail: String(error) };
      }
      return new Response(JSON.stringify(result), {
        status: result.status,
        headers: { "content-type": "application/json" },
      });
    },
  };
}
