import {
  applyLoadedJourney,
  armPoll,
  disarmPoll,
  initialContext,
  rearmedIfOutdated,
  recordSnapshot,
} from "../../machines/journey/journey.actions.js";
import type { JourneyState } from "../../machines/journey/journey.connect.js";
import { isJourneyEnded, isLoadedJourneyIn, needsJourney } from "../../machines/journey/journey.guards.js";
import type { JourneyEvent, JourneyInput } from "../../machines/journey/journey.types.js";
import { isEnded, isExpectedEdge } from "../contract/lifecycle.js";
import type { JourneyCommand } from "./commands.js";

/** A transition the fast path took: the next state and its commands, exactly as XState's `transition` gives them. */
export interface FastStep {
  readonly state: JourneyState;
  readonly commands: JourneyCommand[];
}

/**
 * The hot edges of the journey machine, taken without XState: a newer snapshot on an edge the lifecycle expects
 * (any, before the first) while polling or re-fetching, and the re-fetched journey arriving while loading it. Each runs the machine's own named guards and
 * actions in the order XState runs them (the region's transition, then the `sync.polling` eventless checks
 * `isEnded`, `needsJourney`, `isCadenceOutdated`); anything else returns `null` and goes through XState.
 * Proven equal to `transition(journeyMachine, …)` by test/property/fast-path.property.test.ts. Pure; never throws
 * on a state the reducer produced.
 */
export function fastTransition(state: JourneyState, event: JourneyEvent): FastStep | null {
  const { value, context } = state;
  const held = context.snapshot;
  // Only settled states: lifecycle at the held snapshot's open status, or `loading` before any snapshot.
  if (held === null ? value.lifecycle !== "loading" : value.lifecycle !== held.status || isEnded(held.status))
    return null;
  if (event.type === "snapshot.received" && (value.sync === "polling" || value.sync === "loadingJourney")) {
    const to = event.snapshot.status;
    const expected = held === null || to === held.status || isExpectedEdge(held.status, to);
    if (event.snapshot.asOf <= context.asOf || !expected) return null;
    const lifecycle = isEnded(to) ? { ended: to } : to;
    const next = recordSnapshot(context, event);
    if (value.sync === "polling") return settlePolling(value, lifecycle, next, true);
    // Re-fetching: the loader stays (its answer may predate this snapshot); only an end stops it.
    const sync = isJourneyEnded(next) ? "stopped" : "loadingJourney";
    return { state: { value: { ...value, lifecycle, sync }, context: next }, commands: [] };
  }
  if (event.type === "journey.loaded" && value.sync === "loadingJourney" && held !== null) {
    const to = event.journey.status;
    const moves = isLoadedJourneyIn(context, event, to);
    const lifecycle = moves ? (isEnded(to) ? { ended: to } : to) : value.lifecycle;
    const entered = armPoll(applyLoadedJourney(context, event));
    return settlePolling(value, lifecycle, entered, false, [
      { type: "startPolling", journeyID: context.journeyID, inMs: entered.polling.inMs ?? 0 },
    ]);
  }
  return null;
}

/**
 * The machine's first state without XState's `initialTransition`: every region entered (`sync.polling` arms its
 * poll), then the eventless moves the machine makes at once (`loading` to the snapshot's status; polling's
 * checks). Proven equal to `initialTransition(journeyMachine, input)` by test/property/fast-path.property.test.ts.
 * Pure; `input` must be checked (a valid snapshot of the journey, or none).
 */
export function fastInitial(input: JourneyInput): FastStep {
  const entered = armPoll(initialContext(input));
  const status = entered.snapshot?.status;
  const lifecycle = status === undefined ? "loading" : isEnded(status) ? { ended: status } : status;
  const value = { lifecycle: "loading", mutation: "idle", sync: "polling" };
  return settlePolling(value, lifecycle, entered, false, [
    { type: "startPolling", journeyID: entered.journeyID, inMs: entered.polling.inMs ?? 0 },
  ]);
}

/**
 * `state` after the moves the machine makes at once from `sync.polling` (stop once ended, re-fetch when a journey
 * is wanted, re-arm when the cadence inputs changed), for a state whose context was changed outside an event (a
 * kept state taken up). Any other sync state is returned as it is. Pure.
 */
export function settledPolling(state: JourneyState): JourneyState {
  if (state.value.sync !== "polling") return state;
  return settlePolling(state.value, state.value.lifecycle, state.context, true).state;
}

/**
 * The `sync.polling` state's eventless transitions, as the machine lists them: stop once ended, re-fetch when a
 * journey is wanted, re-arm when the cadence inputs changed. `wasPolling`: polling ran before this step (its stop
 * is then a `stopPolling` command); `arming`: a poller started within this step (dropped if it stops again).
 */
function settlePolling(
  value: JourneyState["value"],
  lifecycle: JourneyState["value"]["lifecycle"],
  context: JourneyState["context"],
  wasPolling: boolean,
  arming: JourneyCommand[] = [],
): FastStep {
  const stop: JourneyCommand[] = wasPolling ? [{ type: "stopPolling", journeyID: context.journeyID }] : [];
  let sync: JourneyState["value"]["sync"] = "polling";
  let next = context;
  let commands = arming;
  if (isJourneyEnded(context)) {
    next = disarmPoll(context);
    sync = "stopped";
    commands = stop;
  } else if (needsJourney(context)) {
    next = disarmPoll(context);
    sync = "loadingJourney";
    commands = [
      ...stop,
      { type: "fetchJourney", journeyID: context.journeyID, reason: context.refetch ?? "resync" },
    ];
  } else {
    // The machine's re-entry runs `disarmPoll` then `armPoll`; `armPoll` sets every field `disarmPoll` does.
    const rearmed = rearmedIfOutdated(context);
    if (rearmed !== null) {
      next = rearmed;
      commands = [{ type: "startPolling", journeyID: context.journeyID, inMs: rearmed.polling.inMs ?? 0 }];
    }
  }
  return { state: { value: { ...value, lifecycle, sync }, context: next }, commands };
}
