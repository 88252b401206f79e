import type { BorrowerClient } from "../client/borrower-client.js";
import { type JourneyBootstrap, startOrResumeJourney } from "../client/journeys.js";
import type { JourneySnapshot } from "../contract/index.js";

/**
 * After a session bootstrap: resumes the active journey or creates one, then reads its state, so a test or a
 * benchmark can hand a runtime its first snapshot.
 * @throws {ApiError} / {ScopeError} as the client's calls do; {Error} when the state read answers 304 (rejects).
 */
export async function firstSnapshot(
  client: BorrowerClient,
  bootstrap: JourneyBootstrap,
  options: { readonly correlationID?: string } = {},
): Promise<{ readonly journeyID: string; readonly snapshot: JourneySnapshot }> {
  const { journeyID } = await startOrResumeJourney(client, bootstrap, options);
  const state = await client.getJourneyState(journeyID, options);
  if (state.kind !== "snapshot") throw new Error(`the first state read of ${journeyID} answered 304`);
  return { journeyID, snapshot: state.snapshot };
}
