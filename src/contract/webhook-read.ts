import { JOURNEY_STATUSES } from "./lifecycle.js";
import { isCalendarDay, MAX_OPAQUE_ID_LENGTH, TIMESTAMP_PATTERN } from "./primitives.js";
import type { WebhookBody, WebhookJourney } from "./webhook.js";

// A delivery read by hand, field by field, with the checks `WebhookBody` makes: the schema costs ~6 µs a
// delivery, this well under one. It reads only the usual shape (plain objects, no field set to `undefined`) and
// answers `undefined` for anything else, valid or not, which the schema then reads (and words the errors of).
// Proven to give what the schema gives by test/property/webhook-read.property.test.ts.

const STATUSES: ReadonlySet<string> = new Set(JOURNEY_STATUSES);

/** Not read here: the schema decides. */
const UNREAD = Symbol("unread");
type Read<T> = T | typeof UNREAD;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function text(value: unknown, min: number, max: number): Read<string> {
  return typeof value === "string" && value.length >= min && value.length <= max ? value : UNREAD;
}

function timestamp(value: unknown): Read<string> {
  return typeof value === "string" && TIMESTAMP_PATTERN.test(value) && isCalendarDay(value) ? value : UNREAD;
}

/** Copies the optional fields of `from` that `read` accepts into `to`; false when one is present and refused. */
function optional(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  fields: readonly (readonly [string, (value: unknown) => unknown])[],
): boolean {
  for (const [key, read] of fields) {
    if (!Object.hasOwn(from, key)) continue;
    const value = read(from[key]);
    if (value === UNREAD) return false;
    to[key] = value;
  }
  return true;
}

const ISSUER_FIELDS = [
  ["source", (v: unknown) => text(v, 0, 64)],
  ["trigger", (v: unknown) => text(v, 0, 128)],
] as const;

function issuer(value: unknown): Read<Record<string, unknown>> {
  if (!isPlainObject(value)) return UNREAD;
  const out: Record<string, unknown> = {};
  return optional(value, out, ISSUER_FIELDS) ? out : UNREAD;
}

function journey(value: unknown): Read<WebhookJourney> {
  if (!isPlainObject(value)) return UNREAD;
  const { journeyID, status } = value;
  if (text(journeyID, 1, MAX_OPAQUE_ID_LENGTH) === UNREAD) return UNREAD;
  if (typeof status !== "string" || !STATUSES.has(status)) return UNREAD;
  const out: Record<string, unknown> = { journeyID, status };
  if (Object.hasOwn(value, "nextAction")) {
    const next = value.nextAction;
    if (next !== null && text(next, 0, 64) === UNREAD) return UNREAD;
    out.nextAction = next;
  }
  return out as WebhookJourney;
}

function journeys(value: unknown): Read<WebhookJourney[]> {
  if (!Array.isArray(value) || value.length > 64) return UNREAD;
  const out: WebhookJourney[] = [];
  for (const item of value) {
    const read = journey(item);
    if (read === UNREAD) return UNREAD;
    out.push(read);
  }
  return out;
}

const BORROWER_FIELDS = [
  ["borrowerExternalID", (v: unknown) => text(v, 0, 256)],
  ["journeys", journeys],
  ["journey", journey],
] as const;

function borrower(value: unknown): Read<WebhookBody["borrower"]> {
  if (!isPlainObject(value)) return UNREAD;
  const out: Record<string, unknown> = {};
  return optional(value, out, BORROWER_FIELDS) ? out : UNREAD;
}

const BODY_FIELDS = [
  ["schema_version", (v: unknown) => text(v, 0, 32)],
  ["event_at", timestamp],
  ["snapshot_generated_at", timestamp],
  ["sequence", (v: unknown) => (Number.isSafeInteger(v) && (v as number) >= 0 ? v : UNREAD)],
  ["issuer", issuer],
  ["tenant_id", (v: unknown) => text(v, 0, 64)],
  ["application_id", (v: unknown) => text(v, 0, 64)],
] as const;

/**
 * A decoded delivery as `WebhookBody` reads it (unknown fields stripped), or `undefined` when it is not of the
 * usual shape or a field fails its check: then parse it with the schema, for the value or the errors. Never
 * throws for JSON input.
 */
export function readWebhookBody(input: unknown): WebhookBody | undefined {
  if (!isPlainObject(input)) return undefined;
  for (const key in input) if (input[key] === undefined) return undefined;
  const eventType = text(input.event_type, 1, 64);
  const eventID = text(input.event_id, 1, MAX_OPAQUE_ID_LENGTH);
  const who = borrower(input.borrower);
  if (eventType === UNREAD || eventID === UNREAD || who === UNREAD) return undefined;
  const out: Record<string, unknown> = { event_type: eventType, event_id: eventID };
  if (!optional(input, out, BODY_FIELDS)) return undefined;
  out.borrower = who;
  return out as WebhookBody;
}
