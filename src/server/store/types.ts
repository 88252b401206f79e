import type { Clock } from "../../contract/clock.js";
import type { JourneySnapshot, JourneyStatus } from "../../contract/index.js";
import type { CorruptRecordError } from "./errors.js";

/** A JSON value, as a store keeps it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What a caller writes: a snapshot and, optionally, the reducer state derived from it. */
export interface JourneyRecordInput {
  /** The platform's snapshot; its `journeyID` and `asOf` key and guard the write. */
  readonly snapshot: JourneySnapshot;
  /** The reducer's serialisable state for this journey, opaque to the store (default `null`). */
  readonly state?: unknown;
  /**
   * The webhook's `sequence` [L6], for a record a delivery wrote: a record with a lower one than the held one is
   * never written. Absent for reads (polls, the reconciler): the held sequence is kept.
   */
  readonly sequence?: number;
  /**
   * Whether the snapshot is the full state (default true). A thin webhook stored without the full journey read
   * is `false`: the snapshot has only the journey's status and nextAction (and the details held before).
   */
  readonly complete?: boolean;
  /**
   * The row this record was computed from, as it was read (its order key), or `null` when none was readable: the
   * record is written only while the row still holds it, so a write computed from a row another worker has since
   * moved on is refused, never laid over that worker's (a compare-and-set). A missing or corrupt row holds any.
   * Absent: no such check, the order guard alone.
   */
  readonly expected?: RowKey | null;
}

/** A stored row's order key: what {@link JourneyRecordInput.expected} compares. */
export interface RowKey {
  readonly asOf: number;
  readonly sequence: number | null;
  readonly complete: boolean;
}

/** A journey as a store holds it. */
export interface StoredJourney {
  /** The journey's id (`journeyID`, opaque). */
  readonly journeyID: string;
  /** The held snapshot's order key (`asOf`, epoch ms): only ever increases. */
  readonly asOf: number;
  /** The highest webhook `sequence` written, or `null` when no delivery carried one. */
  readonly sequence: number | null;
  /** False while the snapshot is only what a thin webhook said (see {@link JourneyRecordInput.complete}). */
  readonly complete: boolean;
  /** The held snapshot's status. */
  readonly status: JourneyStatus;
  /** The newest snapshot applied. */
  readonly snapshot: JourneySnapshot;
  /** The reducer state written with it, or `null`. */
  readonly state: JsonValue;
  /** When this store last wrote the journey or confirmed it current ({@link JourneyStore.touch}), by the store's clock. */
  readonly updatedAt: Date;
}

/** The outcome of {@link JourneyStore.applyWebhook}. */
export interface ApplyWebhookResult {
  /** True when this event id had been seen before: nothing was written. */
  readonly duplicate: boolean;
  /** True when at least one record was written (first delivery and newer than what was held). */
  readonly applied: boolean;
  /** The journeys whose records were written. */
  readonly appliedJourneyIDs: readonly string[];
  /**
   * True when a record's {@link JourneyRecordInput.expected} row had moved on: nothing of the delivery was
   * written, not even the event id. Read the journey again, compute anew and apply again. Absent when false.
   */
  readonly conflict?: true;
}

/** What {@link JourneyStore.applyWebhook} writes: the event id and one record per journey the delivery names. */
export interface WebhookDelivery {
  /** The event id (`X-AL-Event-ID` / `event_id`): recorded once, the same on every retry. */
  readonly webhookId: string;
  /** One journey's record. */
  readonly record?: JourneyRecordInput;
  /** Several journeys' records (1–64, distinct journeys), written all or none. */
  readonly records?: readonly JourneyRecordInput[];
}

/** Options of {@link JourneyStore.listStale}. */
export interface ListStaleOptions {
  /** Journeys whose `updatedAt` is strictly before this instant. */
  readonly olderThan: Date;
  /** At most this many, oldest first (a positive integer). */
  readonly limit: number;
}

/** Options of {@link JourneyStore.leaseStale}. */
export interface LeaseStaleOptions extends ListStaleOptions {
  /** How long the journeys taken stay leased to the caller, in ms (a positive integer), unless touched sooner. */
  readonly leaseMs: number;
}

/** A journey {@link JourneyStore.leaseStale} leased: the stored journey and, from the shipped stores, its lease. */
export interface LeasedJourney extends StoredJourney {
  /**
   * Until when the lease runs (the store's clock), which also names it: hand it back to `touch` or `releaseLease`
   * and they end this lease only, never one another worker took after it ran out. A store of one's own may omit it.
   */
  readonly leasedUntil?: Date;
}

/** Which lease `touch` and `releaseLease` end: the one {@link LeasedJourney.leasedUntil} names. */
export interface LeaseHeld {
  /** The `leasedUntil` of the journey as `leaseStale` returned it. */
  readonly leasedUntil: Date;
}

/**
 * Where a partner backend keeps journeys and the webhook ids it has seen. Every method is safe to call from many
 * processes at once: writes are guarded by the order key `asOf`, so a stale or equal one never overwrites a newer one.
 */
export interface JourneyStore {
  /**
   * The held journey, or `undefined`. A stored row is validated as it is read, never trusted: one whose columns
   * or snapshot fail (not a snapshot of this journey at the row's `asOf` and status) reads as `undefined`, and
   * the next valid write replaces it whatever its `asOf`; one whose reducer state fails (another journey's, later
   * than the row, not a machine state) reads with `state: null`. Both are told to `onCorruptRecord`.
   * @throws {StoreInputError} when `journeyID` is not a non-empty string (rejects).
   * @throws {StoreClosedError} after {@link JourneyStore.close} (rejects).
   * @throws {StoreUnavailableError} (a store on a database) when it is unreachable, breaks the connection or
   *   does not answer in time; `retryable`, and retrying is safe (rejects).
   */
  get(journeyID: string): Promise<StoredJourney | undefined>;
  /**
   * Writes the record if its snapshot's `asOf` is later than the held one (and, with `expected`, the row still
   * holds what the record was computed from); returns whether it did.
   * @throws {ContractError} when the snapshot is invalid; nothing is written (rejects).
   * @throws {StoreInputError} when the state is not JSON; nothing is written (rejects).
   * @throws {StoreClosedError} after {@link JourneyStore.close} (rejects).
   * @throws {StoreUnavailableError} (a store on a database) when it is unreachable, breaks the connection or
   *   does not answer in time; `retryable`, and retrying is safe (rejects).
   */
  applySnapshot(record: JourneyRecordInput): Promise<boolean>;
  /**
   * Records a webhook id; true the first time it is seen.
   * @throws {StoreInputError} when `webhookId` is not a non-empty string (rejects).
   * @throws {StoreClosedError} after {@link JourneyStore.close} (rejects).
   * @throws {StoreUnavailableError} (a store on a database) when it is unreachable, breaks the connection or
   *   does not answer in time; `retryable`, and retrying is safe (rejects).
   */
  markWebhookSeen(webhookId: string): Promise<boolean>;
  /**
   * Atomically records the webhook id and, on its first delivery, applies the record as {@link applySnapshot} does.
   * A failure leaves neither written, so the platform's retry is processed afresh; so does a `conflict` (a
   * record's `expected` row moved on).
   * @throws {ContractError} when the snapshot is invalid; nothing is written (rejects).
   * @throws {StoreInputError} when the id or state is invalid; nothing is written (rejects).
   * @throws {StoreClosedError} after {@link JourneyStore.close} (rejects).
   * @throws {StoreUnavailableError} (a store on a database) when it is unreachable, breaks the connection or
   *   does not answer in time; `retryable`, and retrying is safe (rejects).
   */
  applyWebhook(delivery: WebhookDelivery): Promise<ApplyWebhookResult>;
  /**
   * Non-ended journeys not updated since `olderThan`, oldest first: the reconciler's work list. Read as
   * {@link JourneyStore.get} reads: a corrupt row is left out (and told), the list going on past it.
   * @throws {StoreInputError} when `olderThan` is not a valid date or `limit` not a positive integer (rejects).
   * @throws {StoreClosedError} after {@link JourneyStore.close} (rejects).
   * @throws {StoreUnavailableError} (a store on a database) when it is unreachable, breaks the connection or
   *   does not answer in time; `retryable`, and retrying is safe (rejects).
   */
  listStale(options: ListStaleOptions): Promise<StoredJourney[]>;
  /**
   * Marks a journey as confirmed current now (a poll found nothing newer), so it leaves the stale list for a while,
   * and ends its lease: with `lease`, only when the journey is still under that lease (another worker's later
   * lease stays); without, whoever's. Never moves `updatedAt` backwards. Returns false when the journey is unknown.
   * @throws {StoreInputError} when `journeyID` is not a non-empty string, or `lease.leasedUntil` not a valid date
   *   (rejects).
   * @throws {StoreClosedError} after {@link JourneyStore.close} (rejects).
   * @throws {StoreUnavailableError} (a store on a database) when it is unreachable, breaks the connection or
   *   does not answer in time; `retryable`, and retrying is safe (rejects).
   */
  touch(journeyID: string, lease?: LeaseHeld): Promise<boolean>;
  /**
   * {@link JourneyStore.listStale}, leasing what it returns: a journey leased (to anyone, in any process) until
   * after now is not returned again until its lease runs out or {@link JourneyStore.touch} ends it, so workers
   * sharing the store poll each stale journey once. Optional: a store without it is listed unleased (one worker).
   * @throws {StoreInputError} naming `olderThan`, `limit` or `leaseMs` (rejects).
   * @throws {StoreClosedError} after {@link JourneyStore.close} (rejects).
   * @throws {StoreUnavailableError} (a store on a database) when it is unreachable, breaks the connection or
   *   does not answer in time; `retryable`, and retrying is safe (rejects).
   */
  leaseStale?(options: LeaseStaleOptions): Promise<LeasedJourney[]>;
  /**
   * Ends a lease {@link JourneyStore.leaseStale} gave, so the journey is taken again at once (its poll failed and
   * should be retried next pass): with `lease`, only while the journey is still under that lease; without,
   * whoever's. Optional, with `leaseStale`. Returns false when the journey is unknown, or (with `lease`) that
   * lease is no longer the journey's.
   * @throws {StoreInputError} when `journeyID` is not a non-empty string, or `lease.leasedUntil` not a valid date
   *   (rejects).
   * @throws {StoreClosedError} after {@link JourneyStore.close} (rejects).
   * @throws {StoreUnavailableError} (a store on a database) as the other methods (rejects).
   */
  releaseLease?(journeyID: string, lease?: LeaseHeld): Promise<boolean>;
  /**
   * Forgets webhook ids seen before `olderThan` (keep them longer than the platform retries); returns how many.
   * @throws {StoreInputError} when `olderThan` is not a valid date (rejects).
   * @throws {StoreClosedError} after {@link JourneyStore.close} (rejects).
   * @throws {StoreUnavailableError} (a store on a database) when it is unreachable, breaks the connection or
   *   does not answer in time; `retryable`, and retrying is safe (rejects).
   */
  pruneWebhookIds(options: { readonly olderThan: Date }): Promise<number>;
  /** Releases the store's resources; later calls reject with {@link StoreClosedError}. Idempotent; never rejects. */
  close(): Promise<void>;
}

/** Options every store factory takes. */
export interface StoreClockOptions {
  /**
   * The store's clock, for `updatedAt` and webhook `seen` times (default: the system clock): epoch milliseconds, the
   * same `now` the webhook handler and the reconciler take, so one clock serves the whole kit. A `Date` is read too.
   */
  readonly now?: Clock["now"] | (() => Date);
  /**
   * Told when a read finds a stored row that fails validation (see {@link CorruptRecordError}); the read goes on
   * without what is corrupt. Default: `console.warn` of the journey id and the fields, never their values.
   * Must not throw (what it throws is ignored).
   */
  readonly onCorruptRecord?: (error: CorruptRecordError) => void;
}
