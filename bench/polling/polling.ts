/**
 * Benchmark 4: polling efficiency on a simulated clock. `/state` requests and detection latency (server change
 * → runtime state) per polling band and state class, against a naive poller at a fixed 2 s, without and with
 * the SSE push relay as the runtime's push source.
 */
import type { JourneyStatus } from "../../src/contract/index.js";
import { runBenchmark, secondsSince } from "../lib/child.js";
import { type BenchReport, type Figure, figure } from "../lib/figure.js";
import { quantile } from "../lib/stats.js";
import {
  bandOf,
  type Detection,
  NAIVE_INTERVAL_MS,
  SIM_TIMINGS,
  type SimulationResult,
  simulate,
  stateClass,
  THINK_MS,
  TICK_MS,
} from "./simulation.js";

const JOURNEYS = 12;
const LIMIT_MS = 2 * 3_600_000;
const BOUND_MS = { active: 5_000, passive: 20_000 } as const;
const TARGET_SHARE = { poll: 0.25, push: 0.05 } as const;

function p95(detections: readonly Detection[], pick: (d: Detection) => number): number {
  return quantile(detections.map(pick), 0.95);
}

function byGroup(detections: readonly Detection[], key: (status: JourneyStatus) => string) {
  const groups: Record<
    string,
    { changes: number; runtimeP95Ms: number; naiveP95Ms: number; runtimeMaxMs: number }
  > = {};
  const keys = [...new Set(detections.map((d) => key(d.fromStatus)))];
  for (const k of keys) {
    const ds = detections.filter((d) => key(d.fromStatus) === k);
    groups[k] = {
      changes: ds.length,
      runtimeP95Ms: p95(ds, (d) => d.runtimeMs),
      naiveP95Ms: p95(ds, (d) => d.naiveMs),
      runtimeMaxMs: Math.max(...ds.map((d) => d.runtimeMs)),
    };
  }
  return groups;
}

function figuresOf(result: SimulationResult): Figure[] {
  const mode = result.push ? "push" : "poll";
  const label = result.push ? "with SSE push" : "polling only";
  const figures: Figure[] = [
    figure({
      bench: 4,
      name: `/state requests, runtime ${label} (share of the naive 2 s poller's)`,
      value: result.runtimeStateRequests / result.naiveStateRequests,
      unit: "× naive",
      target: { op: "<=", value: TARGET_SHARE[mode] },
      baseline: { name: "naive poller, fixed 2 s", value: result.naiveStateRequests, unit: "requests" },
      ratio: result.runtimeStateRequests / result.naiveStateRequests,
      note: `${result.runtimeStateRequests} vs ${result.naiveStateRequests} requests, ${result.journeys} journeys, ${Math.round(result.simulatedSeconds)} s simulated${result.push ? `; plus ${result.pushConnections} long-lived SSE connections` : ""}`,
    }),
  ];
  for (const band of ["active", "passive"] as const) {
    const ds = result.detections.filter((d) => bandOf(d.fromStatus) === band);
    const runtime = p95(ds, (d) => d.runtimeMs) / 1000;
    const naive = p95(ds, (d) => d.naiveMs) / 1000;
    figures.push(
      figure({
        bench: 4,
        name: `p95 detection, ${band}-band states, ${label}`,
        value: runtime,
        unit: "s",
        target: { op: "<=", value: BOUND_MS[band] / 1000 },
        baseline: { name: "naive poller, fixed 2 s", value: naive, unit: "s" },
        note: `${ds.length} changes the app did not cause; resolution ${TICK_MS} ms`,
      }),
    );
  }
  return figures;
}

async function main(): Promise<BenchReport> {
  const started = performance.now();
  const poll = await simulate({ push: false, journeys: JOURNEYS, limitMs: LIMIT_MS });
  const push = await simulate({ push: true, journeys: JOURNEYS, limitMs: LIMIT_MS });
  const summary = (r: SimulationResult) => ({
    simulatedSeconds: r.simulatedSeconds,
    realSeconds: r.realSeconds,
    runtimeStateRequests: r.runtimeStateRequests,
    naiveStateRequests: r.naiveStateRequests,
    pushConnections: r.pushConnections,
    detectedChanges: r.detections.length,
    ownChanges: r.ownChanges,
    byBand: byGroup(r.detections, bandOf),
    byStateClass: byGroup(r.detections, stateClass),
    byStatus: byGroup(r.detections, (s) => s),
    requestsByStatus: r.requestsByStatus,
  });
  return {
    bench: 4,
    title: "Polling efficiency (simulated clock)",
    seconds: secondsSince(started),
    checks: [
      { name: "polling only: every journey reached DISBURSED", ok: poll.finished === JOURNEYS },
      { name: "with push: every journey reached DISBURSED", ok: push.finished === JOURNEYS },
      {
        name: "every external change was detected by both pollers",
        ok: poll.detections.length > 0 && poll.detections.length === push.detections.length,
        detail: `${poll.detections.length} / ${push.detections.length}`,
      },
    ],
    figures: [...figuresOf(poll), ...figuresOf(push)],
    details: {
      journeys: JOURNEYS,
      tickMs: TICK_MS,
      naiveIntervalMs: NAIVE_INTERVAL_MS,
      sandboxTimings: SIM_TIMINGS,
      thinkMs: THINK_MS,
      pollingOnly: summary(poll),
      withPush: summary(push),
    },
  };
}

runBenchmark(main);
