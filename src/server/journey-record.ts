import type { JourneyState } from "../../machines/journey/index.js";
import type { JourneySnapshot } from "../contract/index.js";
import { initial, reduce } from "../journey/index.js";
import { migrateState, type VersionedState } from "../journey/state-version.js";
import type { JourneyRecordInput, StoredJourney } from "./store/types.js";

/**
 * The record to store for a snapshot the platform sent (a webhook) or answered (a reconciler's read): the journey
 * reducer applied over the stored state ({@link heldState}), and the newest snapshot of the two.
 * Pure apart from what it is given; never throws for a valid snapshot.
 */
export function recordFor(
  stored: StoredJourney | undefined,
  snapshot: JourneySnapshot,
  source: "webhook" | "poll",
  at: number,
): JourneyRecordInput & { readonly state: JourneyState } {
  const held = heldState(stored, snapshot.journeyID, at);
  const state = reduce(held, { type: "snapshot.received", snapshot, source, at }).state;
  return { snapshot: newestOf(snapshot, state), state };
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

/** The platform's newest word on the journey: what the reducer applied, or the delivery if that is newer. */
export function newestOf(delivered: JourneySnapshot, state: JourneyState): JourneySnapshot {
  const applied = state.context.snapshot;
  return applied && applied.asOf >= delivered.asOf ? applied : delivered;
}
