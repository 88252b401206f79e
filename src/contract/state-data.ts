import * as z from "zod/mini";
import { JourneyId } from "./primitives.js";
import { NextAction, STATE_FIELDS } from "./snapshot.js";

// A module of its own: the journey reducer's bundle never needs the wire shape, only the SDK's snapshot.

/**
 * The `data` of the state answer, `GET …/journeys/{journeyID}/state`, as the platform sends it. Documented:
 * `status` and `nextAction` [L2] [L3]; named with no shape given: `actionRequired`, `resource`, `diagnostics`,
 * `pendingOperations` [L2] [L7] (modelled, optional). The rest is modelled and optional, the journey's id
 * included (the SDK knows it from the path). No `version`: the platform documents none.
 */
export const JourneyStateData = z.object({
  ...STATE_FIELDS,
  journeyID: z.optional(JourneyId),
  nextAction: z.optional(NextAction),
});
/** The state answer's `data`, as sent. */
export type JourneyStateData = z.infer<typeof JourneyStateData>;
