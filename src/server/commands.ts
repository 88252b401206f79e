import type { JourneyState } from "../../machines/journey/index.js";
import type { Journey } from "../contract/index.js";
import { commandsOf, reduce } from "../journey/index.js";

/**
 * Reads a whole journey (`GET /journeys/{id}`), the only read that settles a held anomaly. The reconciler passes a
 * `signal` that aborts once its pass's lease ends (`partnerClient.getJourney(id, options)` honours it).
 */
export type JourneyReader = (
  journeyID: string,
  options?: { readonly signal?: AbortSignal },
) => Promise<Journey>;

/** True when the reducer holds a newer snapshot on an unexpected edge and waits for the whole journey. */
export function isHoldingAnomaly(state: JourneyState | null | undefined): boolean {
  return (state?.context.held ?? null) !== null;
}

/** What {@link runServerCommands} did: the state it reached, and why a `fetchJourney` it was asked for is still outstanding. */
export interface ServerCommandRun {
  readonly state: JourneyState;
  /** `null` when nothing is outstanding; `"noReader"` when there is no reader; else the reader's failure (or the reducer's refusal of its answer). */
  readonly outstanding: null | "noReader" | { readonly error: unknown };
}

/** How many journey reads one run makes at most (a read's answer may ask for another, e.g. after a tie). */
const MAX_READS = 3;

/**
 * Carries a stored journey on, the way every host does: runs what the reducer state asks for (`commandsOf`) and
 * applies each answer as the reducer's own event. On a server that is the `fetchJourney` command (a held anomaly,
 * the offers, a resync) through `read`, its journey applied as `journey.loaded`; polling commands are the
 * reconciler's job there, and mutations are never asked for (a backend sends no borrower intents). A failed read
 * leaves the state as it was, still asking, for the next delivery or reconciler pass. `signal` is handed to each
 * read. Never throws; rejects with nothing (the reader's failure, an abort among them, is in `outstanding`).
 */
export async function runServerCommands(
  state: JourneyState,
  read: JourneyReader | undefined,
  now: () => number,
  signal?: AbortSignal,
): Promise<ServerCommandRun> {
  let current = state;
  for (let reads = 0; reads < MAX_READS; reads++) {
    const fetch = commandsOf(current).find((command) => command.type === "fetchJourney");
    if (fetch === undefined) return { state: current, outstanding: null };
    if (read === undefined) return { state: current, outstanding: "noReader" };
    try {
      const journey = await (signal === undefined
        ? read(fetch.journeyID)
        : read(fetch.journeyID, { signal }));
      const loaded = reduce(current, { type: "journey.loaded", journey, at: now() });
      if (loaded.rejected !== undefined) return { state: current, outstanding: { error: loaded.rejected } };
      current = loaded.state;
    } catch (error) {
      return { state: current, outstanding: { error } };
    }
  }
  return { state: current, outstanding: null };
}
