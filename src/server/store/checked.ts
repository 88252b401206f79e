// What a read need not check again: values a store validated when it wrote them and has kept since, frozen
// (copies of a caller's values; the kit's own, frozen where they are), so nothing can change them. A check that
// finds one skips what was proven at the write. And what a write need not check again: what the kit itself made.

/** States the kit's own journey reducer made, marked as the kit hands them to a store's write. */
const REDUCER_MADE = new WeakSet<object>();
/** Snapshots the kit built from parsed parts only (a verified delivery, a checked row, a reducer state). */
const KIT_PARSED = new WeakSet<object>();
/** Frozen private snapshots a store parsed when writing them. */
const CHECKED_SNAPSHOTS = new WeakSet<object>();
/** Frozen private copies of states the journey reducer made (see {@link REDUCER_MADE}). */
const CHECKED_STATES = new WeakSet<object>();

/** Marks `state` as one the kit's journey reducer made, just before the kit writes it; returns it. */
export function reducerMade<T extends object>(state: T): T {
  REDUCER_MADE.add(state);
  return state;
}

/** Whether `state` is one the kit marked with {@link reducerMade}. */
export function isReducerMade(state: unknown): boolean {
  return typeof state === "object" && state !== null && REDUCER_MADE.has(state);
}

/**
 * Marks `snapshot` as one the kit built from parsed parts only, just before the kit writes it (the webhook
 * handler's records); returns it. A store's write then does not parse it again.
 */
export function kitParsed<T extends object>(snapshot: T): T {
  KIT_PARSED.add(snapshot);
  return snapshot;
}

/**
 * Whether `snapshot` is one the kit marked with {@link kitParsed}; the mark is used up, so the object (handed on
 * to `onSnapshot`, perhaps changed there) is never trusted again.
 */
export function takeKitParsed(snapshot: unknown): boolean {
  return typeof snapshot === "object" && snapshot !== null && KIT_PARSED.delete(snapshot);
}

/** Freezes `value` and everything in it; returns it. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

/** Freezes a store's private copy of a snapshot it parsed, and remembers it as checked; returns it. */
export function keepCheckedSnapshot<T extends object>(snapshot: T): T {
  CHECKED_SNAPSHOTS.add(deepFreeze(snapshot));
  return snapshot;
}

/**
 * Freezes a store's private copy of a state; when the state written was {@link reducerMade}, remembers the copy
 * as a reducer state. Returns it.
 */
export function keepState<T>(state: T, fromReducer: boolean): T {
  if (typeof state !== "object" || state === null) return state;
  deepFreeze(state);
  if (fromReducer) CHECKED_STATES.add(state);
  return state;
}

/** Whether `snapshot` is a store's frozen private copy of a snapshot it parsed. */
export function isCheckedSnapshot(snapshot: unknown): boolean {
  return typeof snapshot === "object" && snapshot !== null && CHECKED_SNAPSHOTS.has(snapshot);
}

/** Whether `state` is a store's frozen private copy of a state the journey reducer made. */
export function isCheckedState(state: unknown): boolean {
  return typeof state === "object" && state !== null && CHECKED_STATES.has(state);
}
