import type { JourneyState } from "../../machines/journey/index.js";
import type { JourneySnapshot } from "../contract/index.js";
import { initial, reduce } from "../journey/index.js";
import { migrateState, type VersionedState } from "../journey/state-version.js";
import type { StoredJourney } from "./store/types.js";

/**
 * The journey reducer's state once a snapshot the platform answered (a reconciler's read) is applied over the
 * stored one ({@link heldState}); what to store with it is {@link storedSnapshot}'s. Pure apart from what it is
 * given; never throws for a valid snapshot.
 */
export function stateAfterPoll(
  stored: StoredJourney | undefined,
  snapshot: JourneySnapshot,
  at: number,
): JourneyState {
  const held = heldState(stored, snapshot.journeyID, at);
  return reduce(held, { type: "snapshot.received", snapshot, source: "poll", at }).state;
}

/**
 * The reducer state a stored journey stands at: its stored state, else one started from its snapshot, else a
 * journey not loaded yet. Never throws for what a store returns.
 */
export function heldState(stored: StoredJourney | undefined, journeyID: string, at: number): JourneyState {
  // Brought to this version's shape; one a newer version wrote cannot be read and is rebuilt from the snapshot.
  const held = stored?.state ? migrateState(stored.state as unknown as VersionedState) : null;
  if (held) return held;
  return stored ? initial({ journeyID, snapshot: stored.snapshot, at }) : initial({ journeyID, at });
}

/**
 * The snapshot a row keeps: the one the reducer holds, never one it refused (an unexpected edge held as an
 * anomaly, a move after an end), at the latest order key the reducer or the delivery has seen, so the store's
 * guard is never behind either and a stored state is never later than its row. The delivery itself only when
 * the reducer holds none.
 */
export function storedSnapshot(delivered: JourneySnapshot, state: JourneyState): JourneySnapshot {
  const { snapshot: applied, asOf } = state.context;
  if (applied === null) return delivered;
  const key = Math.max(applied.asOf, asOf, delivered.asOf);
  return key === applied.asOf ? applied : { ...applied, asOf: key };
}
