import type { createBorrowerClient as CreateBorrowerClient } from "../../src/client/index.js";
import type { JourneyState } from "../../src/index.js";
import type * as Runtime from "../../src/runtime/index.js";
import { importCompiled } from "../lib/compiled.js";

type Shipped = typeof Runtime & { readonly createBorrowerClient: typeof CreateBorrowerClient };

/** The runtime and the client as the package ships them (see {@link importCompiled}). */
const shipped = importCompiled<Shipped>(
  `export * from "./src/runtime/index.ts"; export { createBorrowerClient } from "./src/client/index.ts";`,
);

/** What {@link runtimeHeap} found. */
export type HeapResult =
  | {
      readonly kind: "measured";
      readonly runtimes: number;
      readonly perRuntimeBytes: number;
      readonly perStateBytes: number;
      readonly gcForced: boolean;
      readonly secondsToCreate: number;
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
 * Heap per live runtime: `count` real `createJourney` instances of the package as shipped, each with a borrower
 * client of its own, started from `state` (persisted form) on a manual clock. `inFlight`: each has its first poll
 * and its in-flight mutation on the wire through a `fetch` that never answers; `atRest`: its poll is answered 304
 * and it waits for the next (give a state with no mutation in flight). Measured as the `heapUsed` delta after
 * forced GCs; the baseline is the same state held `count` times as plain objects.
 */
export async function runtimeHeap(
  count: number,
  state: JourneyState,
  mode: "inFlight" | "atRest" = "inFlight",
): Promise<HeapResult> {
  const { createBorrowerClient, createJourney, createManualClock, steadySignals } = await shipped;
  const persisted = JSON.parse(JSON.stringify(state));
  // In flight: nothing ever answers. At rest: the poll is answered 304 at once, so the runtime waits for its next.
  const never: typeof fetch = () => new Promise<Response>(() => {});
  const notModified: typeof fetch = async () =>
    new Response(null, { status: 304, headers: { etag: '"e1"' } });
  const clock = createManualClock();

  const baseHeap = await settledHeap();
  const states: unknown[] = [];
  for (let i = 0; i < count; i++) states.push(JSON.parse(JSON.stringify(persisted)));
  const statesHeap = await settledHeap();
  const perStateBytes = (statesHeap - baseHeap) / count;
  states.length = 0;

  const before = await settledHeap();
  const started = performance.now();
  const runtimes: Runtime.JourneyRuntime[] = [];
  for (let i = 0; i < count; i++) {
    const client = createBorrowerClient({
      baseUrl: "http://127.0.0.1:9",
      fetch: mode === "atRest" ? notModified : never,
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
    note:
      mode === "inFlight"
        ? `each started, with its own borrower client, a poll and the KYC START in flight (fetch never answers); created in ${secondsToCreate.toFixed(1)} s; the package as shipped (esbuild bundle)`
        : `each started, with its own borrower client, its first poll answered 304, waiting for the next; created in ${secondsToCreate.toFixed(1)} s; the package as shipped (esbuild bundle)`,
  };
}
