import type { FailureInfo } from "../../machines/journey/journey.types.js";
import { CLIENT_ERROR_CODES } from "../client/errors.js";
import { FAILURE_KINDS, type FailureKind, failureKind } from "../contract/index.js";

const CLIENT_CODES: ReadonlySet<string> = new Set(CLIENT_ERROR_CODES);

/** What the runtime reads from a failed client call (an `ApiError`, its `toJSON()`, or anything thrown). */
export interface CallFailure {
  /** The failure as the machine's plain data. */
  readonly problem: FailureInfo;
  /** The server's `Retry-After`, in ms, when it sent one. */
  readonly retryAfterMs?: number;
  /** The session is gone (refresh failed, or the token is refused): surface `session.expired`. */
  readonly sessionLost: boolean;
}

/**
 * Maps a client failure onto the machine's failure codes: the platform's codes (an open set) pass through, the
 * client's own no-answer codes (`NETWORK`, `TIMEOUT`, `ABORTED`) become `NETWORK`, a failed renewal becomes
 * `AUTH_INVALID_SESSION`,
 * a request the client refused to send because its body breaks the contract (`INVALID_REQUEST`) becomes
 * `VALIDATION_FAILED` with its field errors (retrying it could never help), and anything else (`CONTRACT`,
 * `HTTP_ERROR`, a thrown non-error) becomes `INTERNAL`. The failure's kind is read once, from what the client
 * saw (its own `kind`, else its code and status), and carried as `problem.kind`, so renaming a code never
 * changes what it means. Pure; never throws.
 */
export function readFailure(error: unknown): CallFailure {
  const e = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const raw = typeof e.code === "string" ? e.code : "INTERNAL";
  const status = typeof e.status === "number" ? e.status : undefined;
  // The client's own kind when it is one (plain data may carry anything), else read from code and status.
  const told: FailureKind = FAILURE_KINDS.includes(e.kind as FailureKind)
    ? (e.kind as FailureKind)
    : failureKind({ code: raw, status });
  // The runtime's own aborts (it stopped) are never read: its callers check their signal first. Any other abort
  // is a call that got no answer, sent again by the borrower like one: were it reported as nothing, the
  // mutation would stay pending for ever and polling would stop.
  const kind: FailureKind = told === "aborted" ? "transient" : told;
  const code: FailureInfo["code"] = !CLIENT_CODES.has(raw)
    ? raw
    : raw === "NETWORK" || raw === "TIMEOUT" || raw === "ABORTED"
      ? "NETWORK"
      : raw === "INVALID_REQUEST"
        ? "VALIDATION_FAILED"
        : kind === "session"
          ? "AUTH_INVALID_SESSION"
          : "INTERNAL";
  const detail = typeof e.message === "string" ? e.message : undefined;
  const errors =
    Array.isArray(e.errors) && e.errors.length > 0 ? (e.errors as FailureInfo["errors"]) : undefined;
  const problem: FailureInfo = {
    code,
    ...(status === undefined ? {} : { status }),
    kind,
    ...(detail === undefined ? {} : { detail }),
    ...(errors === undefined ? {} : { errors }),
  };
  return {
    problem,
    ...(typeof e.retryAfterMs === "number" ? { retryAfterMs: e.retryAfterMs } : {}),
    sessionLost: kind === "session",
  };
}
