import { journeyMachine } from "../../machines/journey/journey.machine.js";
import { createBorrowerClient } from "../../src/client/index.js";
import type { JourneyState } from "../../src/index.js";
import {
  createJourney,
  createManualClock,
  type JourneyRuntime,
  steadySignals,
} from "../../src/runtime/index.js";

/** What {@link runtimeHeap} found. */
export type HeapResult =
  | {
      readonly kind: "measured";
      readonly runtimes: number;
      readonly perRuntimeBytes: number;
      readonly perStateBytes: number;
      readonly gcForced: boolean;
      readonly secondsToCreate: number;
      /** Heap of one `journeyMachine.provide(...)` (the runtime makes one per instance), for the cost split. */
      readonly perProvidedMachineBytes: number;
      readonly note: string;
    }
  | { readonly kind: "unavailable"; readonly reason: string };

const gc = (globalThis as { gc?: () => void }).gc;

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
  }
  return process.memoryUsage().heapUsed;
}

/**
 * Heap per live runtime: `count` real `createJourney` instances, each with a borrower client of its own, started
 * from `state` (persisted form) on a manual clock, so each has its first poll and its in-flight mutation on the
 * wire through a `fetch` that never answers. Measured as the `heapUsed` delta after forced GCs; the baseline is
 * the same state held `count` times as plain objects.
 */
export async function runtimeHeap(count: number, state: JourneyState): Promise<HeapResult> {
  const persisted = JSON.parse(JSON.stringify(state));
  const never: typeof fetch = () => new Promise<Response>(() => {});
  const clock = createManualClock();

  const baseHeap = await settledHeap();
  const states: unknown[] = [];
  for (let i = 0; i < count; i++) states.push(JSON.parse(JSON.stringify(persisted)));
  const statesHeap = await settledHeap();
  const perStateBytes = (statesHeap - baseHeap) / count;
  states.length = 0;

  const before = await settledHeap();
  const started = performance.now();
  const runtimes: JourneyRuntime[] = [];
  for (let i = 0; i < count; i++) {
    const client = createBorrowerClient({
      baseUrl: "http://127.0.0.1:9",
      fetch: never,
      // Keep the per-attempt timer from firing (and retrying) while the heap is read.
      timeoutMs: 3_600_000,
      getSessionToken: () => "bst_benchmarktoken",
      refreshSession: async () => "bst_benchmarktoken",
    });
    const runtime = createJourney({
      client,
      journeyID: state.context.journeyID,
      initial: JSON.parse(JSON.stringify(persisted)),
      clock,
      signals: steadySignals,
    });
    runtime.start();
    runtimes.push(runtime);
  }
  const secondsToCreate = (performance.now() - started) / 1000;
  const after = await settledHeap();
  const provideCount = 1_000;
  const provideBefore = await settledHeap();
  const machines = Array.from({ length: provideCount }, () => journeyMachine.provide({ actors: {} }));
  const perProvidedMachineBytes = ((await settledHeap()) - provideBefore) / machines.length;
  const live = runtimes.filter((r) => r.view().asOf === state.context.snapshot?.asOf).length;
  for (const runtime of runtimes) runtime.stop();
  if (live !== count)
    return { kind: "unavailable", reason: `only ${live} of ${count} runtimes held the state` };
  return {
    kind: "measured",
    runtimes: count,
    perRuntimeBytes: (after - before) / count,
    perStateBytes,
    gcForced: gc !== undefined,
    secondsToCreate,
    perProvidedMachineBytes,
    note: `each started, with its own borrower client, a poll and the KYC START in flight (fetch never answers); created in ${secondsToCreate.toFixed(1)} s; of which journeyMachine.provide() alone: ${(perProvidedMachineBytes / 1024).toFixed(0)} kB`,
  };
}
