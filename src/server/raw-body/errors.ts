/** Why the raw request body could not be handed over. */
export type RawBodyReason = "NOT_RAW" | "TOO_LARGE" | "ABORTED" | "ALREADY_CONSUMED";

import { CreditJourneyError } from "../../contract/errors.js";

const STATUS_OF: Readonly<Record<RawBodyReason, number>> = {
  // A body parser that ran first is the receiver's misconfiguration: a 5xx makes the platform retry
  // the delivery until the route is fixed, instead of losing it.
  NOT_RAW: 500,
  ALREADY_CONSUMED: 500,
  TOO_LARGE: 413,
  ABORTED: 400,
};

/** The raw body was unavailable; `status` is the HTTP status to answer with. */
export class RawBodyError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "RawBodyError" as const;
  /** Why the body could not be handed over. */
  readonly reason: RawBodyReason;
  /** The HTTP status to answer with: 500 for a misconfigured route (so the platform retries), else 4xx. */
  readonly status: number;

  constructor(reason: RawBodyReason, message: string) {
    super(message);
    this.name = "RawBodyError";
    this.reason = reason;
    this.status = STATUS_OF[reason];
  }
}

/** Default cap on a webhook body: 1 MiB, far above any snapshot envelope. */
export const DEFAULT_RAW_BODY_LIMIT = 1024 * 1024;

/** A body size limit option that is not a positive integer of bytes; `field` names it (`limit`, `bodyLimit`). */
export class RawBodyLimitError extends RangeError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "RawBodyLimitError" as const;
  /** The offending option. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "RawBodyLimitError";
    this.field = field;
  }
}

/**
 * Checks a body size limit option.
 * @throws {RawBodyLimitError} (a RangeError) naming `field` when `limit` is not a positive integer.
 */
export function checkLimit(limit: unknown, field = "limit"): number {
  if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit <= 0) {
    throw new RawBodyLimitError(
      field,
      `must be a positive integer of bytes, got ${typeof limit === "string" ? `"${limit}"` : String(limit)}`,
    );
  }
  return limit;
}

/** The declared `content-length`, when it is a plain number. */
export function declaredLength(value: string | null | undefined): number | undefined {
  return value && /^[0-9]+$/.test(value.trim()) ? Number(value) : undefined;
}
