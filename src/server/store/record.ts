import * as z from "zod/mini";
import type { JourneyState } from "../../../machines/journey/journey.connect.js";
import { journeyMachine } from "../../../machines/journey/journey.machine.js";
import {
  AsOf,
  type ContractError,
  isEnded,
  JourneySnapshot,
  type JourneyStatus,
  Offer,
  parseSnapshot,
  Step,
  safeParse,
} from "../../contract/index.js";
import { migrateState, STATE_VERSION, type VersionedState } from "../../journey/state-version.js";
import { isCheckedSnapshot, isCheckedState, isReducerMade, takeKitParsed } from "./checked.js";
import { CorruptRecordError, type CorruptRecordIssue, StoreInputError } from "./errors.js";
import type {
  JourneyRecordInput,
  JsonValue,
  LeaseHeld,
  LeaseStaleOptions,
  ListStaleOptions,
  RowKey,
  StoredJourney,
  WebhookDelivery,
} from "./types.js";

/** A validated write: everything a store needs, with the JSON already encoded. */
export interface PreparedRecord {
  readonly journeyID: string;
  readonly asOf: number;
  readonly sequence: number | null;
  readonly complete: boolean;
  readonly status: JourneyStatus;
  readonly ended: boolean;
  readonly snapshot: JourneySnapshot;
  readonly snapshotJson: string;
  /** The state as given (the memory store keeps a private copy of it; see `keepState`). */
  readonly state: JsonValue;
  readonly stateJson: string | null;
  /** Whether the state written is one the kit's journey reducer made (`reducerMade`). */
  readonly fromReducer: boolean;
  /** The row the record was computed from (`JourneyRecordInput.expected`): `undefined` when not given. */
  readonly expected: RowKey | null | undefined;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A lone UTF-16 surrogate: no UTF-8 holds it, so PostgreSQL refuses it (jsonb) or changes it (text). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * In JSON text, what `JSON.stringify` writes for a NUL or a lone surrogate (a backslash-`u0000` written as text
 * also matches: the value is then walked, to be sure).
 */
const UNSTORABLE_ESCAPE = /\\u0000|\\ud[89a-f]/i;

/** Why `text` cannot be stored as it is (a NUL, a lone surrogate), or `undefined`. Never throws. */
function unstorable(text: string): string | undefined {
  if (text.includes("\u0000")) return "may not contain NUL (\\u0000)";
  if (LONE_SURROGATE.test(text)) return "may not contain a lone UTF-16 surrogate (no UTF-8 holds it)";
  return undefined;
}

/**
 * Checks that a value survives JSON and every store alike: finite numbers, plain objects and arrays, and strings
 * without NUL or lone surrogates (which PostgreSQL's jsonb refuses). `undefined` properties are dropped, as
 * JSON.stringify does.
 * @throws {StoreInputError} naming the first offending path.
 */
export function assertJson(value: unknown, path: string): void {
  checkJson(value, [path], []);
}

function notJson(at: readonly (string | number)[], message: string): StoreInputError {
  return new StoreInputError(at.join("."), message);
}

/**
 * {@link assertJson} over one walk: `at` holds the path's segments and `ancestors` the objects open above `value`,
 * each pushed and popped (the path is joined only for an error).
 */
function checkJson(value: unknown, at: (string | number)[], ancestors: object[]): void {
  if (value === null || typeof value === "boolean") return;
  if (typeof value === "string") {
    const why = unstorable(value);
    if (why !== undefined) throw notJson(at, `strings ${why}`);
    return;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw notJson(at, `${value} is not a JSON number`);
    return;
  }
  if (typeof value !== "object") throw notJson(at, `a ${typeof value} is not JSON`);
  if (ancestors.includes(value)) throw notJson(at, "is cyclic");
  ancestors.push(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      at.push(index);
      if (value[index] === undefined) throw notJson(at, "undefined is not JSON");
      checkJson(value[index], at, ancestors);
      at.pop();
    }
  } else {
    if (!isPlainObject(value))
      throw notJson(at, `a ${value.constructor?.name ?? "non-plain"} object is not JSON`);
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const why = unstorable(key);
      if (why !== undefined) throw notJson(at, `keys ${why}`);
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      at.push(key);
      checkJson(item, at, ancestors);
      at.pop();
    }
  }
  ancestors.pop();
}

/**
 * Validates and encodes a record before anything is written.
 * @throws {ContractError} when the snapshot is invalid.
 * @throws {StoreInputError} when the record or its state is not storable.
 */
export function prepareRecord(record: JourneyRecordInput): PreparedRecord {
  if (typeof record !== "object" || record === null) throw new StoreInputError("record", "must be an object");
  // A snapshot the kit built from parsed parts (`kitParsed`) is not parsed again: only its text is looked at, for
  // the NUL and lone surrogates PostgreSQL refuses (a platform string may hold one), as for a reducer state.
  const trusted = takeKitParsed(record.snapshot);
  const snapshot = trusted ? (record.snapshot as JourneySnapshot) : parseSnapshot(record.snapshot);
  if (!trusted) assertJson(snapshot, "snapshot");
  const snapshotJson = JSON.stringify(snapshot);
  if (trusted && UNSTORABLE_ESCAPE.test(snapshotJson)) assertJson(snapshot, "snapshot");
  const rawState = record.state ?? null;
  const fromReducer = isReducerMade(rawState);
  // A state the kit's reducer made is JSON by construction (test/property/kept-state.property.test.ts): only its
  // text is looked at, for the NUL and lone surrogates PostgreSQL refuses; any other state is walked whole.
  if (!fromReducer) assertJson(rawState, "state");
  const stateJson = rawState === null ? null : JSON.stringify(rawState);
  if (fromReducer && stateJson !== null && UNSTORABLE_ESCAPE.test(stateJson)) assertJson(rawState, "state");
  return {
    journeyID: snapshot.journeyID,
    asOf: snapshot.asOf,
    sequence: checkSequence(record.sequence),
    complete: checkComplete(record.complete),
    status: snapshot.status,
    ended: isEnded(snapshot.status),
    snapshot,
    snapshotJson,
    state: rawState as JsonValue,
    stateJson,
    fromReducer,
    expected: checkExpected(record.expected),
  };
}

/**
 * Checks a record's `expected` row key.
 * @throws {StoreInputError} naming `expected` or the field of it that is malformed.
 */
function checkExpected(expected: unknown): RowKey | null | undefined {
  if (expected === undefined || expected === null) return expected;
  if (typeof expected !== "object")
    throw new StoreInputError(
      "expected",
      "must be a row key ({ asOf, sequence, complete }), null or left out",
    );
  const { asOf, sequence, complete } = expected as Record<string, unknown>;
  if (!Number.isSafeInteger(asOf) || (asOf as number) < 0)
    throw new StoreInputError("expected.asOf", "must be a non-negative safe integer");
  if (sequence !== null && (!Number.isSafeInteger(sequence) || (sequence as number) < 0))
    throw new StoreInputError("expected.sequence", "must be null or a non-negative safe integer");
  if (typeof complete !== "boolean") throw new StoreInputError("expected.complete", "must be a boolean");
  return { asOf: asOf as number, sequence: sequence as number | null, complete };
}

/** A stored journey's order key, as a record's `expected` names the row it was computed from. */
export function rowKeyOf(stored: StoredJourney): RowKey {
  return { asOf: stored.asOf, sequence: stored.sequence ?? null, complete: stored.complete };
}

/**
 * Whether writing `next` over `held` (the row as read now: `undefined` when missing or corrupt) would lay a record
 * over a row other than the one it was computed from (`expected`): a readable row whose key is not the expected
 * one, or any readable row where none was expected. The SQL stores' `UPSERT` says the same in its `WHERE`.
 */
export function movedOn(held: RowKey | undefined, next: PreparedRecord): boolean {
  const { expected } = next;
  if (expected === undefined || held === undefined) return false;
  return (
    expected === null ||
    held.asOf !== expected.asOf ||
    held.sequence !== expected.sequence ||
    held.complete !== expected.complete
  );
}

function checkComplete(complete: unknown): boolean {
  if (complete === undefined) return true;
  if (typeof complete !== "boolean") throw new StoreInputError("complete", "must be a boolean");
  return complete;
}

function checkSequence(sequence: unknown): number | null {
  if (sequence === undefined || sequence === null) return null;
  if (!Number.isSafeInteger(sequence) || (sequence as number) < 0)
    throw new StoreInputError("sequence", "must be a non-negative safe integer");
  return sequence as number;
}

/**
 * Whether `next` may overwrite `held`, judged on the reducer's state as well as the order key: never an ended row
 * with an open one (a delivery computed from an older row, racing the end's); a later `asOf` (and
 * no lower webhook `sequence` when both have one), or the same `asOf` completing what was stored incomplete (a held
 * anomaly settled by the whole journey, a thin state read whole), which moves the reducer state on without a newer
 * snapshot. The SQL stores' `UPSERT` says the same in its `WHERE` (src/server/store/sql.ts).
 */
export function supersedes(
  held: {
    readonly asOf: number;
    readonly sequence: number | null;
    readonly complete: boolean;
    readonly status: JourneyStatus;
  },
  next: PreparedRecord,
): boolean {
  // An ended row is never reopened (ends absorb): only an ended record may follow it, to complete it.
  if (isEnded(held.status) && !next.ended) return false;
  const noLower = (strictly: boolean) =>
    held.sequence === null ||
    next.sequence === null ||
    (strictly ? held.sequence < next.sequence : held.sequence <= next.sequence);
  if (held.asOf < next.asOf) return noLower(true);
  return held.asOf === next.asOf && !held.complete && next.complete && noLower(false);
}

/**
 * The records of a delivery, validated and encoded before anything is written.
 * @throws {ContractError} when a snapshot is invalid.
 * @throws {StoreInputError} when there is no record, more than 64, two for one journey, or one is not storable.
 */
export function prepareDelivery(delivery: WebhookDelivery): { id: string; records: PreparedRecord[] } {
  if (typeof delivery !== "object" || delivery === null)
    throw new StoreInputError("delivery", "must be an object");
  const id = checkId(delivery.webhookId, "webhookId");
  const inputs = delivery.records ?? (delivery.record === undefined ? [] : [delivery.record]);
  if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 64)
    throw new StoreInputError("records", "must hold 1 to 64 records");
  const records = inputs.map((record) => prepareRecord(record));
  if (records.length > 1 && new Set(records.map((r) => r.journeyID)).size !== records.length)
    throw new StoreInputError("records", "must name each journey once");
  return { id, records };
}

/**
 * Checks an id argument.
 * @throws {StoreInputError} when it is not a non-empty string of at most 255 characters.
 */
export function checkId(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 255) {
    throw new StoreInputError(field, "must be a non-empty string of at most 255 characters");
  }
  const why = unstorable(value);
  if (why !== undefined) throw new StoreInputError(field, why);
  return value;
}

/**
 * Checks a date argument.
 * @throws {StoreInputError} when it is not a valid `Date`.
 */
export function checkDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new StoreInputError(field, "must be a valid Date");
  }
  return value;
}

/**
 * Checks `listStale` options.
 * @throws {StoreInputError} naming `olderThan` or `limit`.
 */
export function checkListStale(options: ListStaleOptions): ListStaleOptions {
  const olderThan = checkDate(options?.olderThan, "olderThan");
  if (!Number.isSafeInteger(options.limit) || options.limit <= 0) {
    throw new StoreInputError("limit", "must be a positive integer");
  }
  return { olderThan, limit: options.limit };
}

/**
 * Checks `leaseStale` options.
 * @throws {StoreInputError} naming `olderThan`, `limit` or `leaseMs`.
 */
export function checkLeaseStale(options: LeaseStaleOptions): LeaseStaleOptions {
  const listed = checkListStale(options);
  if (!Number.isSafeInteger(options.leaseMs) || options.leaseMs <= 0)
    throw new StoreInputError("leaseMs", "must be a positive integer of milliseconds");
  return { ...listed, leaseMs: options.leaseMs };
}

/**
 * The lease `touch` or `releaseLease` was handed, as epoch ms, or `null` when none was (end whoever's).
 * @throws {StoreInputError} naming `lease` or `lease.leasedUntil`.
 */
export function checkLeaseHeld(lease: LeaseHeld | undefined): number | null {
  if (lease === undefined) return null;
  if (typeof lease !== "object" || lease === null)
    throw new StoreInputError("lease", "must be an object ({ leasedUntil }) or left out");
  return checkDate(lease.leasedUntil, "lease.leasedUntil").getTime();
}

/** What a journey row's JSON column holds when it is not JSON at all (text that does not parse). */
export const NOT_JSON: unique symbol = Symbol("NOT_JSON");

/**
 * A JSON column kept as text, decoded; {@link NOT_JSON} when it does not parse (truncated, damaged). Never throws.
 */
export function decodeJsonColumn(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** A journey row as a store reads it back, untrusted: every column but the key may hold anything. */
export interface JourneyRow {
  /** The key the row was found under. */
  readonly journeyID: string;
  readonly asOf: unknown;
  readonly sequence: unknown;
  readonly complete: unknown;
  readonly status: unknown;
  /** The `ended` column, when the store has one (checked against the status). */
  readonly ended?: unknown;
  /** The snapshot, decoded ({@link NOT_JSON} when its text does not parse). */
  readonly snapshot: unknown;
  /** The reducer state, decoded ({@link NOT_JSON} when its text does not parse). */
  readonly state: unknown;
  readonly updatedAt: unknown;
}

/** What a read makes of a row: the journey (without what is corrupt), and what was corrupt, if anything. */
export type RowReading =
  | { readonly journey: StoredJourney; readonly corruption?: CorruptRecordError }
  | { readonly journey: undefined; readonly corruption: CorruptRecordError };

// The reducer state as the store's readers rely on it (`JourneyState`, machines/journey): its shape, checked
// loosely where nothing downstream reads it. Only validated: the state handed out is the one stored, unstripped.
const Mutation = z.nullable(z.looseObject({ kind: z.string(), idempotencyKey: z.string() }));
const HeldState = z.object({
  value: z.object({
    lifecycle: z.union([z.string(), z.object({ ended: z.string() })]),
    mutation: z.string(),
    sync: z.string(),
  }),
  context: z.looseObject({
    journeyID: z.string(),
    snapshot: z.nullable(JourneySnapshot),
    asOf: AsOf,
    offers: z.nullable(z.array(Offer)),
    steps: z.nullable(z.array(Step)),
    claimedOfferID: z.nullable(z.string()),
    pendingMutation: Mutation,
    retryableMutation: Mutation,
    issuedKeys: z.array(z.string()),
    held: z.nullable(z.object({ snapshot: JourneySnapshot, source: z.string() })),
    refetch: z.nullable(z.string()),
    anomalies: z.array(z.looseObject({})),
    error: z.nullable(z.looseObject({ origin: z.string(), code: z.string() })),
    online: z.boolean(),
    sessionValid: z.boolean(),
    polling: z.looseObject({
      inMs: z.nullable(z.number()),
      armed: z.number(),
      armedFor: z.string(),
      hidden: z.boolean(),
      failures: z.number(),
      retryAfterMs: z.nullable(z.number()),
      lastPushAt: z.nullable(z.number()),
      awaitingReaction: z.boolean(),
    }),
    now: z.number(),
  }),
});

function issuesOf(error: ContractError, prefix: string): CorruptRecordIssue[] {
  return error.issues.map((i) => ({ field: i.path ? `${prefix}.${i.path}` : prefix, message: i.message }));
}

/** A column read as a non-negative safe integer (`pg` gives a bigint as text), or `undefined`. */
function integerColumn(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Whether a column reads as a time ({@link dateColumn} gives one), without making the `Date`. */
function isTime(value: unknown): boolean {
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  return typeof value === "string" && !Number.isNaN(new Date(value).getTime());
}

function dateColumn(value: unknown): Date | undefined {
  const date = value instanceof Date || typeof value === "string" ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** What is wrong with the columns and the snapshot, which make the row: the parsed snapshot when nothing is. */
function rowIssues(row: JourneyRow): { issues: CorruptRecordIssue[]; snapshot?: JourneySnapshot } {
  const issues: CorruptRecordIssue[] = [];
  const asOf = integerColumn(row.asOf);
  if (asOf === undefined) issues.push({ field: "asOf", message: "is not a non-negative safe integer" });
  if (row.sequence !== null && integerColumn(row.sequence) === undefined)
    issues.push({ field: "sequence", message: "is neither null nor a non-negative safe integer" });
  if (typeof row.complete !== "boolean") issues.push({ field: "complete", message: "is not a boolean" });
  if (!isTime(row.updatedAt)) issues.push({ field: "updatedAt", message: "is not a time" });
  if (row.snapshot === NOT_JSON)
    return { issues: [...issues, { field: "snapshot", message: "is not JSON" }] };
  // A store's frozen copy of a snapshot it parsed when writing it needs no second parse (./checked.ts).
  const parsed = isCheckedSnapshot(row.snapshot)
    ? { ok: true as const, value: row.snapshot as JourneySnapshot }
    : safeParse(JourneySnapshot, row.snapshot, "JourneySnapshot");
  if (!parsed.ok) return { issues: [...issues, ...issuesOf(parsed.error, "snapshot")] };
  const snapshot = parsed.value;
  if (snapshot.journeyID !== row.journeyID)
    issues.push({ field: "snapshot.journeyID", message: "names another journey than the row's key" });
  if (asOf !== undefined && snapshot.asOf !== asOf)
    issues.push({ field: "snapshot.asOf", message: "disagrees with the row's asOf" });
  if (row.status !== snapshot.status)
    issues.push({ field: "status", message: "disagrees with the snapshot's status" });
  if (row.ended !== undefined && row.ended !== isEnded(snapshot.status))
    issues.push({ field: "ended", message: "disagrees with the snapshot's status" });
  return issues.length === 0 ? { issues, snapshot } : { issues };
}

// The machine has a few hundred state values; each is resolved once.
const MACHINE_VALUES = new Map<string, boolean>();

/** Whether the machine resumes `value` as it is (a state it has, fully named). */
function isMachineValue(value: JourneyState["value"], context: JourneyState["context"]): boolean {
  const key = JSON.stringify(value);
  let known = MACHINE_VALUES.get(key);
  if (known === undefined) {
    try {
      known = JSON.stringify(journeyMachine.resolveState({ value: value as never, context }).value) === key;
    } catch {
      known = false;
    }
    if (MACHINE_VALUES.size < 4096) MACHINE_VALUES.set(key, known);
  }
  return known;
}

/** What is wrong with a stored reducer state, against the row it is stored in. */
function stateIssues(key: string, asOf: number, state: unknown): CorruptRecordIssue[] {
  // A store's frozen copy of a state the journey reducer made has its shape and a state of the machine: only
  // what relates it to this row is checked (./checked.ts).
  const reducerMade = isCheckedState(state);
  if (!reducerMade) {
    const parsed = safeParse(HeldState, state, "JourneyState");
    if (!parsed.ok) return issuesOf(parsed.error, "state");
  }
  // A checked state of this version migrates to itself: only another version is tried.
  const current = reducerMade && (state as VersionedState).version === STATE_VERSION;
  if (!current && migrateState(state as VersionedState) === null)
    return [{ field: "state.version", message: `is not a version this SDK reads (1 to ${STATE_VERSION})` }];
  const { context, value } = state as JourneyState;
  const issues: CorruptRecordIssue[] = [];
  const ofThisJourney = (snapshot: JourneySnapshot, field: string) => {
    if (snapshot.journeyID !== key)
      issues.push({ field: `${field}.journeyID`, message: "names another journey than the row's key" });
    if (snapshot.asOf > asOf) issues.push({ field: `${field}.asOf`, message: "is after the row's asOf" });
  };
  if (context.journeyID !== key)
    issues.push({ field: "state.context.journeyID", message: "names another journey than the row's key" });
  if (context.asOf > asOf) issues.push({ field: "state.context.asOf", message: "is after the row's asOf" });
  if (context.snapshot) ofThisJourney(context.snapshot, "state.context.snapshot");
  if (context.held) ofThisJourney(context.held.snapshot, "state.context.held.snapshot");
  const lifecycle = typeof value.lifecycle === "string" ? value.lifecycle : value.lifecycle.ended;
  if (lifecycle !== (context.snapshot?.status ?? "loading"))
    issues.push({ field: "state.value.lifecycle", message: "disagrees with state.context.snapshot" });
  else if (!reducerMade && !isMachineValue(value, context))
    issues.push({ field: "state.value", message: "is not a state of the journey machine" });
  return issues;
}

/**
 * Reads a stored row, trusting nothing in it: the columns and the snapshot must agree (a snapshot of the row's
 * journey, at the row's `asOf` and status), and the state must be JSON. With `reducerState` (the state is read
 * as the journey reducer's, as the webhook handler and the reconciler do: to a store it is opaque), the state
 * must also be a reducer state of this journey, no later than the row, in a state the machine has. A row whose
 * columns or snapshot fail is read as absent (`journey: undefined`); a row whose state fails is read with
 * `state: null` (the reducer rebuilds it from the snapshot). Either way `corruption` says what failed. Pure;
 * never throws.
 */
export function readJourneyRow(row: JourneyRow, check: { readonly reducerState?: boolean } = {}): RowReading {
  const { issues, snapshot } = rowIssues(row);
  if (snapshot === undefined)
    return { journey: undefined, corruption: new CorruptRecordError(row.journeyID, "record", issues) };
  const asOf = snapshot.asOf;
  const state = row.state ?? null;
  const bad =
    state === NOT_JSON
      ? [{ field: "state", message: "is not JSON" }]
      : state === null || !check.reducerState
        ? []
        : stateIssues(row.journeyID, asOf, state);
  const journey: StoredJourney = {
    journeyID: row.journeyID,
    asOf,
    sequence: row.sequence === null ? null : (integerColumn(row.sequence) as number),
    complete: row.complete as boolean,
    status: snapshot.status,
    snapshot,
    state: bad.length === 0 ? (state as JsonValue) : null,
    updatedAt: dateColumn(row.updatedAt) as Date,
  };
  return bad.length === 0
    ? { journey }
    : { journey, corruption: new CorruptRecordError(row.journeyID, "state", bad) };
}

/**
 * Checks a journey some store returned (any `JourneyStore`, also one of the caller's own) as {@link readJourneyRow}
 * checks a row, its state as the journey reducer's: the journey without what is corrupt, or `undefined`, and
 * what was. Never throws.
 */
export function checkStoredJourney(
  journeyID: string,
  stored: StoredJourney | undefined,
): RowReading | undefined {
  if (stored === undefined) return undefined;
  if (typeof stored !== "object" || stored === null)
    return {
      journey: undefined,
      corruption: new CorruptRecordError(journeyID, "record", [
        { field: "record", message: "is not an object" },
      ]),
    };
  return readJourneyRow(
    {
      journeyID,
      asOf: stored.asOf,
      sequence: stored.sequence ?? null,
      complete: stored.complete,
      status: stored.status,
      snapshot: stored.snapshot,
      state: stored.state,
      updatedAt: stored.updatedAt,
    },
    { reducerState: true },
  );
}

/** Tells `report` about a reading's corruption, if any, and returns the journey; `report`'s failure is ignored. */
export function reportReading(
  reading: RowReading | undefined,
  report: (error: CorruptRecordError) => void,
): StoredJourney | undefined {
  if (reading?.corruption) {
    try {
      report(reading.corruption);
    } catch {
      // An observer's failure must not fail the read.
    }
  }
  return reading?.journey;
}
