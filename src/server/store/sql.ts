import {
  type CorruptRecordError,
  checkClockOptions,
  StoreClosedError,
  StoreConfigError,
  storeDates,
  warnCorruptRecord,
} from "./errors.js";
import {
  checkDate,
  checkId,
  checkLeaseHeld,
  checkLeaseStale,
  checkListStale,
  movedOn,
  type PreparedRecord,
  prepareDelivery,
  prepareRecord,
  type RowReading,
  readJourneyRow,
  reportReading,
} from "./record.js";
import type {
  ApplyWebhookResult,
  JourneyStore,
  LeasedJourney,
  LeaseHeld,
  StoreClockOptions,
  StoredJourney,
} from "./types.js";

/**
 * The lease handed to `touch` or `releaseLease` as a query parameter: its end as ISO-8601, or `null` (any lease).
 * @throws {StoreInputError} naming `lease` or `lease.leasedUntil`.
 */
function leaseParameter(lease: LeaseHeld | undefined): string | null {
  const held = checkLeaseHeld(lease);
  return held === null ? null : new Date(held).toISOString();
}

/** Something that runs one parameterised SQL statement (`$1`, `$2`…). */
export interface SqlQueryable {
  query<Row>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

/** A transaction: statements and multi-statement scripts on one connection. */
export interface SqlTransaction extends SqlQueryable {
  /** Runs a script of several statements without parameters (a migration file). */
  exec(script: string): Promise<void>;
}

/** A PostgreSQL database the SQL store runs on: a `pg` pool or a PGlite instance, adapted. */
export interface SqlDatabase extends SqlQueryable {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it rejects. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** Releases the connections. */
  close(): Promise<void>;
}

interface JourneyRow {
  journey_id: string;
  as_of: number | string;
  sequence: number | string | null;
  complete: boolean;
  status: string;
  ended: boolean;
  snapshot: unknown;
  state: unknown;
  updated_at: Date | string;
}

const COLUMNS = "journey_id, as_of, sequence, complete, status, ended, snapshot, state, updated_at";

// What a record's `expected` asks of the held row, as the UPSERT's $10 (`movedOn` in record.ts): nothing, that there
// is none, or that it still has the key in $11-$13. A missing row is inserted whatever was expected.
const NO_EXPECTATION = 0;
const EXPECTS_NO_ROW = 1;
const EXPECTS_ROW = 2;

// The order guard lives in the WHERE of the conflict branch: PostgreSQL locks the row and re-checks it against
// the latest committed `as_of`, so concurrent writers from any number of processes cannot lose an update. It is
// `supersedes` (record.ts) in SQL: never an ended row with an open one; a later key, or the same key completing an
// incomplete row.
const UPSERT = `
INSERT INTO credit_journey.journeys AS journeys
  (journey_id, as_of, sequence, complete, status, ended, snapshot, state, updated_at)
VALUES ($1, $2, $8, $9, $3, $4, $5::jsonb, $6::jsonb, $7)
ON CONFLICT (journey_id) DO UPDATE SET
  as_of = EXCLUDED.as_of,
  sequence = COALESCE(EXCLUDED.sequence, journeys.sequence),
  complete = EXCLUDED.complete,
  status = EXCLUDED.status,
  ended = EXCLUDED.ended,
  snapshot = EXCLUDED.snapshot,
  state = EXCLUDED.state,
  updated_at = EXCLUDED.updated_at
WHERE (NOT journeys.ended OR EXCLUDED.ended)
  AND ((journeys.as_of < EXCLUDED.as_of
      AND (journeys.sequence IS NULL OR EXCLUDED.sequence IS NULL OR journeys.sequence < EXCLUDED.sequence))
    OR (journeys.as_of = EXCLUDED.as_of AND NOT journeys.complete AND EXCLUDED.complete
      AND (journeys.sequence IS NULL OR EXCLUDED.sequence IS NULL OR journeys.sequence <= EXCLUDED.sequence)))
  AND ($10::int = ${NO_EXPECTATION} OR ($10::int = ${EXPECTS_ROW} AND journeys.as_of = $11::bigint
    AND journeys.sequence IS NOT DISTINCT FROM $12::bigint AND journeys.complete = $13::boolean))
RETURNING journey_id`;

const MARK_SEEN = `
INSERT INTO credit_journey.webhook_deliveries (webhook_id, seen_at) VALUES ($1, $2)
ON CONFLICT (webhook_id) DO NOTHING
RETURNING webhook_id`;

// A row that cannot be read (its columns or snapshot corrupt) has no order key to keep: the next valid write
// replaces it, whatever its asOf. Locked first, so a concurrent writer sees the replacement, not the corrupt row.
const LOCK = `SELECT ${COLUMNS} FROM credit_journey.journeys WHERE journey_id = $1 FOR UPDATE`;
const REPLACE = `
UPDATE credit_journey.journeys SET
  as_of = $2, sequence = $8, complete = $9, status = $3, ended = $4, snapshot = $5::jsonb, state = $6::jsonb,
  updated_at = $7
WHERE journey_id = $1
RETURNING journey_id`;

/** The row, read by the shared, untrusting reader (`readJourneyRow`). */
function read(row: JourneyRow): RowReading {
  return readJourneyRow({
    journeyID: row.journey_id,
    asOf: row.as_of,
    sequence: row.sequence,
    complete: row.complete,
    status: row.status,
    ended: row.ended,
    snapshot: row.snapshot,
    state: row.state,
    updatedAt: row.updated_at,
  });
}

function paramsOf(record: PreparedRecord, at: Date): unknown[] {
  return [
    record.journeyID,
    record.asOf,
    record.status,
    record.ended,
    record.snapshotJson,
    record.stateJson,
    at.toISOString(),
    record.sequence,
    record.complete,
  ];
}

/** The UPSERT's compare-and-set parameters ($10-$13) for a record's `expected` row. */
function expectationOf({ expected }: PreparedRecord): unknown[] {
  if (expected === undefined) return [NO_EXPECTATION, null, null, null];
  if (expected === null) return [EXPECTS_NO_ROW, null, null, null];
  return [EXPECTS_ROW, expected.asOf, expected.sequence, expected.complete];
}

async function upsert(db: SqlQueryable, record: PreparedRecord, at: Date): Promise<boolean> {
  const { rows } = await db.query(UPSERT, [...paramsOf(record, at), ...expectationOf(record)]);
  return rows.length === 1;
}

/** What came of one record's write: written, refused by the order guard, or computed from a row that moved on. */
type WriteOutcome = "applied" | "stale" | "conflict";

/**
 * A write the guarded UPSERT refused, looked at under the row's lock (`tx` must be a transaction: the row stays
 * locked until it ends): a row that cannot be read is replaced; one that moved on since the record's `expected`
 * is a conflict; else the record was stale.
 */
async function settleRefused(tx: SqlQueryable, record: PreparedRecord, at: Date): Promise<WriteOutcome> {
  const { rows } = await tx.query<JourneyRow>(LOCK, [record.journeyID]);
  if (!rows[0]) return "stale";
  const held = read(rows[0]).journey;
  if (held !== undefined) return movedOn(held, record) ? "conflict" : "stale";
  const replaced = await tx.query(REPLACE, paramsOf(record, at));
  return replaced.rows.length === 1 ? "applied" : "stale";
}

/** The guarded write, then (only when it was refused) what to make of the held row, in `tx`. */
async function write(tx: SqlQueryable, record: PreparedRecord, at: Date): Promise<WriteOutcome> {
  return (await upsert(tx, record, at)) ? "applied" : settleRefused(tx, record, at);
}

/** Thrown inside a delivery's transaction when a record's row moved on, so it rolls back whole (event id too). */
class RowMovedOn extends Error {
  constructor() {
    super("a record's expected row moved on");
    this.name = "RowMovedOn";
  }
}

/** Whether `error` is (or was caused by) a {@link RowMovedOn}: an adapter's `transaction` may wrap what it throws. */
function isRowMovedOn(error: unknown): boolean {
  for (let at = error, depth = 0; at instanceof Error && depth < 8; at = at.cause, depth++)
    if (at instanceof RowMovedOn) return true;
  return false;
}

async function markSeen(db: SqlQueryable, webhookId: string, at: Date): Promise<boolean> {
  const { rows } = await db.query(MARK_SEEN, [webhookId, at.toISOString()]);
  return rows.length === 1;
}

/** Options of {@link createSqlJourneyStore}. */
export interface SqlJourneyStoreOptions extends StoreClockOptions {
  /** Whether `close()` also closes the database (true when the store opened it). */
  readonly ownsDatabase: boolean;
}

/**
 * A journey store on any PostgreSQL-compatible {@link SqlDatabase}; the tables must exist (see `migrate`).
 * Its methods reject as {@link JourneyStore} documents, and with whatever the database adapter rejects with when
 * the database fails (`pgDatabase` maps unavailability and timeouts to `StoreUnavailableError`).
 * @throws {StoreConfigError} naming `db` when it is not a {@link SqlDatabase}, or `options`, `now` or
 *   `onCorruptRecord` when malformed.
 */
export function createSqlJourneyStore(db: SqlDatabase, options: SqlJourneyStoreOptions): JourneyStore {
  for (const method of ["query", "transaction", "close"] as const)
    if (typeof (db as Partial<SqlDatabase> | null)?.[method] !== "function")
      throw new StoreConfigError("db", `must be a SqlDatabase (it has no ${method})`);
  checkClockOptions(options);
  const now = storeDates(options.now);
  const onCorrupt: (error: CorruptRecordError) => void = options.onCorruptRecord ?? warnCorruptRecord;
  let closed = false;
  const open = () => {
    if (closed) throw new StoreClosedError();
  };

  return {
    async get(journeyID) {
      open();
      const id = checkId(journeyID, "journeyID");
      const { rows } = await db.query<JourneyRow>(
        `SELECT ${COLUMNS} FROM credit_journey.journeys WHERE journey_id = $1`,
        [id],
      );
      return rows[0] && reportReading(read(rows[0]), onCorrupt);
    },
    async applySnapshot(record) {
      open();
      const prepared = prepareRecord(record);
      const at = now();
      // One statement when the guard lets it through; a transaction only for a refused one, to check the row.
      if (await upsert(db, prepared, at)) return true;
      return (await db.transaction((tx) => settleRefused(tx, prepared, at))) === "applied";
    },
    async markWebhookSeen(webhookId) {
      open();
      return markSeen(db, checkId(webhookId, "webhookId"), now());
    },
    async applyWebhook(delivery): Promise<ApplyWebhookResult> {
      open();
      const { id, records } = prepareDelivery(delivery);
      const at = now();
      try {
        return await db.transaction(async (tx) => {
          // A concurrent delivery of the same id waits here on the primary key until this transaction ends.
          if (!(await markSeen(tx, id, at)))
            return { duplicate: true, applied: false, appliedJourneyIDs: [] };
          const appliedJourneyIDs: string[] = [];
          // In journey order, so two deliveries naming the same journeys lock their rows in the same order.
          for (const record of [...records].sort((a, b) => (a.journeyID < b.journeyID ? -1 : 1))) {
            const outcome = await write(tx, record, at);
            if (outcome === "conflict") throw new RowMovedOn();
            if (outcome === "applied") appliedJourneyIDs.push(record.journeyID);
          }
          return { duplicate: false, applied: appliedJourneyIDs.length > 0, appliedJourneyIDs };
        });
      } catch (error) {
        if (isRowMovedOn(error))
          return { duplicate: false, applied: false, appliedJourneyIDs: [], conflict: true };
        throw error;
      }
    },
    async listStale(listOptions) {
      open();
      const { olderThan, limit } = checkListStale(listOptions);
      const stale: StoredJourney[] = [];
      // A row read as absent is left out and the list goes on past it, so corrupt rows, which stay the oldest
      // until a write replaces them, never starve the reconciler. (Pages move under concurrent writes: a journey
      // is listed once at most.)
      let scanned = 0;
      while (stale.length < limit) {
        const want = limit - stale.length;
        const { rows } = await db.query<JourneyRow>(
          `SELECT ${COLUMNS} FROM credit_journey.journeys
           WHERE NOT ended AND updated_at < $1
           ORDER BY updated_at, journey_id
           LIMIT $2 OFFSET $3`,
          [olderThan.toISOString(), want, scanned],
        );
        scanned += rows.length;
        for (const row of rows) {
          const journey = reportReading(read(row), onCorrupt);
          if (journey && !stale.some((j) => j.journeyID === journey.journeyID)) stale.push(journey);
        }
        if (rows.length < want) break;
      }
      return stale;
    },
    async leaseStale(leaseOptions) {
      open();
      const { olderThan, limit, leaseMs } = checkLeaseStale(leaseOptions);
      const at = now();
      // The lease's end names it (a later lease of the row ends later): touch and releaseLease compare it.
      const leasedUntil = new Date(at.getTime() + leaseMs);
      const taken: LeasedJourney[] = [];
      // A row read as absent (corrupt) stays leased and is left out, and the lease goes on past it (a leased row
      // is not taken again), so corrupt rows, which stay the oldest, never starve the reconciler (as listStale).
      while (taken.length < limit) {
        const want = limit - taken.length;
        // Rows another transaction holds are skipped, not waited for: concurrent workers each take others.
        const { rows } = await db.query<JourneyRow>(
          `WITH taken AS (
             SELECT journey_id FROM credit_journey.journeys
             WHERE NOT ended AND updated_at < $1 AND (leased_until IS NULL OR leased_until <= $2)
             ORDER BY updated_at, journey_id
             LIMIT $3
             FOR UPDATE SKIP LOCKED)
           UPDATE credit_journey.journeys AS j SET leased_until = $4
           FROM taken WHERE j.journey_id = taken.journey_id
           RETURNING ${COLUMNS.split(", ")
             .map((c) => `j.${c}`)
             .join(", ")}`,
          [olderThan.toISOString(), at.toISOString(), want, leasedUntil.toISOString()],
        );
        for (const row of rows) {
          const journey = reportReading(read(row), onCorrupt);
          if (journey) taken.push({ ...journey, leasedUntil });
        }
        if (rows.length < want) break;
      }
      // Oldest first, as listStale.
      return taken.sort(
        (a, b) =>
          a.updatedAt.getTime() - b.updatedAt.getTime() ||
          (a.journeyID < b.journeyID ? -1 : a.journeyID > b.journeyID ? 1 : 0),
      );
    },
    async releaseLease(journeyID, lease) {
      open();
      const id = checkId(journeyID, "journeyID");
      const held = leaseParameter(lease);
      const { rows } = await db.query(
        `UPDATE credit_journey.journeys SET leased_until = NULL
         WHERE journey_id = $1 AND ($2::timestamptz IS NULL OR leased_until = $2::timestamptz)
         RETURNING journey_id`,
        [id, held],
      );
      return rows.length === 1;
    },
    async touch(journeyID, lease) {
      open();
      const id = checkId(journeyID, "journeyID");
      const held = leaseParameter(lease);
      // Confirmed current: fresh again, and the lease it was polled under (or, with none named, any) is done.
      const { rows } = await db.query(
        `UPDATE credit_journey.journeys SET updated_at = GREATEST(updated_at, $2),
           leased_until = CASE WHEN $3::timestamptz IS NULL OR leased_until = $3::timestamptz THEN NULL
                          ELSE leased_until END
         WHERE journey_id = $1 RETURNING journey_id`,
        [id, now().toISOString(), held],
      );
      return rows.length === 1;
    },
    async pruneWebhookIds(pruneOptions) {
      open();
      const olderThan = checkDate(pruneOptions?.olderThan, "olderThan");
      const { rows } = await db.query<{ pruned: number }>(
        `WITH pruned AS (DELETE FROM credit_journey.webhook_deliveries WHERE seen_at < $1 RETURNING 1)
         SELECT count(*)::int AS pruned FROM pruned`,
        [olderThan.toISOString()],
      );
      return Number(rows[0]?.pruned ?? 0);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (options.ownsDatabase) await db.close();
    },
  };
}
