/** Deliberately broken reducers and policies: each one drops one safeguard, so its property must fail. */
import type { JourneyState } from "../../machines/journey/index.js";
import { isExpectedEdge, isSameState, parseSnapshot, safeParseSnapshot } from "../../src/contract/index.js";
import {
  type CadenceInput,
  type JourneyHostEvent,
  journey,
  type ReduceResult,
} from "../../src/journey/index.js";
import type { Reducer } from "./properties.js";

function restart(state: JourneyState, snapshot: unknown, at: number): ReduceResult {
  return { state: journey.initial({ journeyID: state.context.journeyID, snapshot, at }), commands: [] };
}

/** No order guard: the last valid snapshot delivered wins, whatever its asOf. */
export const withoutOrderGuard: Reducer = (state, event) => {
  if (event.type === "snapshot.received") {
    const parsed = safeParseSnapshot(event.snapshot);
    if (parsed.ok && parsed.value.journeyID === state.context.journeyID)
      return restart(state, parsed.value, event.at);
  }
  return journey.reduce(state, event);
};

/** Ends not absorbing: a newer snapshot after an end is applied like any other. */
export const withoutAbsorbingEnds: Reducer = (state, event) => {
  const ended = journey.view(state).isEnded;
  if (ended && event.type === "snapshot.received") {
    const parsed = safeParseSnapshot(event.snapshot);
    if (parsed.ok && parsed.value.asOf > state.context.asOf) return restart(state, parsed.value, event.at);
  }
  return journey.reduce(state, event);
};

/** No offer lock: every offer selection forgets any claim, lock or in-flight proceed. */
export const withoutOfferLock: Reducer = (state, event) => {
  if (event.type !== "offer.select") return journey.reduce(state, event);
  const { snapshot } = state.context;
  const unlocked: JourneyState = {
    value: { ...state.value, mutation: "idle" },
    context: {
      ...state.context,
      claimedOfferID: null,
      pendingMutation: null,
      snapshot: snapshot === null ? null : { ...snapshot, lockedOfferID: undefined },
      offers: state.context.offers?.map((o) => ({ ...o, status: "AVAILABLE" })) ?? null,
    },
  };
  return journey.reduce(unlocked, event);
};

/** No key bookkeeping: keys used before are forgotten, so a reused key names a new request. */
export const withoutKeyCheck: Reducer = (state, event) =>
  journey.reduce({ ...state, context: { ...state.context, issuedKeys: [] } }, event);

/** No validation: snapshots are parsed with the throwing parser. */
export const withoutValidation: Reducer = (state, event) => {
  if (event.type === "snapshot.received") parseSnapshot(event.snapshot);
  if (event.type === "journey.loaded" && (typeof event.journey !== "object" || event.journey === null)) {
    throw new TypeError("journey must be an object");
  }
  return journey.reduce(state, event);
};

/** No band: every open state polls every 2–5 s, passive waits too. */
export function cadenceWithoutBands(input: CadenceInput): number | null {
  if (input.band === "none") return null;
  return 2_000 + Math.floor(input.jitter * 3_000);
}

/** Polls after the end: an accepted snapshot always re-arms polling at 3 s, even in an ended state. */
export const pollingAfterEnd: Reducer = (state, event: JourneyHostEvent) => {
  const result = journey.reduce(state, event);
  if (result.rejected !== undefined) return result;
  return {
    ...result,
    commands: [...result.commands, { type: "startPolling", journeyID: state.context.journeyID, inMs: 3_000 }],
  };
};

/** No server authority: a newer snapshot is applied whatever its edge, with no re-fetch. */
export const withoutEdgeCheck: Reducer = (state, event) => {
  if (event.type === "snapshot.received") {
    const parsed = safeParseSnapshot(event.snapshot);
    const current = state.context.snapshot;
    if (
      parsed.ok &&
      current !== null &&
      parsed.value.asOf > state.context.asOf &&
      !isExpectedEdge(current.status, parsed.value.status)
    ) {
      return restart(state, parsed.value, event.at);
    }
  }
  return journey.reduce(state, event);
};

/** Re-reads are news: a later snapshot of the held state replaces it as a new one (the view's asOf moves). */
export const withoutSameStateCheck: Reducer = (state, event) => {
  if (event.type === "snapshot.received" && state.context.snapshot !== null) {
    const parsed = safeParseSnapshot(event.snapshot);
    if (
      parsed.ok &&
      parsed.value.asOf > state.context.asOf &&
      isSameState(parsed.value, state.context.snapshot)
    )
      return restart(state, parsed.value, event.at);
  }
  return journey.reduce(state, event);
};

/** Ties trusted: another state at the held asOf is applied as if newer, with no re-fetch. */
export const withoutTieCheck: Reducer = (state, event) => {
  if (event.type === "snapshot.received" && state.context.snapshot !== null) {
    const parsed = safeParseSnapshot(event.snapshot);
    if (
      parsed.ok &&
      parsed.value.asOf === state.context.asOf &&
      !isSameState(parsed.value, state.context.snapshot)
    )
      return restart(state, parsed.value, event.at);
  }
  return journey.reduce(state, event);
};
