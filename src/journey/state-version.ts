import type { JourneyState } from "../../machines/journey/journey.connect.js";

/**
 * The version of the reducer state's shape. A state kept beyond one process (a store's row, the runtime's
 * `persist()`) carries it as `version`; {@link migrateState} brings an older one up to date. Raise it, and add a
 * step to `MIGRATIONS`, whenever a change to the machine's context or values would misread an older state.
 */
export const STATE_VERSION = 2;

/** A state as it was kept: the reducer state, stamped with the version that wrote it (none before version 2). */
export type VersionedState = JourneyState & { readonly version?: number };

/** Each step takes a state of version `n` (its index + 1) to `n + 1`. */
const MIGRATIONS: readonly ((state: JourneyState) => JourneyState)[] = [
  // 1 → 2: the cadence key's format changed (JSON → `|`-separated). An empty key re-arms polling at the next
  // event, as the machine does when its cadence inputs change.
  (state) => ({
    ...state,
    context: { ...state.context, polling: { ...state.context.polling, armedFor: "" } },
  }),
];

/** `state` stamped with {@link STATE_VERSION}, to keep beyond this process. Pure. */
export function versioned(state: JourneyState): VersionedState {
  return { ...state, version: STATE_VERSION };
}

/** The version a kept state was written at (1 when it carries none, as before versions were kept). */
function versionOf(state: VersionedState): number {
  return typeof state.version === "number" ? state.version : 1;
}

/**
 * A kept state brought to {@link STATE_VERSION} (the `version` stamp dropped), or `null` when it was written by a
 * newer version than this one, or is not of the reducer's shape (it cannot be read: rebuild it from its snapshot).
 * Pure; never throws.
 */
export function migrateState(state: VersionedState): JourneyState | null {
  const from = versionOf(state);
  if (!Number.isSafeInteger(from) || from < 1 || from > STATE_VERSION) return null;
  const { version: _version, ...plain } = state;
  let current: JourneyState = plain;
  try {
    for (let v = from; v < STATE_VERSION; v++) current = MIGRATIONS[v - 1]!(current);
  } catch {
    return null;
  }
  return current;
}
