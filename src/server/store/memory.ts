import type { JourneySnapshot } from "../../contract/index.js";
import { keepCheckedSnapshot, keepState } from "./checked.js";
import { checkClockOptions, StoreClosedError, storeDates, warnCorruptRecord } from "./errors.js";
import {
  checkDate,
  checkId,
  checkLeaseHeld,
  checkLeaseStale,
  checkListStale,
  decodeJsonColumn,
  movedOn,
  type PreparedRecord,
  prepareDelivery,
  prepareRecord,
  type RowReading,
  readJourneyRow,
  reportReading,
  supersedes,
} from "./record.js";
import type {
  ApplyWebhookResult,
  JourneyRecordInput,
  JourneyStore,
  JsonValue,
  ListStaleOptions,
  StoreClockOptions,
  StoredJourney,
} from "./types.js";

/** A memory store's row: the columns a SQL row has, the snapshot and state as JSON text. */
export interface MemoryJourneyRow {
  asOf: number;
  sequence: number | null;
  complete: boolean;
  status: string;
  ended: boolean;
  /** The snapshot, as JSON text. */
  snapshot: string;
  /** The reducer state, as JSON text, or `null`. */
  state: string | null;
  updatedAt: Date;
}

/** What the store made of a row it wrote, with the columns it wrote, so a read knows the row is unchanged. */
interface Written {
  readonly columns: MemoryJourneyRow;
  readonly updatedAtMs: number;
  readonly reading: RowReading & { readonly journey: StoredJourney };
}

/** Whether `row` still holds exactly what was written (a test, or a bug, may have changed it in place). */
function isUnchanged(row: MemoryJourneyRow, written: Written): boolean {
  const c = written.columns;
  return (
    row.asOf === c.asOf &&
    row.sequence === c.sequence &&
    row.complete === c.complete &&
    row.status === c.status &&
    row.ended === c.ended &&
    row.snapshot === c.snapshot &&
    row.state === c.state &&
    row.updatedAt instanceof Date &&
    row.updatedAt.getTime() === written.updatedAtMs
  );
}

/**
 * The journey a row holds: what the store made of it when it wrote it, while the row is unchanged (its snapshot
 * and state frozen, see {@link keptValues}: nobody can change what the store holds through them); else the row
 * decoded from its text and checked as any store's row is.
 */
function read(
  journeyID: string,
  row: MemoryJourneyRow,
  written: WeakMap<MemoryJourneyRow, Written>,
): RowReading {
  const kept = written.get(row);
  if (kept !== undefined && isUnchanged(row, kept))
    return { journey: { ...kept.reading.journey, updatedAt: new Date(kept.updatedAtMs) } };
  return readJourneyRow({
    journeyID,
    asOf: row.asOf,
    sequence: row.sequence,
    complete: row.complete,
    status: row.status,
    ended: row.ended,
    snapshot: decodeJsonColumn(row.snapshot),
    state: decodeJsonColumn(row.state),
    updatedAt: row.updatedAt,
  });
}

/** The journey a write is compared with: as kept (not copied: it is only read) while the row is unchanged. */
function heldJourney(
  journeyID: string,
  row: MemoryJourneyRow,
  written: WeakMap<MemoryJourneyRow, Written>,
): StoredJourney | undefined {
  const kept = written.get(row);
  return kept !== undefined && isUnchanged(row, kept)
    ? kept.reading.journey
    : read(journeyID, row, written).journey;
}

/**
 * The private copies a row keeps of what was written. What the kit's reducer made (and the snapshot parsed from
 * it) is frozen where it is: nothing can change it, and the kit never changes its states. What a caller of its own
 * wrote is copied from its JSON text first, so the caller's objects stay theirs and unfrozen.
 */
function keptValues(record: PreparedRecord): Pick<StoredJourney, "snapshot" | "state"> {
  if (record.fromReducer)
    return { snapshot: keepCheckedSnapshot(record.snapshot), state: keepState(record.state, true) };
  return {
    snapshot: keepCheckedSnapshot(JSON.parse(record.snapshotJson) as JourneySnapshot),
    state: keepState(record.stateJson === null ? null : (JSON.parse(record.stateJson) as JsonValue), false),
  };
}

/**
 * A journey store in this process's memory: the default, for one process and for tests.
 * @throws {StoreConfigError} naming `options`, `now` or `onCorruptRecord` when malformed.
 */
export function createMemoryJourneyStore(options: StoreClockOptions = {}): JourneyStore {
  return memoryJourneyStoreOn(new Map(), options);
}

/**
 * A memory store over a map of rows the caller holds, by journey id (tests write corrupt rows into it);
 * {@link createMemoryJourneyStore} is one over a map of its own.
 * @throws {StoreConfigError} naming `options`, `now` or `onCorruptRecord` when malformed.
 */
export function memoryJourneyStoreOn(
  journeys: Map<string, MemoryJourneyRow>,
  options: StoreClockOptions = {},
): JourneyStore {
  checkClockOptions(options);
  const now = storeDates(options.now);
  const onCorrupt = options.onCorruptRecord ?? warnCorruptRecord;
  const webhooks = new Map<string, Date>();
  const written = new WeakMap<MemoryJourneyRow, Written>();
  let closed = false;

  // Every method validates first and mutates last, synchronously: a failure writes nothing, and no other call
  // can interleave between the dedupe check and the write.
  const open = () => {
    if (closed) throw new StoreClosedError();
  };
  /** The row held for `journeyID` as read now: `undefined` when there is none or it cannot be read. */
  const heldOf = (journeyID: string): StoredJourney | undefined => {
    const row = journeys.get(journeyID);
    return row && heldJourney(journeyID, row, written);
  };
  /** Writes `record` over `held` (the row as read now; a caller that has read it passes it) when it may. */
  const upsert = (record: PreparedRecord, held = heldOf(record.journeyID)): boolean => {
    // A row that cannot be read (its columns or snapshot corrupt) has no order key to keep: it is replaced.
    if (held && (!supersedes(held, record) || movedOn(held, record))) return false;
    const columns: MemoryJourneyRow = {
      asOf: record.asOf,
      sequence: record.sequence ?? held?.sequence ?? null,
      complete: record.complete,
      status: record.status,
      ended: record.ended,
      snapshot: record.snapshotJson,
      state: record.stateJson,
      updatedAt: now(),
    };
    const stored = { ...columns };
    journeys.set(record.journeyID, stored);
    written.set(stored, {
      columns,
      updatedAtMs: columns.updatedAt.getTime(),
      reading: {
        journey: {
          journeyID: record.journeyID,
          asOf: record.asOf,
          sequence: columns.sequence,
          complete: record.complete,
          status: record.status,
          ...keptValues(record),
          updatedAt: columns.updatedAt,
        },
      },
    });
    return true;
  };
  const get = (journeyID: string): StoredJourney | undefined => {
    const row = journeys.get(journeyID);
    return row && reportReading(read(journeyID, row, written), onCorrupt);
  };
  /** Leases by journey id: until when (epoch ms, the store's clock) a journey is leased (`leaseStale`). */
  const leases = new Map<string, number>();
  /** The stale, non-ended journeys `eligible` lets through, oldest first, at most `limit`. */
  const listStale = (
    { olderThan, limit }: ListStaleOptions,
    eligible: (journeyID: string) => boolean,
  ): StoredJourney[] => {
    const stale: StoredJourney[] = [];
    const candidates = [...journeys.entries()]
      .filter(([id, row]) => row.ended !== true && row.updatedAt < olderThan && eligible(id))
      .sort(
        ([a, x], [b, y]) => x.updatedAt.getTime() - y.updatedAt.getTime() || (a < b ? -1 : a > b ? 1 : 0),
      );
    // A row read as absent is left out, and the next one taken: corrupt rows never starve the list.
    for (const [journeyID] of candidates) {
      if (stale.length === limit) break;
      const journey = get(journeyID);
      if (journey) stale.push(journey);
    }
    return stale;
  };

  return {
    async get(journeyID) {
      open();
      return get(checkId(journeyID, "journeyID"));
    },
    async applySnapshot(record: JourneyRecordInput) {
      open();
      return upsert(prepareRecord(record));
    },
    async markWebhookSeen(webhookId) {
      open();
      const id = checkId(webhookId, "webhookId");
      if (webhooks.has(id)) return false;
      webhooks.set(id, now());
      return true;
    },
    async applyWebhook(delivery): Promise<ApplyWebhookResult> {
      open();
      const { id, records } = prepareDelivery(delivery);
      if (webhooks.has(id)) return { duplicate: true, applied: false, appliedJourneyIDs: [] };
      // Checked before anything is written: a record computed from a row that has moved on writes nothing.
      const held = records.map((record) => heldOf(record.journeyID));
      if (records.some((record, i) => movedOn(held[i], record)))
        return { duplicate: false, applied: false, appliedJourneyIDs: [], conflict: true };
      webhooks.set(id, now());
      const appliedJourneyIDs = records
        .filter((record, i) => upsert(record, held[i]))
        .map((r) => r.journeyID);
      return { duplicate: false, applied: appliedJourneyIDs.length > 0, appliedJourneyIDs };
    },
    async listStale(listOptions) {
      open();
      return listStale(checkListStale(listOptions), () => true);
    },
    async leaseStale(leaseOptions) {
      open();
      const { olderThan, limit, leaseMs } = checkLeaseStale(leaseOptions);
      const at = now().getTime();
      const free = (journeyID: string) => (leases.get(journeyID) ?? Number.NEGATIVE_INFINITY) <= at;
      const leasedUntil = new Date(at + leaseMs);
      const taken = listStale({ olderThan, limit }, free);
      for (const journey of taken) leases.set(journey.journeyID, leasedUntil.getTime());
      return taken.map((journey) => ({ ...journey, leasedUntil }));
    },
    async releaseLease(journeyID, lease) {
      open();
      const id = checkId(journeyID, "journeyID");
      const held = checkLeaseHeld(lease);
      if (held !== null && leases.get(id) !== held) return false;
      leases.delete(id);
      return journeys.has(id);
    },
    async touch(journeyID, lease) {
      open();
      const id = checkId(journeyID, "journeyID");
      const held = checkLeaseHeld(lease);
      const row = journeys.get(id);
      if (!row) return false;
      if (held === null || leases.get(id) === held) leases.delete(id);
      const at = now();
      if (!(at > row.updatedAt)) return true;
      // What was written stays known for the row (only its time moved on).
      const kept = written.get(row);
      if (kept !== undefined && isUnchanged(row, kept))
        written.set(row, { ...kept, columns: { ...kept.columns, updatedAt: at }, updatedAtMs: at.getTime() });
      row.updatedAt = at;
      return true;
    },
    async pruneWebhookIds(pruneOptions) {
      open();
      const olderThan = checkDate(pruneOptions?.olderThan, "olderThan");
      let pruned = 0;
      for (const [id, seenAt] of webhooks) {
        if (seenAt < olderThan) {
          webhooks.delete(id);
          pruned++;
        }
      }
      return pruned;
    },
    async close() {
      closed = true;
    },
  };
}
