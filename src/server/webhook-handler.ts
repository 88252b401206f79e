import type { IncomingMessage, ServerResponse } from "node:http";
import type { JourneyState } from "../../machines/journey/index.js";
import type { Clock } from "../contract/clock.js";
import { CreditJourneyError } from "../contract/errors.js";
import {
  ContractError,
  JOURNEY_SNAPSHOT_EVENT,
  type Journey,
  type JourneySnapshot,
  type WebhookUpdate,
  webhookUpdates,
  withHeldDetails,
} from "../contract/index.js";
import { reduce } from "../journey/index.js";
import { versioned } from "../journey/state-version.js";
import { isHoldingAnomaly, runServerCommands } from "./commands.js";
import { heldState, storedSnapshot } from "./journey-record.js";
import { createKeyedSerializer } from "./keyed-serializer.js";
import { checkLimit, DEFAULT_RAW_BODY_LIMIT, RawBodyError, type RawBodyReason } from "./raw-body/errors.js";
import { readRequestBody } from "./raw-body/fetch.js";
import { readRawBody } from "./raw-body/node.js";
import { kitParsed, reducerMade } from "./store/checked.js";
import { StoreInputError } from "./store/errors.js";
import { checkStoredJourney, reportReading, rowKeyOf } from "./store/record.js";
import type { ApplyWebhookResult, JourneyStore } from "./store/types.js";
import { WebhookVerificationError, type WebhookVerificationReason } from "./webhook/errors.js";
import type { WebhookHeaders } from "./webhook/headers.js";
import type { WebhookSecrets } from "./webhook/secrets.js";
import type { VerifiedWebhook, VerifyWebhookOptions, WebhookVerifier } from "./webhook/verify.js";

/** How a delivery ended, as the handler answers it. */
export type WebhookOutcome =
  /** First delivery, and at least one journey it names was newer than the stored one: stored. */
  | "applied"
  /** First delivery, but no journey it names was newer: its id is recorded, nothing else changes. */
  | "stale"
  /** This `event_id` was processed before: nothing was done. */
  | "duplicate"
  /** A correctly signed event of another type than `journey.snapshot`: acknowledged, not applied. */
  | "ignored"
  /** Signature, headers or timestamp failed verification (4xx: the platform should not retry it as is). */
  | "unauthorized"
  /**
   * Signed correctly but not a valid delivery, its ids disagree with its headers, or no store could hold it (a NUL
   * in a string; also told to `onError`) (4xx).
   */
  | "invalid"
  /** The store failed: nothing was written, and a 5xx makes the platform retry. */
  | "storeFailed"
  /** The receiver is set up wrong (a JSON body parser ran before verification): 5xx, retried once fixed. */
  | "misconfigured";

/** What became of one journey a delivery names. */
export interface WebhookJourneyResult {
  readonly journeyID: string;
  /** The delivered state's order key (`snapshot_generated_at`, epoch ms). */
  readonly asOf: number;
  /** The delivery's `sequence`, when it has one. */
  readonly sequence?: number;
  /** Whether this journey's stored record was written. */
  readonly applied: boolean;
  /**
   * Whether the stored state is complete (for a journey not written, the held row's, as read): the webhook is
   * thin (status and nextAction) [L6]; `fetchJourney` completes it. `false`: the stored snapshot has only what the
   * webhook said (plus the held details when the status and nextAction did not change).
   */
  readonly complete: boolean;
}

/** The answer for a delivery: HTTP status and a small JSON body. */
export interface WebhookResult {
  readonly status: number;
  readonly outcome: WebhookOutcome;
  /** `X-AL-Event-ID`, once verified. */
  readonly eventID?: string;
  /** Per journey named, once applied or found stale. */
  readonly journeys?: readonly WebhookJourneyResult[];
  /**
   * Why it was refused before anything was applied: the `WebhookVerificationError`'s reason (`unauthorized`,
   * `misconfigured`), or the adapter's `RawBodyError` reason (the body could not be read).
   */
  readonly reason?: WebhookVerificationReason | RawBodyReason;
  readonly detail?: string;
}

/** Where a follow-up failure happened: the event and, when there is one, the journey. */
export interface WebhookErrorContext {
  readonly eventID: string;
  readonly journeyID?: string;
}

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** The application's webhook secret, as given; several while they rotate (each is tried). */
  readonly secrets: string | readonly string[];
  /** Where journeys and seen event ids are kept (atomically, see `JourneyStore.applyWebhook`). */
  readonly store: JourneyStore;
  /** Called after a journey is stored (e.g. `pushRelay.publish`, analytics). Its failure goes to `onError`. */
  readonly onSnapshot?: (snapshot: JourneySnapshot, state: JourneyState) => void | Promise<void>;
  /**
   * Reads the full journey, to complete a thin webhook and to confirm a snapshot on an unexpected lifecycle edge
   * (server authority). Whether the API key may read journeys is not documented (modelled: `partnerRead`);
   * give the borrower's session, or leave it out and the stored state is marked incomplete.
   */
  readonly fetchJourney?: (journeyID: string) => Promise<Journey>;
  /** The clock, epoch ms (default `Date.now`): timestamps are checked against it, and reducer events carry it. */
  readonly now?: Clock["now"];
  /** Timestamp tolerance either way, in seconds (default 300). */
  readonly toleranceSec?: number;
  /** Largest accepted body in bytes for the node:http and Fetch adapters, enforced while reading (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Failures that do not fail the delivery (`onSnapshot`, a failed `fetchJourney`). Default: `console.error`. */
  readonly onError?: (error: unknown, context: WebhookErrorContext) => void;
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

/** A configuration fault of {@link createWebhookHandler}, naming the option; raised when it is created. */
export class WebhookHandlerConfigError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "WebhookHandlerConfigError" as const;
  /** The option at fault. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`createWebhookHandler: ${field} ${message}`);
    this.name = "WebhookHandlerConfigError";
    this.field = field;
  }
}

/** The most journeys one delivery may name (the store writes them in one transaction). */
const MAX_JOURNEYS_PER_DELIVERY = 64;
/** How many times a delivery is built anew when other workers keep writing its journeys first (then 503). */
const MAX_BUILDS = 8;

function checkOptions(options: WebhookHandlerOptions): void {
  if (typeof options !== "object" || options === null)
    throw new WebhookHandlerConfigError("options", "must be an object with secrets and store");
  const store = options.store as Partial<JourneyStore> | undefined;
  if (typeof store?.applyWebhook !== "function" || typeof store.get !== "function")
    throw new WebhookHandlerConfigError(
      "store",
      "must be a JourneyStore (createMemoryJourneyStore() and others)",
    );
  for (const name of ["onSnapshot", "fetchJourney", "now", "onError"] as const)
    if (options[name] !== undefined && typeof options[name] !== "function")
      throw new WebhookHandlerConfigError(name, "must be a function");
  const tolerance = options.toleranceSec;
  if (
    tolerance !== undefined &&
    (typeof tolerance !== "number" || !Number.isFinite(tolerance) || tolerance < 0)
  )
    throw new WebhookHandlerConfigError("toleranceSec", "must be a non-negative number of seconds");
}

/**
 * The webhook handler factory over one verifier factory (the Node and edge entries each bind theirs).
 * @throws {WebhookHandlerConfigError} when an option is missing or malformed (rejects), naming it.
 * @throws {WebhookSecretError} when no secret is given or one is not a non-empty string (rejects).
 * @throws {RawBodyLimitError} when `bodyLimit` is not a positive integer (rejects).
 */
export function handlerFactory(
  createVerifier: (secrets: WebhookSecrets, defaults: VerifyWebhookOptions) => Promise<WebhookVerifier>,
) {
  return async function createWebhookHandler(options: WebhookHandlerOptions): Promise<WebhookHandler> {
    checkOptions(options);
    const bodyLimit = checkLimit(options.bodyLimit ?? DEFAULT_RAW_BODY_LIMIT, "bodyLimit");
    const now = options.now ?? Date.now;
    const verifier = await createVerifier(options.secrets, { toleranceSec: options.toleranceSec ?? 300 });
    const reportError =
      options.onError ??
      ((error: unknown, context: WebhookErrorContext) =>
        console.error("credit-journey webhook follow-up failed", context, error));
    // What onError throws is dropped: a follow-up's report never fails (or repeats) a delivery.
    const onError = (error: unknown, context: WebhookErrorContext): void => {
      try {
        reportError(error, context);
      } catch {}
    };
    const serial = createKeyedSerializer();

    /** The record to write for one journey: thin state over the stored one, completed when a reader is given. */
    /** How one build of a delivery reads the journey and reports a follow-up failure (see `handle`). */
    interface Build {
      /** The whole journey read after the delivery (the same answer for every build of it). */
      readonly read: ((journeyID: string) => Promise<Journey>) | undefined;
      readonly report: (error: unknown, context: WebhookErrorContext) => void;
    }

    async function recordOf(eventID: string, update: WebhookUpdate, { read, report }: Build) {
      const { journeyID } = update.snapshot;
      // Checked again whatever the store (the shipped ones have read it through the same check; a store of the
      // partner's own may not have): a corrupt state is rebuilt from the snapshot, a corrupt record from this
      // delivery, and another journey's is never continued.
      const stored = reportReading(
        checkStoredJourney(journeyID, await options.store.get(journeyID)),
        (error) => report(error, { eventID, journeyID }),
      );
      const snapshot = withHeldDetails(update.snapshot, stored?.snapshot);
      let state = heldState(stored, journeyID, now());
      // The held details kept (status and nextAction unchanged) are as complete as they were.
      let complete = snapshot !== update.snapshot && (stored?.complete ?? false);
      // The full journey first, when there is a reader: read after the webhook was generated, it is the newer
      // and complete word (it also settles an unexpected edge); the thin state after it is then stale. Applied
      // the other way round, a thin end would absorb the complete one.
      if (read) {
        try {
          const journey = await read(journeyID);
          const loaded = reduce(state, { type: "journey.loaded", journey, at: now() });
          if (!loaded.rejected) state = loaded.state;
          // Complete when the full journey was applied, or was no newer than what is held (it is then current).
          complete = loaded.rejected === undefined || loaded.rejected.reason === "IGNORED";
        } catch (error) {
          // Stored thin (and any anomaly held): the reconciler or the next delivery completes it.
          report(error, { eventID, journeyID });
        }
      }
      state = reduce(state, { type: "snapshot.received", snapshot, source: "webhook", at: now() }).state;
      // What the state asks for next (a held anomaly's re-fetch, the offers), run as every host runs it.
      // A read the state asks for (a held anomaly) is a fresh one: the first may be the very read that lagged.
      const run = await runServerCommands(state, options.fetchJourney, now);
      if (run.outstanding !== null && run.outstanding !== "noReader")
        report(run.outstanding.error, { eventID, journeyID });
      if (run.state !== state) complete = true;
      // A read the state still asks for failed: not complete, so a later write at the same asOf may complete it.
      if (run.outstanding !== null && run.outstanding !== "noReader") complete = false;
      state = run.state;
      const written = storedSnapshot(snapshot, state);
      const record = {
        // Built from parsed parts only (the verified body, a checked row, the reducer's state): not parsed again.
        snapshot: kitParsed(written),
        // Written only while the row is the one read: a worker that wrote it since makes this delivery build anew.
        expected: stored === undefined ? null : rowKeyOf(stored),
        state,
        // A held anomaly waits for the whole journey: incomplete, so the reconciler settles it (server authority).
        complete: complete && !isHoldingAnomaly(state),
        // The delivery's sequence orders the delivery's own key; a later key is a read's, ordered by asOf alone.
        ...(update.sequence === undefined || written.asOf !== update.snapshot.asOf
          ? {}
          : { sequence: update.sequence }),
      };
      // What the result says of a journey the store did not write (stale): the held row's completeness.
      return { record, heldComplete: stored?.complete ?? false };
    }

    async function handle(
      rawBody: string | Uint8Array | ArrayBuffer,
      headers: WebhookHeaders,
    ): Promise<WebhookResult> {
      let verified: VerifiedWebhook;
      try {
        verified = await verifier.verify(rawBody, headers, { now: now() });
      } catch (error) {
        // A parsed body is the receiver's set-up fault, not the delivery's: 5xx, so the platform retries once fixed.
        if (error instanceof WebhookVerificationError) {
          const { reason, message: detail } = error;
          if (reason === "BODY_NOT_RAW") return { status: 500, outcome: "misconfigured", reason, detail };
          return { status: 401, outcome: "unauthorized", reason, detail };
        }
        if (error instanceof ContractError) return { status: 400, outcome: "invalid", detail: error.message };
        throw error;
      }
      const { eventID, body } = verified;
      if (body.event_type !== JOURNEY_SNAPSHOT_EVENT)
        return { status: 200, outcome: "ignored", eventID, detail: `event_type ${body.event_type}` };
      const updates = webhookUpdates(body);
      if (updates === undefined || updates.length === 0 || updates.length > MAX_JOURNEYS_PER_DELIVERY)
        return {
          status: 400,
          outcome: "invalid",
          eventID,
          detail:
            updates === undefined
              ? "the delivery has neither snapshot_generated_at nor event_at: it cannot be ordered"
              : updates.length === 0
                ? "the delivery names no journey"
                : `the delivery names more than ${MAX_JOURNEYS_PER_DELIVERY} journeys`,
        };
      let records: Awaited<ReturnType<typeof recordOf>>["record"][];
      let heldComplete: boolean[];
      let result: ApplyWebhookResult;
      try {
        // Read, reduce and write one delivery of a journey at a time in this process: two built from the same
        // held row would each pass the store's order guard and the later would skip what the earlier changed.
        ({ records, heldComplete, result } = await serial(
          updates.map((update) => update.snapshot.journeyID),
          async () => {
            // Another worker (sharing the store) may write a journey between this read and this write: the store
            // then refuses the delivery whole (`conflict`), and it is built again from what that worker wrote. The
            // platform is read once per journey for all builds, and only the last build's failures are told.
            const read = options.fetchJourney && readOnce(options.fetchJourney);
            for (let attempt = 1; ; attempt++) {
              const reports: [unknown, WebhookErrorContext][] = [];
              const build: Build = { read, report: (error, context) => reports.push([error, context]) };
              let last = true;
              try {
                const built = await Promise.all(updates.map((update) => recordOf(eventID, update, build)));
                const records = built.map((b) => b.record);
                // Stored stamped with the reducer state's version, so a later SDK can migrate it (STATE_VERSION).
                const applied = await options.store.applyWebhook({
                  webhookId: eventID,
                  records: records.map((record) => ({
                    ...record,
                    state: reducerMade(versioned(record.state)),
                  })),
                });
                if (applied.conflict !== true)
                  return { records, heldComplete: built.map((b) => b.heldComplete), result: applied };
                if (attempt === MAX_BUILDS)
                  throw new Error(
                    `the journey kept changing under this delivery (${MAX_BUILDS} builds): retry it`,
                  );
                last = false;
              } finally {
                if (last) for (const [error, context] of reports) onError(error, context);
              }
            }
          },
        ));
      } catch (error) {
        // A delivery no store can hold (a NUL in a string, which PostgreSQL refuses) fails the same way on every
        // retry: answered 4xx so the platform stops, and told to onError. Nothing of it is stored.
        if (error instanceof StoreInputError) {
          onError(error, { eventID });
          return { status: 400, outcome: "invalid", eventID, detail: `not storable: ${error.message}` };
        }
        return { status: 503, outcome: "storeFailed", eventID, detail: String(error) };
      }
      const journeys = updates.map((update, i): WebhookJourneyResult => {
        const applied = result.appliedJourneyIDs.includes(update.snapshot.journeyID);
        return {
          journeyID: update.snapshot.journeyID,
          asOf: update.snapshot.asOf,
          ...(update.sequence === undefined ? {} : { sequence: update.sequence }),
          applied,
          complete: (applied ? records[i]?.complete : heldComplete[i]) ?? false,
        };
      });
      if (result.duplicate) return { status: 200, outcome: "duplicate", eventID };
      for (const [i, record] of records.entries()) {
        const journeyID = journeys[i]?.journeyID;
        if (!journeys[i]?.applied || journeyID === undefined) continue;
        // What was stored: the reducer's snapshot at the row's key (never one it refused).
        const published = record.snapshot;
        // Only ever this journey's snapshot, whatever a store handed back.
        if (published.journeyID !== journeyID || record.state.context.journeyID !== journeyID) {
          onError(new Error("a snapshot of another journey was not published"), { eventID, journeyID });
          continue;
        }
        try {
          await options.onSnapshot?.(published, record.state);
        } catch (error) {
          onError(error, { eventID, journeyID });
        }
      }
      const applied = journeys.some((j) => j.applied);
      return { status: 200, outcome: applied ? "applied" : "stale", eventID, journeys };
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
          result = bodyRefused(error);
        }
        // After a refused body the connection is closed, not drained: the rest of the upload is never read.
        if (result.status === 413) res.setHeader("connection", "close");
        // Headers set, not written (no writeHead): node then sends Content-Length and the body with the head in
        // one write, where a written head leaves the body to chunked encoding, a second write.
        res.statusCode = result.status;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(result));
      },

      async fetch(request) {
        let result: WebhookResult;
        try {
          const body = await readRequestBody(request, { limit: bodyLimit });
          result = await safeHandle(body, request.headers);
        } catch (error) {
          result = bodyRefused(error);
        }
        return new Response(JSON.stringify(result), {
          status: result.status,
          headers: { "content-type": "application/json" },
        });
      },
    };
  };
}

/**
 * The answer when an adapter could not read the raw body: `misconfigured` (500, so the platform retries once the
 * route is fixed) when something read or parsed it first, `invalid` (413, 400) when it was too large or cut off.
 */
function bodyRefused(error: unknown): WebhookResult {
  if (!(error instanceof RawBodyError)) return { status: 400, outcome: "invalid", detail: String(error) };
  const { status, reason } = error;
  return { status, outcome: status >= 500 ? "misconfigured" : "invalid", reason, detail: String(error) };
}

/** `read`, each journey read once (its answer, or its failure, shared by every later call for that journey). */
function readOnce(read: (journeyID: string) => Promise<Journey>): (journeyID: string) => Promise<Journey> {
  const reads = new Map<string, Promise<Journey>>();
  return (journeyID) => {
    let answer = reads.get(journeyID);
    if (answer === undefined) {
      answer = read(journeyID);
      reads.set(journeyID, answer);
    }
    return answer;
  };
}
