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
  release(error?: Error | boolean): void;
}

/** A `pg` `Pool`, as far as the store uses it. */
export interface PgPoolLike {
  query(text: string, params?: unknown[]): Promise<PgQueryResultLike>;
  connect(): Promise<PgPoolClientLike>;
  end(): Promise<void>;
}

/** Options of {@link createPostgresJourneyStore}: an existing pool, or a connection string to open one. */
export type PostgresJourneyStoreOptions = StoreClockOptions & {
  /** Apply the shipped migrations first (default true). */
  readonly migrate?: boolean;
} & (
    | {
        /** A pool you own: the store never ends it. */
        readonly pool: PgPoolLike;
      }
    | {
        /** Opens a pool the store owns and ends on `close()`. */
        readonly connectionString: string;
        /** Largest number of connections of that pool (default 10). */
        readonly max?: number;
        /** Told about errors of idle connections (the pool drops them and opens new ones); default: ignored. */
        readonly onPoolError?: (error: Error) => void;
      }
  );

/** Adapts a `pg` pool to the store's {@link SqlDatabase}. Never throws. */
export function pgDatabase(pool: PgPoolLike, ownsPool: boolean): SqlDatabase {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await pool.query(text, [...params])) as { rows: Row[] };
    },
    async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
      const client = await pool.connect();
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
        client.release();
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
          client.release();
        } catch (rollbackError) {
          // A connection that cannot roll back is broken: destroy it rather than return it to the pool.
          client.release(rollbackError instanceof Error ? rollbackError : true);
        }
        throw error;
      }
    },
    async close() {
      if (ownsPool) await pool.end();
    },
  };
}

/**
 * A journey store on PostgreSQL through `pg`: many processes may share it; every write is version-guarded in SQL.
 * @throws {Error} `pg`'s error when the database is unreachable or the migration fails (rejects); a pool the
 *   store opened is ended first.
 */
export async function createPostgresJourneyStore(
  options: PostgresJourneyStoreOptions,
): Promise<JourneyStore> {
  let db: SqlDatabase;
  if ("pool" in options) {
    db = pgDatabase(options.pool, false);
  } else {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
    pool.on("error", options.onPoolError ?? (() => {}));
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
    ownsDatabase: !("pool" in options),
    ...(options.now ? { now: options.now } : {}),
  });
}
