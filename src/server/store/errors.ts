import { CreditJourneyError } from "../../contract/errors.js";

/** A store was given a value it cannot keep; `field` names it (`state.items.0`, `webhookId`, `limit`). */
export class StoreInputError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "StoreInputError" as const;
  /** The offending field, as a dotted path. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "StoreInputError";
    this.field = field;
  }
}

/** The store was used after `close()`. */
export class StoreClosedError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "StoreClosedError" as const;

  constructor() {
    super("the journey store is closed");
    this.name = "StoreClosedError";
  }
}

/** A store factory was given an option it cannot use; `field` names it (`connectTimeoutMs`, `max`). */
export class StoreConfigError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "StoreConfigError" as const;
  /** The offending option. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "StoreConfigError";
    this.field = field;
  }
}

/** Why the database could not be reached or did not answer in time. */
export type StoreUnavailableCode =
  /** No connection within `connectTimeoutMs` (a paused or silent server, or a full pool for that long). */
  | "CONNECT_TIMEOUT"
  /** A connection could not be opened: refused, unresolvable host, the server starting up or out of slots. */
  | "CONNECT_FAILED"
  /** A statement did not finish in time (the server's `statement_timeout` or the client's query timeout). */
  | "QUERY_TIMEOUT"
  /** An open connection broke mid-use: terminated by an administrator, a restart, a network reset. */
  | "CONNECTION_LOST";

/**
 * The database was unreachable, broke the connection or did not answer in time. Nothing of the failed call is
 * committed, except possibly a `COMMIT` whose answer was lost: retrying is always safe, because every write is
 * idempotent (a retried webhook is then reported a duplicate).
 */
export class StoreUnavailableError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "StoreUnavailableError" as const;
  /** What failed. */
  readonly code: StoreUnavailableCode;
  /** Always true: the same call may succeed later (a webhook handler answers 503 so the platform retries). */
  readonly retryable = true as const;

  constructor(code: StoreUnavailableCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
    this.code = code;
  }

  /** The error as plain data. */
  toJSON(): { _tag: "StoreUnavailableError"; code: StoreUnavailableCode; retryable: true; message: string } {
    return { _tag: this._tag, code: this.code, retryable: this.retryable, message: this.message };
  }
}

/**
 * How much of a corrupt stored row is lost: `state`, its reducer state (dropped, and rebuilt from the snapshot);
 * `record`, the whole row (read as absent, and replaced by the next valid write whatever its order key).
 */
export type CorruptRecordScope = "state" | "record";

/** One thing wrong with a stored row: the field (a dotted path) and what is wrong, never the value. */
export interface CorruptRecordIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * A stored journey row failed validation when it was read (hand-edited, written by another version, damaged).
 * Reported to the store's `onCorruptRecord`, never thrown by a read: the row is read without what is corrupt.
 * Names the journey and the fields only, never their values.
 */
export class CorruptRecordError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "CorruptRecordError" as const;
  /** The row's key. */
  readonly journeyID: string;
  /** What is lost: the reducer state, or the whole row. */
  readonly scope: CorruptRecordScope;
  /** The first offending field, as a dotted path (`snapshot.status`, `state.context.journeyID`). */
  readonly field: string;
  /** Every offending field found. */
  readonly issues: readonly CorruptRecordIssue[];

  constructor(journeyID: string, scope: CorruptRecordScope, issues: readonly CorruptRecordIssue[]) {
    const listed = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
    const lost = scope === "state" ? "its reducer state is dropped" : "it is read as absent";
    super(`the stored journey ${journeyID} is corrupt, ${lost} (${listed})`);
    this.name = "CorruptRecordError";
    this.journeyID = journeyID;
    this.scope = scope;
    this.field = issues[0]?.field ?? scope;
    this.issues = issues;
  }

  /** The error as plain data. */
  toJSON(): {
    _tag: "CorruptRecordError";
    journeyID: string;
    scope: CorruptRecordScope;
    issues: readonly CorruptRecordIssue[];
  } {
    return { _tag: this._tag, journeyID: this.journeyID, scope: this.scope, issues: this.issues };
  }
}

/** The default `onCorruptRecord`: a warning naming the journey and the fields (never their values). */
export function warnCorruptRecord(error: CorruptRecordError): void {
  console.warn("credit-journey store: a corrupt stored journey was read", error.toJSON());
}

/**
 * Checks the options every store factory takes.
 * @throws {StoreConfigError} naming `options`, `now` or `onCorruptRecord` when they are not an object and functions.
 */
export function checkClockOptions(options: unknown): void {
  if (typeof options !== "object" || options === null)
    throw new StoreConfigError("options", "must be an object");
  const now = (options as { now?: unknown }).now;
  if (now !== undefined && typeof now !== "function")
    throw new StoreConfigError("now", "must be a function returning epoch milliseconds (or a Date)");
  const onCorrupt = (options as { onCorruptRecord?: unknown }).onCorruptRecord;
  if (onCorrupt !== undefined && typeof onCorrupt !== "function")
    throw new StoreConfigError("onCorruptRecord", "must be a function");
}

/** The store's clock as dates: `now` read as epoch milliseconds or a `Date`, else the system clock. Never throws. */
export function storeDates(now: (() => number | Date) | undefined): () => Date {
  return now === undefined ? () => new Date() : () => new Date(now());
}
