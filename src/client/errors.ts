import { CreditJourneyError } from "../contract/errors.js";
import {
  type FailureKind,
  failureKind,
  isResentByTransport,
  type PlatformErrorCode,
} from "../contract/index.js";

/** Codes for failures that are not an error answer from the platform. */
export const CLIENT_ERROR_CODES = [
  "NETWORK",
  "TIMEOUT",
  "ABORTED",
  "CONTRACT",
  "INVALID_REQUEST",
  "HTTP_ERROR",
  "REFRESH_FAILED",
  "SESSION_UNAVAILABLE",
] as const;

/** A failure the client itself names: no answer, a bad answer, a bad request, or a failed credential callback. */
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** Every code an {@link ApiError} can carry: the platform's error codes (an open set) and the client's own. */
export type ApiErrorCode = PlatformErrorCode | ClientErrorCode;

/** One failing field: a dotted path, what was wrong with it, and the kind of failure when the platform says. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
  /** `required`, `pattern`, `format`, `range`, `enum` or another string the platform sends. */
  readonly code?: string;
}

/** The plain data an {@link ApiError} carries; what `toJSON()` returns. */
export interface ApiErrorData {
  readonly _tag: "ApiError";
  /** The platform's `error.code`, or a {@link ClientErrorCode} when there was no error body. */
  readonly code: ApiErrorCode;
  /** The HTTP status, or `undefined` when no response arrived (NETWORK, TIMEOUT, ABORTED...). */
  readonly status: number | undefined;
  /** What the failure means, from the one taxonomy every layer reads (see `FailureKind`). */
  readonly kind: FailureKind;
  /**
   * True when the same request may succeed later (`kind` is `transient`): the client has already retried it as
   * far as it would.
   */
  readonly retryable: boolean;
  /** The correlation id of the call: from the envelope, the response header, or what the client sent. */
  readonly correlationID: string | undefined;
  /** The platform's `requestID` of the failed answer, when it sent one: quote it to support. */
  readonly requestID: string | undefined;
  /** Field errors: from `VALIDATION_FAILED`, or the contract paths that failed for CONTRACT / INVALID_REQUEST. */
  readonly errors: readonly FieldError[];
  /** The server's `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /** The endpoint that failed, e.g. `proceedOffer`. */
  readonly endpoint: string | undefined;
  readonly message: string;
}

/** A failed call: plain tagged data (see {@link ApiErrorData}) that is also an `Error`, for stack traces. */
export class ApiError extends CreditJourneyError implements ApiErrorData {
  readonly _tag = "ApiError" as const;
  readonly code: ApiErrorCode;
  readonly status: number | undefined;
  readonly kind: FailureKind;
  readonly retryable: boolean;
  readonly correlationID: string | undefined;
  readonly requestID: string | undefined;
  readonly errors: readonly FieldError[];
  readonly retryAfterMs: number | undefined;
  readonly endpoint: string | undefined;

  /** `kind` and `retryable` are derived from `code` and `status` (one taxonomy), never given. */
  constructor(data: Omit<ApiErrorData, "_tag" | "kind" | "retryable">, options?: { cause?: unknown }) {
    super(data.message, options);
    this.name = "ApiError";
    this.code = data.code;
    this.status = data.status;
    this.kind = failureKind(data);
    this.retryable = isResentByTransport(this.kind);
    this.correlationID = data.correlationID;
    this.requestID = data.requestID;
    this.errors = data.errors;
    this.retryAfterMs = data.retryAfterMs;
    this.endpoint = data.endpoint;
  }

  /** The error as plain data, safe to log, store or post to another thread. */
  toJSON(): ApiErrorData {
    return {
      _tag: this._tag,
      code: this.code,
      status: this.status,
      kind: this.kind,
      retryable: this.retryable,
      correlationID: this.correlationID,
      requestID: this.requestID,
      errors: this.errors,
      retryAfterMs: this.retryAfterMs,
      endpoint: this.endpoint,
      message: this.message,
    };
  }
}

/** Why a credential or an environment was refused before any request. */
export type ScopeErrorReason = "API_KEY_IN_BORROWER_CLIENT" | "NOT_AN_API_KEY" | "PARTNER_CLIENT_IN_BROWSER";

/** A credential used outside its scope, or the partner client in a browser: refused before any network call. */
export class ScopeError extends CreditJourneyError {
  readonly _tag = "ScopeError" as const;
  readonly reason: ScopeErrorReason;

  constructor(reason: ScopeErrorReason, message: string) {
    super(message);
    this.name = "ScopeError";
    this.reason = reason;
  }

  /** The error as plain data. */
  toJSON(): { _tag: "ScopeError"; reason: ScopeErrorReason; message: string } {
    return { _tag: this._tag, reason: this.reason, message: this.message };
  }
}

/** A client option that is missing or malformed; `field` names it. */
export class ClientConfigError extends CreditJourneyError {
  readonly _tag = "ClientConfigError" as const;
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "ClientConfigError";
    this.field = field;
  }
}

/** True for an {@link ApiError}, also one that crossed a boundary as plain data (`toJSON()` output). */
export function isApiError(value: unknown): value is ApiErrorData {
  return typeof value === "object" && value !== null && (value as { _tag?: unknown })._tag === "ApiError";
}

/** True for a {@link ScopeError}, also as plain data. */
export function isScopeError(value: unknown): value is ScopeError {
  return typeof value === "object" && value !== null && (value as { _tag?: unknown })._tag === "ScopeError";
}

/** Builds an {@link ApiError} the client names itself (no error body); its `kind` follows `failureKind`. */
export function clientError(
  code: ApiErrorCode,
  message: string,
  facts: {
    endpoint?: string;
    correlationID?: string;
    requestID?: string | undefined;
    status?: number;
    errors?: readonly FieldError[];
  },
  cause?: unknown,
): ApiError {
  return new ApiError(
    {
      code,
      status: facts.status,
      correlationID: facts.correlationID,
      requestID: facts.requestID,
      errors: facts.errors ?? [],
      retryAfterMs: undefined,
      endpoint: facts.endpoint,
      message,
    },
    cause === undefined ? undefined : { cause },
  );
}
