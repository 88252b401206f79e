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
