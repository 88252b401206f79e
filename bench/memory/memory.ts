/**
 * Benchmark 5: persisted state per journey (JSON bytes of a realistic mid-journey reducer state) and heap per
 * live runtime with 10,000 `createJourney` instances.
 */

import { ANOMALIES_KEPT, ISSUED_KEYS_KEPT } from "../../machines/journey/journey.types.js";
import { runBenchmark, secondsSince } from "../lib/child.js";
import { type BenchReport, type Figure, figure } from "../lib/figure.js";
import { runtimeHeap } from "./heap.js";
import { midJourneyState } from "./mid-journey.js";
import { atBounds, persistedBytes } from "./persisted.js";

const STATE_TARGET_BYTES = 4 * 1024;
const HEAP_TARGET_BYTES = 20 * 1024;
const RUNTIMES = 10_000;

async function main(): Promise<BenchReport> {
  const started = performance.now();
  const state = await midJourneyState();
  const bytes = persistedBytes(state);
  const boundBytes = persistedBytes(atBounds(state));
  const roundTrip = JSON.stringify(JSON.parse(JSON.stringify(state))) === JSON.stringify(state);
  const heap = await runtimeHeap(RUNTIMES, state);
  const resting: typeof state = {
    value: { ...state.value, mutation: "idle" },
    context: { ...state.context, pendingMutation: null },
  };
  const rest = await runtimeHeap(RUNTIMES, resting, "atRest");
  const figures: Figure[] = [
    figure({
      bench: 5,
      name: "persisted reducer state, mid-journey (KYC step in flight, offers loaded)",
      value: bytes / 1024,
      unit: "kB JSON",
      target: { op: "<=", value: STATE_TARGET_BYTES / 1024 },
      note: `${state.context.offers?.length ?? 0} offers, ${state.context.issuedKeys.length} issued keys; real sandbox payloads`,
    }),
    figure({
      bench: 5,
      name: `persisted reducer state at the reducer's caps (4 offers held, ${ISSUED_KEYS_KEPT} keys, ${ANOMALIES_KEPT} anomalies, error)`,
      value: boundBytes / 1024,
      unit: "kB JSON",
      target: { op: "<=", value: STATE_TARGET_BYTES / 1024 },
      baseline: { name: "the mid-journey state", value: bytes / 1024, unit: "kB" },
      note: "an upper bound no real journey reaches at once; kept with the locked offer only (at OFFERS_AVAILABLE, none: they are read again)",
    }),
  ];
  if (rest.kind === "measured") {
    figures.push(
      figure({
        bench: 5,
        name: `heap per live runtime at rest, between polls (${RUNTIMES.toLocaleString("en-US")} createJourney instances)`,
        value: rest.perRuntimeBytes / 1024,
        unit: "kB",
        target: { op: "<=", value: HEAP_TARGET_BYTES / 1024 },
        baseline: {
          name: "the same state held as a plain object",
          value: rest.perStateBytes / 1024,
          unit: "kB",
        },
        note: rest.note,
      }),
    );
  }
  if (heap.kind === "measured") {
    figures.push(
      figure({
        bench: 5,
        name: `heap per live runtime with a poll and a mutation on the wire (${RUNTIMES.toLocaleString("en-US")} instances)`,
        value: heap.perRuntimeBytes / 1024,
        unit: "kB",
        baseline: {
          name: "the same state held as a plain object",
          value: heap.perStateBytes / 1024,
          unit: "kB",
        },
        note: heap.note,
      }),
    );
  }
  return {
    bench: 5,
    title: "Memory",
    seconds: secondsSince(started),
    checks: [
      { name: "the state round-trips through JSON unchanged", ok: roundTrip },
      {
        name: "heap measured with a forced GC (node --expose-gc)",
        ok: heap.kind === "measured" && heap.gcForced && rest.kind === "measured" && rest.gcForced,
        ...(heap.kind === "unavailable" ? { detail: heap.reason } : {}),
        ...(rest.kind === "unavailable" ? { detail: rest.reason } : {}),
      },
    ],
    figures,
    details: { stateBytes: bytes, boundBytes, state, heap, rest },
  };
}

runBenchmark(main);
