import { DOCUMENTED_ERROR_CODES, MODELLED_ERROR_CODES } from "./error-codes.js";

/**
 * The one failure taxonomy every layer reads: the client's transport retries, the statechart's `mutation.retry`
 * and resync, the view's `error.kind`, the runtime's polling backoff. A failure is classified from its code and,
 * when an answer arrived, its HTTP status; the status decides first, so an unknown code on a known status (an
 * open set [L7]) lands where the status says. Pure; never throws. The table is in docs/architecture.md, "Failures".
 */
export type FailureKind =
  /** The same request may pass later: no answer, a timeout, 408, 429, 5xx, `409 IDEMPOTENCY_IN_PROGRESS`. */
  | "transient"
  /** The borrower session is gone (401 on a borrower API, or its renewal failed): re-authenticate, then retry. */
  | "session"
  /** 404: a wrong id, or a journey that is not this borrower's. It will not pass by itself. */
  | "notFound"
  /** 409 or 410: the journey moved on (an offer locked or expired, another state); re-read it. */
  | "conflict"
  /** 400, 413 or 422: the request is refused as it is (a field, a key reused); change it. */
  | "invalid"
  /** The call was aborted on purpose: report nothing. */
  | "aborted"
  /** Anything else: a wrong API key, a forbidden call, an answer that breaks the contract. */
  | "final";

/** Every {@link FailureKind}, for checking one that crossed a boundary as plain data. */
export const FAILURE_KINDS: readonly FailureKind[] = [
  "transient",
  "session",
  "notFound",
  "conflict",
  "invalid",
  "aborted",
  "final",
];

/** What {@link failureKind} reads: the failure's code and, when an answer arrived, its HTTP status. */
export interface FailureFacts {
  readonly code: string;
  readonly status?: number | undefined;
}

/** Codes that mean the borrower session is gone even before a status is read (the client names the last two). */
const SESSION_CODES: ReadonlySet<string> = new Set([
  "AUTH_INVALID_SESSION",
  "REFRESH_FAILED",
  "SESSION_UNAVAILABLE",
]);

/**
 * The status a code comes with, for a failure without an answer (raised in this process or on the way): the
 * platform's codes with their documented or modelled status, and the client's own no-answer codes.
 */
function statusOfCode(code: string): number | undefined {
  if (code === "NETWORK" || code === "TIMEOUT") return 503;
  if (code === "INVALID_REQUEST") return 400;
  return (
    (DOCUMENTED_ERROR_CODES as Record<string, number>)[code] ??
    (MODELLED_ERROR_CODES as Record<string, number>)[code]
  );
}

function kindOfStatus(code: string, status: number): FailureKind {
  if (status === 408 || status === 429 || status >= 500) return "transient";
  if (status === 409 && code === "IDEMPOTENCY_IN_PROGRESS") return "transient";
  if (status === 401) return code === "AUTH_INVALID_API_KEY" ? "final" : "session";
  if (status === 404) return "notFound";
  if (status === 409 || status === 410) return "conflict";
  if (status === 400 || status === 413 || status === 422) return "invalid";
  return "final";
}

/** The kind of a failure (see {@link FailureKind}). Pure; never throws. */
export function failureKind(failure: FailureFacts): FailureKind {
  const { code, status } = failure;
  if (code === "ABORTED") return "aborted";
  if (SESSION_CODES.has(code)) return "session";
  const answered = typeof status === "number" && status >= 100 ? status : statusOfCode(code);
  return answered === undefined ? "final" : kindOfStatus(code, answered);
}

/** True for a kind the client's transport sends again by itself, with backoff: only `transient`. */
export function isResentByTransport(kind: FailureKind): boolean {
  return kind === "transient";
}

/**
 * True for a kind after which the borrower may retry the same mutation with the same key (`view.can.retry`):
 * `transient`, and `session` once the session is renewed.
 */
export function isRetryableByBorrower(kind: FailureKind): boolean {
  return kind === "transient" || kind === "session";
}
