import { checkClockOptions, StoreConfigError } from "./errors.js";
import { migrate } from "./migrate.js";
import { createSqlJourneyStore, type SqlDatabase } from "./sql.js";
import type { JourneyStore, StoreClockOptions } from "./types.js";

/** A PGlite transaction, as far as the store uses it. */
export interface PGliteTransactionLike {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(script: string): Promise<unknown>;
}

/** A PGlite instance, as far as the store uses it. */
export interface PGliteLike extends PGliteTransactionLike {
  transaction<T>(fn: (tx: PGliteTransactionLike) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Options of {@link createPGliteJourneyStore}. */
export interface PGliteJourneyStoreOptions extends StoreClockOptions {
  /** An instance you own: the store never closes it. Without one, the store opens its own. */
  readonly db?: PGliteLike;
  /** Where the store's own instance keeps its files (`./data/journeys`, `idb://journeys`); default: in memory. */
  readonly dataDir?: string;
  /** Apply the shipped migrations first (default true). */
  readonly migrate?: boolean;
}

/** Adapts a PGlite instance to the store's {@link SqlDatabase}. Never throws. */
export function pgliteDatabase(pglite: PGliteLike, ownsDatabase: boolean): SqlDatabase {
  return {
    query: (text, params = []) => pglite.query(text, [...params]),
    transaction: (fn) =>
      pglite.transaction((tx) =>
        fn({
          query: (text, params = []) => tx.query(text, [...params]),
          async exec(script) {
            await tx.exec(script);
          },
        }),
      ),
    async close() {
      if (ownsDatabase) await pglite.close();
    },
  };
}

/**
 * A journey store on PGlite, PostgreSQL embedded in the process (WASM), with the same SQL as the PostgreSQL store.
 * @throws {StoreConfigError} naming `options`, `now`, `onCorruptRecord`, `db`, `dataDir` or `migrate` when
 *   malformed (rejects).
 * @throws {Error} PGlite's error when it cannot start or the migration fails (rejects).
 */
export async function createPGliteJourneyStore(
  options: PGliteJourneyStoreOptions = {},
): Promise<JourneyStore> {
  checkClockOptions(options);
  const given = options as Partial<Record<"db" | "dataDir" | "migrate", unknown>>;
  if (given.db !== undefined && typeof (given.db as { query?: unknown })?.query !== "function")
    throw new StoreConfigError("db", "must be a PGlite instance");
  if (given.dataDir !== undefined && (typeof given.dataDir !== "string" || given.dataDir === ""))
    throw new StoreConfigError("dataDir", "must be a non-empty string");
  if (given.migrate !== undefined && typeof given.migrate !== "boolean")
    throw new StoreConfigError("migrate", "must be a boolean");
  let pglite = options.db;
  if (!pglite) {
    const { PGlite } = await import("@electric-sql/pglite");
    pglite = (await PGlite.create(
      options.dataDir === undefined ? {} : { dataDir: options.dataDir },
    )) as PGliteLike;
  }
  const db = pgliteDatabase(pglite, options.db === undefined);
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return createSqlJourneyStore(db, {
    ownsDatabase: options.db === undefined,
    ...(options.now ? { now: options.now } : {}),
    ...(options.onCorruptRecord ? { onCorruptRecord: options.onCorruptRecord } : {}),
  });
}
