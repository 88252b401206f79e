/**
 * One partner-backend worker, wired: the store, the webhook handler, the push relay and (optionally) the
 * reconciler, in one of two modes. `single` (the default) is one process: PGlite embedded (or a PostgreSQL the
 * process has alone), pushes go straight to its relay. `multi` is one of several workers on one PostgreSQL: it
 * needs a postgres:// URL and refuses to start without one, pushes fan out to every worker through
 * `LISTEN/NOTIFY`, and the reconciler leases journeys so that each is polled by one worker. It says which mode it
 * runs in when it starts.
 */
import { CreditJourneyError } from "../contract/errors.js";
import type { JourneySnapshot } from "../contract/index.js";
import { createPostgresChangeFeed, type JourneyChangeFeed } from "./change-feed.js";
import { createPushRelay, type PushRelay, type PushRelayOptions } from "./push-relay.js";
import {
  checkReconcilerSettings,
  createReconciler,
  type ReconcileReport,
  type Reconciler,
  type ReconcilerOptions,
} from "./reconciler.js";
import { createPGliteJourneyStore } from "./store/pglite.js";
import { createPostgresJourneyStore, type PostgresPoolLimits } from "./store/postgres.js";
import type { JourneyStore } from "./store/types.js";
import { MAX_TIMER_MS } from "./timers.js";
import { nodeWebhooks } from "./webhook/node.js";
import type { WebhookHandler, WebhookHandlerOptions } from "./webhook-handler.js";

/** How a worker runs: alone (`single`), or as one of several on one PostgreSQL (`multi`). */
export type JourneyWorkerMode = "single" | "multi";

/** Options of {@link createJourneyWorker}. */
export interface JourneyWorkerOptions {
  /** `single` (default): one process. `multi`: one of several workers on one PostgreSQL; needs `databaseUrl`. */
  readonly mode?: JourneyWorkerMode;
  /** The PostgreSQL every worker shares (`postgres://…`). Without it a single worker keeps journeys in PGlite. */
  readonly databaseUrl?: string;
  /** PGlite's directory, single mode without `databaseUrl` only (default: in memory, lost when the process ends). */
  readonly dataDir?: string;
  /** The limits of the PostgreSQL pool (see {@link PostgresPoolLimits}; default 10 connections). */
  readonly pool?: PostgresPoolLimits;
  /** The webhook handler's options, but its store and `onSnapshot`: the worker wires those. */
  readonly webhooks: Omit<WebhookHandlerOptions, "store" | "onSnapshot">;
  /** The push relay's options, but `latest`: watchers resume from the worker's store. */
  readonly push: Omit<PushRelayOptions, "latest">;
  /**
   * The reconciler's options, but its store and `onSnapshot`, and the pass interval: with them the worker polls
   * stale journeys every `intervalMs` (on several workers each journey goes to one of them). Default: no reconciler.
   */
  readonly reconcile?: Omit<ReconcilerOptions, "store" | "onSnapshot"> & {
    /** A pass every this many ms. */
    readonly intervalMs: number;
    /** Sees each pass's report (or the failure to list). */
    readonly onReport?: (report: ReconcileReport | { error: unknown }) => void;
  };
  /** Hears the change feed's failures (a dropped LISTEN connection, a failed read); default `console.warn`. */
  readonly onError?: (error: unknown) => void;
  /** Hears the one start-up line naming the mode and the database (never its credentials); default `console.info`. */
  readonly log?: (line: string) => void;
}

/** A running worker: its parts, to route requests to, and one `close`. */
export interface JourneyWorker {
  /** The mode it runs in. */
  readonly mode: JourneyWorkerMode;
  /** What it said at start-up: the mode, and where the journeys are kept. */
  readonly startup: string;
  /** Where the journeys are kept. */
  readonly store: JourneyStore;
  /** The webhook endpoint (`webhooks.node(req, res)`, `webhooks.fetch(request)`). */
  readonly webhooks: WebhookHandler;
  /** The borrowers' push stream (`relay.handleNode(req, res, journeyID)`). */
  readonly relay: PushRelay;
  /** The reconciler, when `reconcile` was given (already started). */
  readonly reconciler?: Reconciler;
  /** Stops the reconciler and the relay, then closes the feed and the store. Idempotent; never rejects. */
  close(): Promise<void>;
}

/** A {@link createJourneyWorker} option that is missing, malformed or does not fit the mode; `field` names it. */
export class WorkerConfigError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "WorkerConfigError" as const;
  /** The offending option. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`createJourneyWorker: ${field} ${message}`);
    this.name = "WorkerConfigError";
    this.field = field;
  }
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

function checkWorkerOptions(options: JourneyWorkerOptions): JourneyWorkerMode {
  if (typeof options !== "object" || options === null)
    throw new WorkerConfigError("options", "must be an object with webhooks and push");
  const mode = options.mode === undefined ? "single" : options.mode;
  if (mode !== "single" && mode !== "multi")
    throw new WorkerConfigError("mode", 'must be "single" or "multi"');
  const url = options.databaseUrl;
  if (url !== undefined && (typeof url !== "string" || !POSTGRES_URL.test(url)))
    throw new WorkerConfigError("databaseUrl", "must be a postgres:// URL");
  if (mode === "multi" && url === undefined)
    throw new WorkerConfigError(
      "databaseUrl",
      "is needed in multi-worker mode: give the postgres:// URL every worker shares (PGlite, the single-process " +
        "default, is one process's own database)",
    );
  if (options.dataDir !== undefined && (typeof options.dataDir !== "string" || options.dataDir === ""))
    throw new WorkerConfigError("dataDir", "must be a non-empty string (PGlite's directory)");
  if (options.pool !== undefined && url === undefined)
    throw new WorkerConfigError(
      "pool",
      "is the PostgreSQL pool's: give databaseUrl, or leave it out for PGlite",
    );
  if (options.dataDir !== undefined && (mode === "multi" || url !== undefined))
    throw new WorkerConfigError(
      "dataDir",
      "is PGlite's directory: with databaseUrl the journeys are in PostgreSQL",
    );
  for (const name of ["webhooks", "push"] as const)
    if (typeof options[name] !== "object" || options[name] === null)
      throw new WorkerConfigError(name, "must be an object of options");
  for (const name of ["pool", "reconcile"] as const)
    if (options[name] !== undefined && (typeof options[name] !== "object" || options[name] === null))
      throw new WorkerConfigError(name, "must be an object of options");
  for (const name of ["onError", "log"] as const)
    if (options[name] !== undefined && typeof options[name] !== "function")
      throw new WorkerConfigError(name, "must be a function");
  // The pass settings are the worker's own: checked here, before any database is opened.
  const interval = options.reconcile?.intervalMs;
  if (
    options.reconcile &&
    !(Number.isFinite(interval) && (interval as number) > 0 && (interval as number) <= MAX_TIMER_MS)
  )
    throw new WorkerConfigError(
      "reconcile.intervalMs",
      `must be a positive number of milliseconds up to ${MAX_TIMER_MS}`,
    );
  if (options.reconcile?.onReport !== undefined && typeof options.reconcile.onReport !== "function")
    throw new WorkerConfigError("reconcile.onReport", "must be a function");
  if (options.reconcile && typeof options.reconcile.fetchState !== "function")
    throw new WorkerConfigError("reconcile.fetchState", "must be a function");
  // And the reconciler's own (concurrency, leaseMs…): a bad one refused before any database is opened.
  if (options.reconcile) checkReconcilerSettings(withoutPassOptions(options.reconcile));
  return mode;
}

/** The reconciler's own options, without the worker's pass settings. */
function withoutPassOptions(
  reconcile: NonNullable<JourneyWorkerOptions["reconcile"]>,
): Omit<ReconcilerOptions, "store" | "onSnapshot"> {
  const { intervalMs: _interval, onReport: _onReport, ...own } = reconcile;
  return own;
}

/** Where a postgres:// URL points, without its user, password or parameters. */
function databaseName(url: string): string {
  try {
    const { hostname, port, pathname } = new URL(url);
    return `${hostname}${port ? `:${port}` : ""}${pathname === "/" ? "" : pathname}`;
  } catch {
    return "(an unreadable URL)";
  }
}

/** The start-up line of a worker in `mode` with its options. Never throws. */
function startupLine(mode: JourneyWorkerMode, options: JourneyWorkerOptions): string {
  if (mode === "multi")
    return (
      `credit-journey worker: multi-worker mode on PostgreSQL ${databaseName(options.databaseUrl ?? "")}: ` +
      "pushes fan out to every worker through LISTEN/NOTIFY, the reconciler leases journeys"
    );
  const where =
    options.databaseUrl === undefined
      ? `PGlite (${options.dataDir ?? "in memory"})`
      : `PostgreSQL ${databaseName(options.databaseUrl)}`;
  return (
    `credit-journey worker: single-process mode, journeys in ${where}; ` +
    'for several workers give mode "multi" and the postgres:// databaseUrl they share'
  );
}

/**
 * Opens the store and wires the handler, relay, reconciler and (in `multi` mode) the change feed between them;
 * then says its mode through `log`. Its own options (mode, database, the parts' option objects) are checked
 * before anything is opened; each part checks its own options when it is made, and if one refuses or fails to
 * start, what was opened is closed before the rejection. The reconciler starts last.
 * @throws {WorkerConfigError} naming a missing or malformed option, or `databaseUrl` when `multi` mode has none
 *   (rejects; nothing is opened).
 * @throws {PushRelayConfigError | ReconcilerConfigError} naming a malformed `push` or `reconcile` option (rejects).
 * @throws {StoreConfigError | StoreUnavailableError} when the store cannot be opened (rejects).
 * @throws {WebhookHandlerConfigError | WebhookSecretError | ChangeFeedConfigError} when the handler or feed
 *   cannot be made (rejects; the store is closed first).
 */
export async function createJourneyWorker(options: JourneyWorkerOptions): Promise<JourneyWorker> {
  const mode = checkWorkerOptions(options);
  let store: JourneyStore | undefined;
  let feed: JourneyChangeFeed | undefined;
  const relay = createPushRelay({ ...options.push, latest: async (id) => (await store?.get(id))?.snapshot });
  try {
    store =
      options.databaseUrl === undefined
        ? await createPGliteJourneyStore(options.dataDir === undefined ? {} : { dataDir: options.dataDir })
        : await createPostgresJourneyStore({ ...options.pool, connectionString: options.databaseUrl });
    if (mode === "multi")
      feed = await createPostgresChangeFeed({
        connectionString: options.databaseUrl ?? "",
        store,
        onChange: relay.publish,
        watched: relay.watched,
        ...(options.onError ? { onError: options.onError } : {}),
      });
    const changed = feed
      ? (snapshot: JourneySnapshot) => feed?.notify(snapshot)
      : (snapshot: JourneySnapshot) => relay.publish(snapshot);
    const webhooks = await nodeWebhooks.createWebhookHandler({
      ...options.webhooks,
      store,
      onSnapshot: changed,
    });
    const startup = startupLine(mode, options);
    const reconciler = options.reconcile
      ? createReconciler({ ...withoutPassOptions(options.reconcile), store, onSnapshot: changed })
      : undefined;
    (options.log ?? console.info)(startup);
    // Started last, once nothing else can fail (its interval was checked first): a failed start-up leaves no pass
    // running.
    if (options.reconcile) reconciler?.start(options.reconcile.intervalMs, options.reconcile.onReport);
    const opened = { store, feed };
    let closing: Promise<void> | undefined;
    return {
      mode,
      startup,
      store,
      webhooks,
      relay,
      ...(reconciler ? { reconciler } : {}),
      close() {
        closing ??= (async () => {
          // A pass in flight finishes (its leases given back) before the store closes under it.
          await reconciler?.stop();
          relay.close();
          await opened.feed?.close();
          await opened.store.close().catch(() => {});
        })();
        return closing;
      },
    };
  } catch (error) {
    relay.close();
    await feed?.close();
    await store?.close().catch(() => {});
    throw error;
  }
}
