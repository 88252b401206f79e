import { StoreConfigError, type StoreUnavailableCode, StoreUnavailableError } from "./errors.js";
import { migrate } from "./migrate.js";
import { createSqlJourneyStore, type SqlDatabase, type SqlTransaction } from "./sql.js";
import type { JourneyStore, StoreClockOptions } from "./types.js";

/** The result shape of a `pg` query, as far as the store reads it. */
export interface PgQueryResultLike {
  rows: unknown[];
}

/** A connection checked out of a `pg` pool. */
export interface PgPoolClientLike {
  query(text: string, params?: unknown[]): Promise<PgQueryResultLike>;
  /** Returns the connection to the pool; with an error (or `true`) the pool destroys it instead. */
  release(error?: Error | boolean): void;
  /** `pg` clients are event emitters: a broken connection emits `error`, which must have a listener. */
  on?(event: "error", listener: (error: Error) => void): unknown;
  /** Removes a listener added with {@link PgPoolClientLike.on}. */
  off?(event: "error", listener: (error: Error) => void): unknown;
}

/** A `pg` `Pool`, as far as the store uses it. */
export interface PgPoolLike {
  query(text: string, params?: unknown[]): Promise<PgQueryResultLike>;
  connect(): Promise<PgPoolClientLike>;
  end(): Promise<void>;
}

/** The limits of a pool the store opens itself; every one is a positive integer (milliseconds for the timeouts). */
export interface PostgresPoolLimits {
  /** Largest number of connections of that pool (default 10). */
  readonly max?: number;
  /** Longest wait for a connection, opening one or waiting for a free one (default 5,000 ms). */
  readonly connectTimeoutMs?: number;
  /** The server's `statement_timeout`: it cancels any one statement running longer (default 10,000 ms). */
  readonly statementTimeoutMs?: number;
  /**
   * The server's `idle_in_transaction_session_timeout`: it ends a session whose transaction sat idle this long,
   * so a stalled process cannot hold row locks (default 10,000 ms).
   */
  readonly idleInTransactionTimeoutMs?: number;
  /**
   * The client's own wait for any one answer, for a server that stopped answering at all (a paused VM, a dead
   * network path), where the server's timeouts cannot fire (default `statementTimeoutMs` + 1,000 ms).
   */
  readonly queryTimeoutMs?: number;
}

/** Options of {@link createPostgresJourneyStore}: an existing pool, or a connection string to open one. */
export type PostgresJourneyStoreOptions = StoreClockOptions & {
  /** Apply the shipped migrations first (default true). */
  readonly migrate?: boolean;
} & (
    | {
        /** A pool you own: the store never ends it; its timeouts and `error` listener are yours to set. */
        readonly pool: PgPoolLike;
      }
    | (PostgresPoolLimits & {
        /** Opens a pool the store owns and ends on `close()`. */
        readonly connectionString: string;
        /** Told about errors of idle connections (the pool drops them and opens new ones); default: ignored. */
        readonly onPoolError?: (error: Error) => void;
      })
  );

/** Defaults of the pool the store opens: {@link PostgresPoolLimits}. */
export const POSTGRES_POOL_DEFAULTS = {
  max: 10,
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 10_000,
  idleInTransactionTimeoutMs: 10_000,
} as const;

// PostgreSQL keeps its timeouts in a signed 32-bit integer of milliseconds, and so does setTimeout.
const MAX_TIMEOUT_MS = 2_147_483_647;

// SQLSTATEs that mean "the server or the connection is (momentarily) unavailable", by what they tell the caller.
const SQLSTATE_CODES: Readonly<Record<string, StoreUnavailableCode>> = {
  "57014": "QUERY_TIMEOUT", // query_canceled: statement_timeout (or a pg_cancel_backend)
  "57P01": "CONNECTION_LOST", // admin_shutdown: pg_terminate_backend, a fast shutdown
  "57P02": "CONNECTION_LOST", // crash_shutdown
  "57P05": "CONNECTION_LOST", // idle_session_timeout
  "25P03": "CONNECTION_LOST", // idle_in_transaction_session_timeout
  "57P03": "CONNECT_FAILED", // cannot_connect_now: starting up or shutting down
  "53300": "CONNECT_FAILED", // too_many_connections
  "08001": "CONNECT_FAILED", // sqlclient_unable_to_establish_sqlconnection
  "08004": "CONNECT_FAILED", // sqlserver_rejected_establishment_of_sqlconnection
  "08000": "CONNECTION_LOST",
  "08003": "CONNECTION_LOST",
  "08006": "CONNECTION_LOST",
  "08007": "CONNECTION_LOST",
};

const SOCKET_CODES: Readonly<Record<string, StoreUnavailableCode>> = {
  ECONNREFUSED: "CONNECT_FAILED",
  ENOTFOUND: "CONNECT_FAILED",
  EAI_AGAIN: "CONNECT_FAILED",
  EHOSTUNREACH: "CONNECT_FAILED",
  ENETUNREACH: "CONNECT_FAILED",
  ECONNRESET: "CONNECTION_LOST",
  EPIPE: "CONNECTION_LOST",
  ETIMEDOUT: "CONNECTION_LOST",
};

// pg's own messages (it gives them no code).
const MESSAGE_CODES: readonly (readonly [RegExp, StoreUnavailableCode])[] = [
  [/^timeout exceeded when trying to connect$/, "CONNECT_TIMEOUT"],
  [/^Connection terminated due to connection timeout$/, "CONNECT_TIMEOUT"],
  [/^Query read timeout$/, "QUERY_TIMEOUT"],
  [/^Connection terminated( unexpectedly)?$/, "CONNECTION_LOST"],
  [/is not queryable$/, "CONNECTION_LOST"],
];

/** What kind of unavailability `error` reports, or `undefined` for any other failure (a constraint, bad SQL). */
function unavailableCode(error: unknown): StoreUnavailableCode | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    const known = SQLSTATE_CODES[code] ?? SOCKET_CODES[code];
    if (known) return known;
  }
  for (const [pattern, known] of MESSAGE_CODES) if (pattern.test(error.message)) return known;
  // A connection timeout wraps the socket's own error as its cause.
  return error.cause === undefined ? undefined : unavailableCode(error.cause);
}

/** `error` as a {@link StoreUnavailableError} when it is one of unavailability; otherwise `error` itself. */
function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const code = unavailableCode(error);
  if (code === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(code, `the database is unavailable (${code}): ${message}`, {
    cause: error,
  });
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * Adapts a `pg` pool to the store's {@link SqlDatabase}. Never throws; its methods reject with
 * {@link StoreUnavailableError} when the database is unreachable, breaks the connection or times out, and with
 * `pg`'s error otherwise. A connection checked out for a transaction has an `error` listener for as long as it is
 * out, and is handed back broken (`release(error)`, so the pool destroys it) when it failed.
 */
export function pgDatabase(pool: PgPoolLike, ownsPool: boolean): SqlDatabase {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      try {
        return (await pool.query(text, [...params])) as { rows: Row[] };
      } catch (error) {
        throw toStoreError(error);
      }
    },
    async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
      let client: PgPoolClientLike;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toStoreError(error);
      }
      // Without a listener, a connection killed while checked out (pg_terminate_backend, a restart) emits an
      // unhandled 'error' and takes the whole process down; the pool only listens while the client is idle.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken ??= error;
      };
      client.on?.("error", onError);
      const tx: SqlTransaction = {
        async query<Row>(text: string, params: readonly unknown[] = []) {
          return (await client.query(text, [...params])) as { rows: Row[] };
        },
        async exec(script) {
          await client.query(script);
        },
      };
      try {
        await client.query("BEGIN");
        const result = await fn(tx);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        if (broken === undefined && unavailableCode(error) !== undefined) broken = asError(error);
        if (broken === undefined) {
          try {
            await client.query("ROLLBACK");
          } catch (rollbackError) {
            // A connection that cannot roll back is broken: destroy it rather than return it to the pool.
            broken = asError(rollbackError);
          }
        }
        throw toStoreError(error);
      } finally {
        // A broken connection (or one a timed-out query still occupies) is destroyed, never reused.
        client.release(broken ?? undefined);
        client.off?.("error", onError);
      }
    },
    async close() {
      if (ownsPool) await pool.end();
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function checkInteger(options: Record<string, unknown>, field: string, max: number): number | undefined {
  const value = options[field];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new StoreConfigError(
      field,
      `must be a positive integer up to ${max}, got ${typeof value === "string" ? `"${value}"` : String(value)}`,
    );
  }
  return value;
}

function checkFunction(options: Record<string, unknown>, field: string): void {
  if (options[field] !== undefined && typeof options[field] !== "function") {
    throw new StoreConfigError(field, `must be a function, got ${typeof options[field]}`);
  }
}

const POOL_ONLY_FIELDS = [
  "max",
  "connectTimeoutMs",
  "statementTimeoutMs",
  "idleInTransactionTimeoutMs",
  "queryTimeoutMs",
  "onPoolError",
] as const;

/** What {@link createPostgresJourneyStore} was asked for, checked. */
type CheckedOptions =
  | { readonly pool: PgPoolLike }
  | {
      readonly connectionString: string;
      readonly onPoolError: ((error: Error) => void) | undefined;
      readonly limits: Required<PostgresPoolLimits>;
    };

function checkOptions(options: unknown): CheckedOptions {
  if (!isObject(options)) throw new StoreConfigError("options", "must be an object");
  if (options.migrate !== undefined && typeof options.migrate !== "boolean") {
    throw new StoreConfigError("migrate", `must be a boolean, got ${typeof options.migrate}`);
  }
  checkFunction(options, "now");
  checkFunction(options, "onCorruptRecord");
  if (options.pool !== undefined) {
    const pool = options.pool;
    if (!isObject(pool) || !["query", "connect", "end"].every((name) => typeof pool[name] === "function")) {
      throw new StoreConfigError("pool", "must be a pg Pool (query, connect and end)");
    }
    for (const field of ["connectionString", ...POOL_ONLY_FIELDS]) {
      if (options[field] !== undefined) {
        throw new StoreConfigError(
          field,
          "applies only to a pool the store opens: give connectionString, not pool",
        );
      }
    }
    return { pool: pool as unknown as PgPoolLike };
  }
  if (typeof options.connectionString !== "string" || options.connectionString.trim() === "") {
    throw new StoreConfigError("connectionString", "is required (a postgres:// URL), or give a pool");
  }
  checkFunction(options, "onPoolError");
  const statementTimeoutMs =
    checkInteger(options, "statementTimeoutMs", MAX_TIMEOUT_MS) ?? POSTGRES_POOL_DEFAULTS.statementTimeoutMs;
  return {
    connectionString: options.connectionString,
    onPoolError: options.onPoolError as ((error: Error) => void) | undefined,
    limits: {
      max: checkInteger(options, "max", 10_000) ?? POSTGRES_POOL_DEFAULTS.max,
      connectTimeoutMs:
        checkInteger(options, "connectTimeoutMs", MAX_TIMEOUT_MS) ?? POSTGRES_POOL_DEFAULTS.connectTimeoutMs,
      statementTimeoutMs,
      idleInTransactionTimeoutMs:
        checkInteger(options, "idleInTransactionTimeoutMs", MAX_TIMEOUT_MS) ??
        POSTGRES_POOL_DEFAULTS.idleInTransactionTimeoutMs,
      queryTimeoutMs:
        checkInteger(options, "queryTimeoutMs", MAX_TIMEOUT_MS) ??
        Math.min(statementTimeoutMs + 1_000, MAX_TIMEOUT_MS),
    },
  };
}

/**
 * A journey store on PostgreSQL through `pg`: many processes may share it; every write is guarded by the order key in SQL.
 * Options are checked before anything is opened; a pool the store opens has connect, statement,
 * idle-in-transaction and query timeouts ({@link POSTGRES_POOL_DEFAULTS}) and never crashes the process on a
 * broken connection.
 * @throws {StoreConfigError} naming the field (`onCorruptRecord` among them), when an option is missing or
 *   malformed; nothing is opened (rejects).
 * @throws {StoreUnavailableError} when the database is unreachable or does not answer within the timeouts
 *   (rejects); a pool the store opened is ended first. Its methods reject with it too, `retryable: true`.
 * @throws {Error} `pg`'s error when the database refuses otherwise (no such database, bad password) or the
 *   migration fails (rejects); a pool the store opened is ended first.
 */
export async function createPostgresJourneyStore(
  options: PostgresJourneyStoreOptions,
): Promise<JourneyStore> {
  const checked = checkOptions(options);
  let db: SqlDatabase;
  if ("pool" in checked) {
    db = pgDatabase(checked.pool, false);
  } else {
    const { limits, onPoolError } = checked;
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({
      connectionString: checked.connectionString,
      max: limits.max,
      connectionTimeoutMillis: limits.connectTimeoutMs,
      statement_timeout: limits.statementTimeoutMs,
      idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
      query_timeout: limits.queryTimeoutMs,
      // Finds a dead peer on an idle connection instead of waiting for the next query to time out.
      keepAlive: true,
    });
    // An idle connection that breaks is dropped by the pool; without a listener its 'error' would crash the process.
    pool.on("error", (error: Error) => onPoolError?.(error));
    // Between the pool handing a client out and the transaction's own listener there is a gap: a FATAL read in
    // the same socket chunk as the last ReadyForQuery is emitted in it. A client's later queries fail anyway.
    pool.on("connect", (client: { on(event: "error", listener: () => void): unknown }) => {
      client.on("error", () => {});
    });
    db = pgDatabase(pool, true);
  }
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return createSqlJourneyStore(db, {
    ownsDatabase: !("pool" in checked),
    ...(options.now ? { now: options.now } : {}),
    ...(options.onCorruptRecord ? { onCorruptRecord: options.onCorruptRecord } : {}),
  });
}
