/** A store was given a value it cannot keep; `field` names it (`state.items.0`, `webhookId`, `limit`). */
export class StoreInputError extends Error {
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
export class StoreClosedError extends Error {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "StoreClosedError" as const;

  constructor() {
    super("the journey store is closed");
    this.name = "StoreClosedError";
  }
}

/** A store factory was given an option it cannot use; `field` names it (`connectTimeoutMs`, `max`). */
export class StoreConfigError extends Error {
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
export class StoreUnavailableError extends Error {
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
 * Checks the options every store factory takes.
 * @throws {StoreConfigError} naming `options` or `now` when they are not an object and a function.
 */
export function checkClockOptions(options: unknown): void {
  if (typeof options !== "object" || options === null)
    throw new StoreConfigError("options", "must be an object");
  const now = (options as { now?: unknown }).now;
  if (now !== undefined && typeof now !== "function")
    throw new StoreConfigError("now", "must be a function returning a Date");
}
