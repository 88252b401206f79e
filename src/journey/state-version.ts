import type { JourneyState } from "../../machines/journey/journey.connect.js";
import { lockedOfferID } from "../../machines/journey/journey.guards.js";
import type { JourneyContext } from "../../machines/journey/journey.types.js";
import { settledPolling } from "./fast-transition.js";

/**
 * The version of the reducer state's shape. A state kept beyond one process (a store's row, the runtime's
 * `persist()`) carries it as `version`; {@link migrateState} brings an older one up to date. Raise it, and add a
 * step to `MIGRATIONS`, whenever a change to the machine's context or values would misread an older state.
 */
export const STATE_VERSION = 3;

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
  // 2 → 3: a kept state leaves out the offers the platform can give again (see `keptOffers`); a version 2 state
  // kept them all, which reads as it is.
  (state) => state,
];

/**
 * The offers a kept state carries: none while the journey is at `OFFERS_AVAILABLE` (they are read again when the
 * state is taken up, as on a first load: `GET /journeys/{id}` gives them), and after that only the locked offer,
 * the one the later screens show. The rest can no longer be taken (offer locking). This is what keeps a row, or
 * what `persist()` returns, within 4 kB at the reducer's caps (bench 5).
 */
function keptOffers(context: JourneyContext): JourneyContext["offers"] {
  if (context.offers === null || context.snapshot?.status === "OFFERS_AVAILABLE") return null;
  const locked = lockedOfferID(context);
  const kept = context.offers.filter((offer) => offer.id === locked);
  return kept.length > 0 ? kept : null;
}

/**
 * A state taken up without the offers it left out: at `OFFERS_AVAILABLE` it asks for them again, as the machine
 * does on entering that status (`refetch: "offers"`), then makes the moves the machine makes at once from
 * `polling` (`settledPolling`: a re-read of the journey, when not backing off). Any other state is returned as it is.
 */
function withOffersAskedFor(state: JourneyState): JourneyState {
  const { context, value } = state;
  if (context.snapshot?.status !== "OFFERS_AVAILABLE" || context.offers !== null || context.refetch !== null)
    return state;
  return settledPolling({ value, context: { ...context, refetch: "offers" } });
}

/** `state` as it is kept beyond this process: stamped with {@link STATE_VERSION}, the re-readable offers left out. Pure. */
export function versioned(state: JourneyState): VersionedState {
  return {
    ...state,
    context: { ...state.context, offers: keptOffers(state.context) },
    version: STATE_VERSION,
  };
}

/** The version a kept state was written at (1 when it carries none, as before versions were kept). */
function versionOf(state: VersionedState): number {
  return typeof state.version === "number" ? state.version : 1;
}

/**
 * A kept state brought to {@link STATE_VERSION} (the `version` stamp dropped, left-out offers asked for again), or `null` when it was written by a
 * newer version than this one, or is not of the reducer's shape (it cannot be read: rebuild it from its snapshot).
 * Pure; never throws.
 */
export function migrateState(state: VersionedState): JourneyState | null {
  const from = versionOf(state);
  if (!Number.isSafeInteger(from) || from < 1 || from > STATE_VERSION) return null;
  // The reducer state is its value and context: the version stamp (and anything else kept with them) is dropped.
  let current: JourneyState = { value: state.value, context: state.context };
  try {
    for (let v = from; v < STATE_VERSION; v++) current = MIGRATIONS[v - 1]!(current);
    return withOffersAskedFor(current);
  } catch {
    return null;
  }
}
