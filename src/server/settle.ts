import type { JourneyState } from "../../machines/journey/index.js";
import type { Journey } from "../contract/index.js";
import { reduce } from "../journey/index.js";

/** Reads a whole journey (`GET /journeys/{id}`), the only read that settles a held anomaly. */
export type JourneyReader = (journeyID: string) => Promise<Journey>;

/** True when the reducer holds a newer snapshot on an unexpected edge and waits for the whole journey. */
export function isHoldingAnomaly(state: JourneyState | null | undefined): boolean {
  return (state?.context.held ?? null) !== null;
}

/**
 * Runs the reducer's `fetchJourney` command for a held anomaly (server authority), the way the browser runtime
 * does: reads the whole journey and feeds it back as `journey.loaded`. Returns the settled state, or the state as
 * it was when nothing is held.
 * @throws whatever `read` throws (rejects): the anomaly stays held, for the caller to report.
 */
export async function settleHeldAnomaly(
  state: JourneyState,
  read: JourneyReader,
  at: number,
): Promise<JourneyState> {
  if (!isHoldingAnomaly(state)) return state;
  const journey = await read(state.context.journeyID);
  return reduce(state, { type: "journey.loaded", journey, at }).state;
}
