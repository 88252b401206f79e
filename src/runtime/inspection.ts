import type { InspectionEvent, Observer } from "xstate";
import type { JourneyState } from "../../machines/journey/journey.connect.js";
import { journeyMachine } from "../../machines/journey/journey.machine.js";
import { randomId } from "../client/ids.js";

/** XState's inspection observer, as `createJourney({ inspect })` takes it. */
export type Inspect = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/** What the runtime tells an inspector: the actor once, then each event with the state it led to. */
export interface JourneyInspection {
  /** The runtime started: the inspector learns the actor (with `journeyMachine` as its logic, to draw it). */
  started(): void;
  /** An event was applied (`state` is the state after it; refused events leave it as it was). */
  applied(event: { readonly type: string }, state: JourneyState): void;
  /** The runtime stopped: the last snapshot, with status `stopped`. */
  stopped(): void;
}

/**
 * Speaks XState's inspection protocol for a runtime that runs `journeyMachine` through `journey.reduce`: an
 * `@xstate.actor` whose logic is the machine itself (so the Stately inspector draws the very chart), then an
 * `@xstate.event` and an `@xstate.snapshot` per applied event. A throwing inspector is the host's problem,
 * reported to `onError`, never raised.
 */
export function createInspection(
  inspect: Inspect,
  current: () => JourneyState,
  onError: (error: unknown) => void,
): JourneyInspection {
  const observe = typeof inspect === "function" ? inspect : (event: InspectionEvent) => inspect.next?.(event);
  let status: "active" | "stopped" = "active";
  const snapshotOf = (state: JourneyState) => ({
    status,
    value: state.value,
    context: state.context,
    children: {},
    historyValue: {},
    output: undefined,
    error: undefined,
  });
  const sessionId = `journey:${randomId()}`;
  const actorRef = {
    id: "journey",
    sessionId,
    logic: journeyMachine,
    _parent: undefined,
    getSnapshot: () => snapshotOf(current()),
  };
  const tell = (event: Record<string, unknown>): void => {
    try {
      observe({ rootId: sessionId, actorRef, ...event } as unknown as InspectionEvent);
    } catch (error) {
      onError(error);
    }
  };
  return {
    started: () => tell({ type: "@xstate.actor" }),
    applied(event, state) {
      tell({ type: "@xstate.event", event, sourceRef: undefined });
      tell({ type: "@xstate.snapshot", event, snapshot: snapshotOf(state) });
    },
    stopped() {
      status = "stopped";
      tell({ type: "@xstate.snapshot", event: { type: "xstate.stop" }, snapshot: snapshotOf(current()) });
    },
  };
}
