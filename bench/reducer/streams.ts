import type { JourneySnapshot } from "../../src/contract/index.js";
import { HISTORY_START_MS, happyHistory, journeyAt } from "../lib/history.js";

/** An event both reducers accept (the SDK's host event and the baseline's share this shape). */
export type StreamEvent =
  | {
      readonly type: "snapshot.received";
      readonly snapshot: unknown;
      readonly source: "poll" | "webhook";
      readonly at: number;
    }
  | { readonly type: "journey.loaded"; readonly journey: unknown; readonly at: number };

/** A flat, pre-built event stream over several journeys ("lanes"), each replaying one happy journey. */
export interface EventStream {
  readonly events: readonly StreamEvent[];
  /** Which lane (journey) each event belongs to. */
  readonly lanes: Int32Array;
  /** 1 where the lane's journey restarts from its first snapshot after this event. */
  readonly resetAfter: Uint8Array;
  /** 1 where the event carries a change (a newer snapshot or the loaded journey). */
  readonly advancing: Uint8Array;
  /** The first snapshot of each lane's journey. */
  readonly firstSnapshots: readonly JourneySnapshot[];
  readonly journeyIDs: readonly string[];
}

/**
 * Each event's payload as its own object, as the wire delivers it (every poll answer and webhook body is parsed
 * anew): a reducer that keeps the very object it was given cannot then tell a redelivery by identity alone.
 */
function asOffTheWire(event: StreamEvent): StreamEvent {
  return event.type === "snapshot.received"
    ? { ...event, snapshot: structuredClone(event.snapshot) }
    : { ...event, journey: structuredClone(event.journey) };
}

/** How many non-advancing events accompany each advancing one in the realistic mix (19 → 95% / 5%). */
const QUIET_PER_CHANGE = 19;

/**
 * Builds a stream. `realistic`: each change is followed by 19 events that change nothing, as steady polling and
 * at-least-once webhooks produce: 16 polls returning the held snapshot, 2 webhook redeliveries of it, and one
 * late webhook of the asOf before (stale). Otherwise: the changes only. Each lane's journey has 18 changes
 * (17 newer snapshots and the journey load the reducer asks for on OFFERS_AVAILABLE).
 */
export function buildStream(laneCount: number, realistic: boolean): EventStream {
  const perLane: { event: StreamEvent; advancing: boolean }[][] = [];
  const firstSnapshots: JourneySnapshot[] = [];
  const journeyIDs: string[] = [];
  for (let lane = 0; lane < laneCount; lane++) {
    const journeyID = `jrn_bench${String(lane).padStart(4, "0")}`;
    journeyIDs.push(journeyID);
    const history = happyHistory(journeyID);
    firstSnapshots.push(history[0]!);
    const items: { event: StreamEvent; advancing: boolean }[] = [];
    let at = HISTORY_START_MS;
    const quiet = (held: JourneySnapshot, before: JourneySnapshot) => {
      if (!realistic) return;
      for (let i = 0; i < QUIET_PER_CHANGE; i++) {
        at += 250;
        const late = i === QUIET_PER_CHANGE - 1;
        const webhook = i >= 16;
        items.push({
          event: {
            type: "snapshot.received",
            snapshot: late ? before : held,
            source: webhook ? "webhook" : "poll",
            at,
          },
          advancing: false,
        });
      }
    };
    for (let v = 1; v < history.length; v++) {
      const snapshot = history[v]!;
      at += 250;
      items.push({ event: { type: "snapshot.received", snapshot, source: "poll", at }, advancing: true });
      quiet(snapshot, history[v - 1]!);
      if (snapshot.status === "OFFERS_AVAILABLE") {
        at += 250;
        items.push({ event: { type: "journey.loaded", journey: journeyAt(snapshot), at }, advancing: true });
        quiet(snapshot, history[v - 1]!);
      }
    }
    perLane.push(items);
  }
  const length = perLane.reduce((n, items) => n + items.length, 0);
  const events: StreamEvent[] = [];
  const lanes = new Int32Array(length);
  const resetAfter = new Uint8Array(length);
  const advancing = new Uint8Array(length);
  // Round-robin over lanes, as a server handling many journeys sees them.
  const cycle = perLane[0]!.length;
  for (let i = 0; i < cycle; i++) {
    for (let lane = 0; lane < laneCount; lane++) {
      const item = perLane[lane]![i]!;
      const k = events.length;
      events.push(asOffTheWire(item.event));
      lanes[k] = lane;
      advancing[k] = item.advancing ? 1 : 0;
      resetAfter[k] = i === cycle - 1 ? 1 : 0;
    }
  }
  return { events, lanes, resetAfter, advancing, firstSnapshots, journeyIDs };
}

/**
 * The quiet events alone, for the cost split: each lane's journey starts at its last snapshot (DISBURSED) and
 * receives only polls of that snapshot, webhook redeliveries of it, and late webhooks of the asOf before.
 */
export function buildQuietStream(laneCount: number): EventStream {
  const events: StreamEvent[] = [];
  const firstSnapshots: JourneySnapshot[] = [];
  const journeyIDs: string[] = [];
  const rows: number[] = [];
  for (let lane = 0; lane < laneCount; lane++) {
    const journeyID = `jrn_bench${String(lane).padStart(4, "0")}`;
    journeyIDs.push(journeyID);
    const history = happyHistory(journeyID);
    const held = history[history.length - 1]!;
    firstSnapshots.push(held);
    for (let i = 0; i < QUIET_PER_CHANGE; i++) {
      const late = i === QUIET_PER_CHANGE - 1;
      events.push({
        type: "snapshot.received",
        snapshot: structuredClone(late ? history[history.length - 2] : held),
        source: i >= 16 ? "webhook" : "poll",
        at: HISTORY_START_MS + i,
      });
      rows.push(lane);
    }
  }
  return {
    events,
    lanes: Int32Array.from(rows),
    resetAfter: new Uint8Array(events.length),
    advancing: new Uint8Array(events.length),
    firstSnapshots,
    journeyIDs,
  };
}
