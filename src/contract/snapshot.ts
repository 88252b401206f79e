import * as z from "zod/mini";
import { JourneyStatus } from "./lifecycle.js";
import { isCalendarDay, JourneyId, OfferId, StepId, TIMESTAMP_PATTERN, Timestamp } from "./primitives.js";
import { Resource } from "./resource.js";
import { sameJson } from "./same-json.js";

/**
 * The `nextAction` values known to the SDK. Documented: `VIEW_OFFERS` [L6]. Modelled (the platform's docs are
 * silent; the sandbox sends them): the rest. The set is open: any other string passes as it is.
 */
export const NEXT_ACTIONS = {
  VIEW_OFFERS: "documented [L6]: offers wait for the borrower's choice",
  SUBMIT_PROFILE: "modelled: the profile is required",
  COMPLETE_STEP: "modelled: the current step needs the borrower (see actionRequired)",
  RESUME: "modelled: a step's resource expired; resume the journey for a new one",
  WAIT: "modelled: nothing to do but wait for the platform",
} as const;

/** A `nextAction` the SDK knows, or any other string the platform sends. */
export type KnownNextAction = keyof typeof NEXT_ACTIONS;

/**
 * What the borrower should do next: a string or `null` [L3] [L4], with `actionRequired` the source of truth for
 * the next screen [S]. An open set (see {@link NEXT_ACTIONS}).
 */
export const NextAction = z.nullable(z.string().check(z.maxLength(64)));
/** What the borrower should do next, or `null`. */
export type NextAction = KnownNextAction | (string & {}) | null;

/** How the borrower acts on the current step. */
export const ActionKind = z.enum(["REDIRECT", "FORM", "DOCUMENT", "WAIT"]);
/** How the borrower acts on the current step. */
export type ActionKind = z.infer<typeof ActionKind>;

/** Present when the borrower must act on a step: which step, how, and with what resource. */
export const ActionRequired = z.object({
  stepID: StepId,
  kind: ActionKind,
  resource: z.optional(Resource),
});
/** Present when the borrower must act on a step. */
export type ActionRequired = z.infer<typeof ActionRequired>;

/** Why the journey is where it is; never personal data. A render input [L2] [S]; its shape is modelled. */
export const Diagnostics = z.object({
  reasonCode: z.optional(z.string()),
  message: z.optional(z.string()),
  retryable: z.optional(z.boolean()),
  at: z.optional(Timestamp),
});
/** Why the journey is where it is; never personal data. */
export type Diagnostics = z.infer<typeof Diagnostics>;

/**
 * Something the platform is still doing for the journey. Named in the state [L7]; its shape is modelled (a
 * kind and a status as open strings), so an unknown form is kept as far as it fits and never fails a parse.
 */
export const PendingOperation = z.object({
  type: z.optional(z.string().check(z.maxLength(64))),
  status: z.optional(z.string().check(z.maxLength(64))),
});
/** Something the platform is still doing for the journey (modelled). */
export type PendingOperation = z.infer<typeof PendingOperation>;

/** The state's `pendingOperations`: at most 32 (modelled). */
const PendingOperations = z.array(PendingOperation).check(z.maxLength(32));

/**
 * The state's fields the docs name but never shape [L2] [L7]: one an answer sends in another form than the model's
 * is left out before the state is parsed, so a wrong guess never fails the documented rest (status, nextAction).
 */
const MODELLED_FIELDS: Readonly<Record<string, z.ZodMiniType>> = {
  diagnostics: Diagnostics,
  pendingOperations: PendingOperations,
};

/** The state's fields after `journeyID` and `nextAction`, shared by the wire shape (`JourneyStateData`) and the SDK's snapshot. */
export const STATE_FIELDS = {
  status: JourneyStatus,
  actionRequired: z.optional(ActionRequired),
  resource: z.optional(Resource),
  diagnostics: z.optional(Diagnostics),
  pendingOperations: z.optional(PendingOperations),
  lockedOfferID: z.optional(OfferId),
  offerCount: z.optional(z.int().check(z.minimum(0))),
  updatedAt: z.optional(Timestamp),
  expiresAt: z.optional(Timestamp),
};

/**
 * The SDK's order key: the platform's own time of a state, in epoch milliseconds (the `timestamp` of the answer
 * that carried it, or the webhook's `snapshot_generated_at`). See docs/architecture.md, "Ordering".
 */
export const AsOf = z.int().check(z.minimum(0));

/**
 * The journey's state as the SDK holds it: the platform's state data, with the journey's id and `nextAction`
 * always present, stamped with `asOf` (the SDK's, not a platform field) by whoever received it.
 */
export const JourneySnapshot = z.object({
  journeyID: JourneyId,
  ...STATE_FIELDS,
  nextAction: NextAction,
  asOf: AsOf,
});
/** The journey's state as the SDK holds it; `asOf` orders it (later is newer). */
export type JourneySnapshot = z.infer<typeof JourneySnapshot>;

/**
 * True when two snapshots carry the same state (they may differ in `asOf`): a deep comparison of every other
 * field, keys in any order, with no parse and no serialising, so a redelivery costs next to nothing. Safe on any
 * JSON (`false` for anything but two objects).
 */
export function isSameState(a: JourneySnapshot, b: JourneySnapshot): boolean {
  return typeof a === "object" && a !== null && sameJson(a, b, "asOf");
}

/** The fields a webhook names of a journey [L6]: a snapshot with only these is thin. */
const THIN_FIELDS: ReadonlySet<string> = new Set(["journeyID", "status", "nextAction", "asOf"]);

/** True when a snapshot carries only what a webhook names (id, status, nextAction): the rest is unknown, not absent. */
export function isThinState(snapshot: JourneySnapshot): boolean {
  return Object.keys(snapshot).every((key) => THIN_FIELDS.has(key));
}

/**
 * A thin state with the held snapshot's details when the status and nextAction did not change (they still
 * describe the current step); any other snapshot exactly as it came.
 */
export function withHeldDetails(
  incoming: JourneySnapshot,
  held: JourneySnapshot | null | undefined,
): JourneySnapshot {
  if (
    !held ||
    !isThinState(incoming) ||
    held.status !== incoming.status ||
    held.nextAction !== incoming.nextAction
  )
    return incoming;
  return { ...held, asOf: incoming.asOf };
}

/**
 * A snapshot from a state's `data` (unparsed JSON) and the time the platform gave it: the journey's id from the
 * path when the data names none, `nextAction` `null` when absent, `asOf` from `at`. A `null` in any other field
 * reads as the field being absent (modelled: the docs do not say how an absent field is sent). Pure; the caller
 * parses the result. Returns `undefined` when `at` is not an ISO-8601 time.
 */
export function stampSnapshot(data: unknown, journeyID: string, at: string | undefined): unknown {
  // Only an ISO-8601 time with its offset: `Date.parse` also reads RFC 2822 dates, bare numbers and local times
  // (an order key that would depend on the host's time zone).
  const iso = at !== undefined && TIMESTAMP_PATTERN.test(at) && isCalendarDay(at);
  const asOf = iso ? Date.parse(at) : Number.NaN;
  if (!Number.isFinite(asOf)) return undefined;
  if (typeof data !== "object" || data === null || Array.isArray(data)) return data;
  return { journeyID, nextAction: null, ...(readableState(data) as object), asOf };
}

/**
 * A state's `data` as the SDK reads it before parsing: its `null` fields left out (but `nextAction`, whose `null`
 * means "nothing to do"), also inside a modelled field (the docs do not say how an absent field is sent, so a
 * `null` reads as absent: modelled), and a modelled field that does not fit its model left out whole
 * ({@link MODELLED_FIELDS}). Anything but an object is returned as it is. Pure; never throws.
 */
export function readableState(data: unknown): unknown {
  if (!isRecord(data)) return data;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === null && key !== "nextAction") continue;
    const model = MODELLED_FIELDS[key];
    const read = model === undefined ? value : nullsLeftOut(value);
    if (model === undefined || model.safeParse(read).success) kept[key] = read;
  }
  return kept;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object's `null` fields left out, and each object's in a list (a modelled field's items). */
function nullsLeftOut(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullsLeftOut);
  return isRecord(value) ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) : value;
}
