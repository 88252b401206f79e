import { checkClockOptions, StoreClosedError } from "./errors.js";
import {
  checkDate,
  checkId,
  checkListStale,
  type PreparedRecord,
  prepareDelivery,
  prepareRecord,
  supersedes,
} from "./record.js";
import type {
  ApplyWebhookResult,
  JourneyRecordInput,
  JourneyStore,
  StoreClockOptions,
  StoredJourney,
} from "./types.js";

interface Row {
  readonly record: PreparedRecord;
  updatedAt: Date;
}

function toStored(row: Row): StoredJourney {
  const { record } = row;
  return {
    journeyID: record.journeyID,
    asOf: record.asOf,
    sequence: record.sequence,
    complete: record.complete,
    status: record.status,
    // Copies, so a caller mutating what it got back cannot change what the store holds.
    snapshot: JSON.parse(record.snapshotJson),
    state: record.stateJson === null ? null : JSON.parse(record.stateJson),
    updatedAt: new Date(row.updatedAt),
  };
}

/**
 * A journey store in this process's memory: the default, for one process and for tests.
 * @throws {StoreConfigError} naming `options` or `now` when malformed.
 */
export function createMemoryJourneyStore(options: StoreClockOptions = {}): JourneyStore {
  checkClockOptions(options);
  const now = options.now ?? (() => new Date());
  const journeys = new Map<string, Row>();
  const webhooks = new Map<string, Date>();
  let closed = false;

  // Every method validates first and mutates last, synchronously: a failure writes nothing, and no other call
  // can interleave between the dedupe check and the write.
  const open = () => {
    if (closed) throw new StoreClosedError();
  };
  const upsert = (record: PreparedRecord): boolean => {
    const held = journeys.get(record.journeyID);
    if (held && !supersedes(held.record, record)) return false;
    const sequence = record.sequence ?? held?.record.sequence ?? null;
    journeys.set(record.journeyID, { record: { ...record, sequence }, updatedAt: now() });
    return true;
  };

  return {
    async get(journeyID) {
      open();
      const row = journeys.get(checkId(journeyID, "journeyID"));
      return row && toStored(row);
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
      webhooks.set(id, now());
      const appliedJourneyIDs = records.filter(upsert).map((r) => r.journeyID);
      return { duplicate: false, applied: appliedJourneyIDs.length > 0, appliedJourneyIDs };
    },
    async listStale(listOptions) {
      open();
      const { olderThan, limit } = checkListStale(listOptions);
      return [...journeys.values()]
        .filter((row) => !row.record.ended && row.updatedAt < olderThan)
        .sort(
          (a, b) =>
            a.updatedAt.getTime() - b.updatedAt.getTime() ||
            (a.record.journeyID < b.record.journeyID ? -1 : 1),
        )
        .slice(0, limit)
        .map(toStored);
    },
    async touch(journeyID) {
      open();
      const row = journeys.get(checkId(journeyID, "journeyID"));
      if (!row) return false;
      const at = now();
      if (at > row.updatedAt) row.updatedAt = at;
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
