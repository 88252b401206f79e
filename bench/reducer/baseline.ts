/**
 * The same-run baseline of benchmark 1: a hand-written switch reducer with the SDK reducer's status and asOf
 * semantics, and none of its machinery (no statechart, no schema library). What a careful team would write by
 * hand: it checks the fields it relies on, refuses stale asOfs and duplicates (same asOf, same state), keeps ends
 * absorbing, holds a tie or an unexpected edge for a re-fetch, asks for the offers on OFFERS_AVAILABLE, and
 * re-arms polling by state class.
 * It does NOT do the rest of what `journey.reduce` does (mutations, offer lock, anomalies log, signals, backoff).
 */
import { JOURNEY_STATUSES } from "../../src/contract/lifecycle.js";

// The status list is the contract's (data, not machinery): the baseline shares the order, not the reducer.
const STATUSES = JOURNEY_STATUSES;
type Status = (typeof STATUSES)[number];
const ORDER: ReadonlyMap<string, number> = new Map(STATUSES.map((s, i) => [s, i]));

interface Snapshot {
  readonly journeyID: string;
  readonly asOf: number;
  readonly status: Status;
  readonly [field: string]: unknown;
}

/** The baseline's state: plain JSON, like the SDK's. */
export interface BaselineState {
  readonly journeyID: string;
  readonly snapshot: Snapshot | null;
  readonly offers: readonly unknown[] | null;
  readonly steps: readonly unknown[] | null;
  readonly refetch: "offers" | "anomaly" | null;
  readonly held: Snapshot | null;
  readonly pollMs: number | null;
  readonly now: number;
}

/** The baseline's events: the two the benchmark feeds. */
export type BaselineEvent =
  | {
      readonly type: "snapshot.received";
      readonly snapshot: unknown;
      readonly source: string;
      readonly at: number;
    }
  | { readonly type: "journey.loaded"; readonly journey: unknown; readonly at: number };

/** The baseline's commands, as plain data. */
export type BaselineCommand =
  | { readonly type: "startPolling"; readonly journeyID: string; readonly inMs: number }
  | { readonly type: "stopPolling"; readonly journeyID: string }
  | { readonly type: "fetchJourney"; readonly journeyID: string; readonly reason: "offers" | "anomaly" };

/** What the baseline returns, shaped like `journey.reduce`'s result. */
export interface BaselineResult {
  readonly state: BaselineState;
  readonly commands: readonly BaselineCommand[];
  readonly rejected?: string;
}

/** The baseline's first state, from a trusted snapshot. */
export function baselineInitial(journeyID: string, snapshot: Snapshot | null, at: number): BaselineState {
  return {
    journeyID,
    snapshot,
    offers: null,
    steps: null,
    refetch: null,
    held: null,
    pollMs: snapshot ? cadence(snapshot.status, journeyID) : 0,
    now: at,
  };
}

function isEnded(status: Status): boolean {
  return status === "REJECTED" || status === "EXPIRED" || status === "CLOSED";
}

function isExpectedEdge(from: Status, to: Status): boolean {
  if (from === to) return true;
  if (isEnded(from)) return false;
  if (isEnded(to)) return to === "CLOSED" || from !== "DISBURSED";
  return ORDER.get(to)! > ORDER.get(from)!;
}

function jitter(journeyID: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < journeyID.length; i++)
    hash = Math.imul(hash ^ journeyID.charCodeAt(i), 0x01000193) >>> 0;
  return hash / 0x1_0000_0000;
}

/** The seed's bands: active 2–5 s, passive 10–20 s, none when ended. */
function cadence(status: Status, journeyID: string): number | null {
  switch (status) {
    case "REJECTED":
    case "EXPIRED":
    case "CLOSED":
      return null;
    case "PROFILE_REQUIRED":
    case "OFFERS_PENDING":
    case "OFFERS_AVAILABLE":
    case "LENDER_PROCESSING":
    case "DISBURSED":
      return 10_000 + Math.floor(jitter(journeyID) * 10_000);
    default:
      return 2_000 + Math.floor(jitter(journeyID) * 3_000);
  }
}

function isIsoTime(value: unknown): boolean {
  return (
    typeof value === "string" && value.length >= 20 && value.endsWith("Z") && !Number.isNaN(Date.parse(value))
  );
}

/** Hand-written checks of every field the reducer relies on (not a full schema: nested resources are not walked). */
function asSnapshot(value: unknown): Snapshot | string {
  if (typeof value !== "object" || value === null) return "snapshot must be an object";
  const s = value as Record<string, unknown>;
  if (typeof s.journeyID !== "string" || s.journeyID.length === 0 || s.journeyID.length > 128)
    return "journeyID";
  if (typeof s.asOf !== "number" || !Number.isInteger(s.asOf) || s.asOf < 0) return "asOf";
  if (typeof s.status !== "string" || !ORDER.has(s.status)) return "status";
  if (s.nextAction !== null && (typeof s.nextAction !== "string" || s.nextAction.length > 64))
    return "nextAction";
  if (s.diagnostics !== undefined && (typeof s.diagnostics !== "object" || s.diagnostics === null))
    return "diagnostics";
  if (s.updatedAt !== undefined && !isIsoTime(s.updatedAt)) return "updatedAt";
  if (s.expiresAt !== undefined && !isIsoTime(s.expiresAt)) return "expiresAt";
  return s as Snapshot;
}

/** Deep equality of two JSON values, the top-level `asOf` left out. */
function sameState(a: unknown, b: unknown, top = true): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameState(item, b[i], false));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((k) => !(top && k === "asOf") && left[k] !== undefined);
  const other = Object.keys(right).filter((k) => !(top && k === "asOf") && right[k] !== undefined);
  return keys.length === other.length && keys.every((k) => sameState(left[k], right[k], false));
}

function rearm(before: BaselineState, after: BaselineState, commands: BaselineCommand[]): void {
  if (after.pollMs === before.pollMs) return;
  if (after.pollMs === null) commands.push({ type: "stopPolling", journeyID: after.journeyID });
  else commands.push({ type: "startPolling", journeyID: after.journeyID, inMs: after.pollMs });
}

/** Applies one event; never throws. */
export function baselineReduce(state: BaselineState, event: BaselineEvent): BaselineResult {
  if (typeof event !== "object" || event === null || typeof event.at !== "number") {
    return { state, commands: [], rejected: "INVALID_EVENT" };
  }
  switch (event.type) {
    case "snapshot.received": {
      const raw = event.snapshot as { asOf?: unknown } | null;
      const held = state.snapshot?.asOf ?? 0;
      if (typeof raw?.asOf === "number" && raw.asOf < held) return { state, commands: [], rejected: "STALE" };
      // An equal key is a duplicate when it says the same; another state at the same time is a tie (re-fetch).
      const tied = typeof raw?.asOf === "number" && raw.asOf === held && state.snapshot !== null;
      if (tied && sameState(raw, state.snapshot)) return { state, commands: [], rejected: "DUPLICATE" };
      const snapshot = asSnapshot(raw);
      if (typeof snapshot === "string") return { state, commands: [], rejected: "INVALID_SNAPSHOT" };
      if (snapshot.journeyID !== state.journeyID) return { state, commands: [], rejected: "WRONG_JOURNEY" };
      if (state.snapshot && isEnded(state.snapshot.status))
        return { state, commands: [], rejected: "JOURNEY_ENDED" };
      const commands: BaselineCommand[] = [];
      if (state.snapshot && (tied || !isExpectedEdge(state.snapshot.status, snapshot.status))) {
        if (state.refetch === null)
          commands.push({ type: "fetchJourney", journeyID: state.journeyID, reason: "anomaly" });
        return { state: { ...state, held: snapshot, refetch: "anomaly", now: event.at }, commands };
      }
      let refetch = state.refetch;
      if (snapshot.status === "OFFERS_AVAILABLE" && state.offers === null && refetch === null) {
        refetch = "offers";
        commands.push({ type: "fetchJourney", journeyID: state.journeyID, reason: "offers" });
      }
      const next: BaselineState = {
        ...state,
        snapshot,
        refetch,
        pollMs: cadence(snapshot.status, state.journeyID),
        now: event.at,
      };
      rearm(state, next, commands);
      return { state: next, commands };
    }
    case "journey.loaded": {
      const journey = event.journey as { offers?: unknown; steps?: unknown } | null;
      const snapshot = asSnapshot(journey);
      if (typeof snapshot === "string" || !Array.isArray(journey?.offers) || !Array.isArray(journey?.steps)) {
        return { state, commands: [], rejected: "INVALID_JOURNEY" };
      }
      if (snapshot.journeyID !== state.journeyID) return { state, commands: [], rejected: "WRONG_JOURNEY" };
      const newer = snapshot.asOf > (state.snapshot?.asOf ?? 0);
      const ended = state.snapshot !== null && isEnded(state.snapshot.status);
      const {
        offers,
        steps,
        createdAt: _c,
        borrower: _b,
        profileStatus: _p,
        ...only
      } = journey as Record<string, unknown>;
      const next: BaselineState = {
        ...state,
        snapshot: newer && !ended ? (only as Snapshot) : state.snapshot,
        offers: ended ? state.offers : (offers as unknown[]),
        steps: ended ? state.steps : (steps as unknown[]),
        refetch: null,
        held: null,
        now: event.at,
      };
      const commands: BaselineCommand[] = [];
      rearm(state, next, commands);
      return { state: next, commands };
    }
    default:
      return { state, commands: [], rejected: "INVALID_EVENT" };
  }
}
