import { isEnded, type JourneySnapshot, type JourneyStatus, parseSnapshot } from "../../contract/index.js";
import { StoreInputError } from "./errors.js";
import type { JourneyRecordInput, JsonValue, ListStaleOptions, WebhookDelivery } from "./types.js";

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
  readonly state: JsonValue;
  readonly stateJson: string | null;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks that a value survives JSON and every store alike: finite numbers, plain objects and arrays, and strings
 * without NUL (which PostgreSQL's jsonb refuses). `undefined` properties are dropped, as JSON.stringify does.
 * @throws {StoreInputError} naming the first offending path.
 */
export function assertJson(value: unknown, path: string, ancestors: object[] = []): void {
  if (value === null || typeof value === "boolean") return;
  if (typeof value === "string") {
    if (value.includes("\u0000")) throw new StoreInputError(path, "strings may not contain NUL (\\u0000)");
    return;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new StoreInputError(path, `${value} is not a JSON number`);
    return;
  }
  if (typeof value !== "object") throw new StoreInputError(path, `a ${typeof value} is not JSON`);
  if (ancestors.includes(value)) throw new StoreInputError(path, "is cyclic");
  const inside = [...ancestors, value];
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (item === undefined) throw new StoreInputError(`${path}.${index}`, "undefined is not JSON");
      assertJson(item, `${path}.${index}`, inside);
    });
    return;
  }
  if (!isPlainObject(value)) {
    throw new StoreInputError(path, `a ${value.constructor?.name ?? "non-plain"} object is not JSON`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes("\u0000")) throw new StoreInputError(path, "keys may not contain NUL (\\u0000)");
    if (item !== undefined) assertJson(item, `${path}.${key}`, inside);
  }
}

/**
 * Validates and encodes a record before anything is written.
 * @throws {ContractError} when the snapshot is invalid.
 * @throws {StoreInputError} when the record or its state is not storable.
 */
export function prepareRecord(record: JourneyRecordInput): PreparedRecord {
  if (typeof record !== "object" || record === null) throw new StoreInputError("record", "must be an object");
  const snapshot = parseSnapshot(record.snapshot);
  assertJson(snapshot, "snapshot");
  const rawState = record.state ?? null;
  assertJson(rawState, "state");
  const stateJson = rawState === null ? null : JSON.stringify(rawState);
  return {
    journeyID: snapshot.journeyID,
    asOf: snapshot.asOf,
    sequence: checkSequence(record.sequence),
    complete: checkComplete(record.complete),
    status: snapshot.status,
    ended: isEnded(snapshot.status),
    snapshot,
    snapshotJson: JSON.stringify(snapshot),
    state: stateJson === null ? null : (JSON.parse(stateJson) as JsonValue),
    stateJson,
  };
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

/** Whether `next` may overwrite `held`: a later `asOf`, and no lower webhook `sequence` when both have one. */
export function supersedes(
  held: { readonly asOf: number; readonly sequence: number | null },
  next: PreparedRecord,
): boolean {
  if (held.asOf >= next.asOf) return false;
  return held.sequence === null || next.sequence === null || held.sequence < next.sequence;
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
  if (new Set(records.map((r) => r.journeyID)).size !== records.length)
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
  if (value.includes("\u0000")) throw new StoreInputError(field, "may not contain NUL (\\u0000)");
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
