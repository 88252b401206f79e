/**
 * Benchmark 2: signed `journey.snapshot` deliveries over loopback HTTP through `createWebhookHandler` (node
 * adapter, memory store) against a bare node:http handler answering 204, both loaded by autocannon alike.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import type autocannon from "autocannon";
import {
  createMemoryJourneyStore,
  createWebhookHandler,
  createWebhookVerifier,
} from "../../src/server/index.js";
import { runBenchmark, secondsSince } from "../lib/child.js";
import { type BenchReport, figure } from "../lib/figure.js";
import { CONNECTIONS, loadDeliveries } from "../lib/load-deliveries.js";
import { type SignedDelivery, signDeliveries } from "./deliveries.js";

const WARMUP_SEC = 1;
const DURATION_SEC = 5;
const JOURNEYS = 5_000;
const TARGET_SHARE = 0.5;
/** The calibration handler's CPU per request, in µs: what a handler of that cost reaches on this machine. */
const SPIN_MICROS = 25;

interface Counts {
  readonly requests: number;
  readonly applied: number;
  readonly failures: number;
}

interface Served {
  readonly child: ChildProcess;
  readonly port: number;
  counts(): Promise<Counts>;
  stop(): Promise<void>;
}

type Mode = "sdk" | "bare" | "spin" | "verify";

async function serve(mode: Mode, secret: string, spinMicros: number): Promise<Served> {
  const child = fork(new URL("./server.ts", import.meta.url).pathname, [mode, String(spinMicros)], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_WEBHOOK_SECRET: secret },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return {
    child,
    port,
    counts: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve((m as { counts: Counts }).counts));
        child.send("counts");
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.send("stop");
      }),
  };
}

async function measure(
  mode: Mode,
  secret: string,
  pool: readonly SignedDelivery[],
  spinMicros = SPIN_MICROS,
) {
  const server = await serve(mode, secret, spinMicros);
  try {
    const cursor = { next: 0 };
    await loadDeliveries(server.port, pool, cursor, WARMUP_SEC);
    const warm = cursor.next;
    const result = await loadDeliveries(server.port, pool, cursor, DURATION_SEC);
    const counts = await server.counts();
    return { result, counts, sent: cursor.next, measuredFrom: warm };
  } finally {
    await server.stop();
  }
}

/**
 * In process, no HTTP: microseconds per delivery for verification alone and for the whole `handle`, the bodies
 * as node:http hands them over (bytes), after a warm-up pass on a store of its own (so the code is compiled).
 */
async function costSplit(secret: string, pool: readonly SignedDelivery[]) {
  const sample = pool.slice(0, 4_000).map((d) => ({ headers: d.headers, body: Buffer.from(d.body) }));
  const verifier = await createWebhookVerifier(secret, { toleranceSec: 300 });
  const timed = async (run: (d: (typeof sample)[number]) => Promise<unknown>) => {
    const start = performance.now();
    for (const d of sample) await run(d);
    return ((performance.now() - start) * 1000) / sample.length;
  };
  await timed((d) => verifier.verify(d.body, d.headers, { now: Date.now() }));
  const verifyMicros = await timed((d) => verifier.verify(d.body, d.headers, { now: Date.now() }));
  const warm = await createWebhookHandler({ secrets: secret, store: createMemoryJourneyStore() });
  await timed((d) => warm.handle(d.body, d.headers));
  const handler = await createWebhookHandler({ secrets: secret, store: createMemoryJourneyStore() });
  const handleMicros = await timed((d) => handler.handle(d.body, d.headers));
  return { deliveries: sample.length, verifyMicros, handleMicros };
}

async function main(): Promise<BenchReport> {
  const started = performance.now();
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  const signStart = performance.now();
  const pool = await signDeliveries(JOURNEYS, secret);
  const signSeconds = secondsSince(signStart);
  const bare = await measure("bare", secret, pool);
  const sdk = await measure("sdk", secret, pool);
  const spin = await measure("spin", secret, pool);
  const verifyOnly = await measure("verify", secret, pool);
  const split = await costSplit(secret, pool);
  // The bare handler made to spend what one delivery costs the SDK in process: the most any handler of that cost
  // reaches here, so the gap between it and the SDK is what HTTP under load adds, and the gap to the target is cost.
  const spinAsSdk = await measure("spin", secret, pool, Math.round(split.handleMicros));
  const rps = (r: autocannon.Result) => r.requests.average;
  const non2xx = sdk.result.non2xx + sdk.result.errors + sdk.result.timeouts;
  const wrapped = sdk.sent > pool.length;
  return {
    bench: 2,
    title: "Webhook ingest over loopback HTTP",
    seconds: secondsSince(started),
    checks: [
      {
        name: "handler: every delivery answered 2xx",
        ok: non2xx === 0,
        detail: `${non2xx} non-2xx/errors/timeouts`,
      },
      {
        name: "handler: deliveries were distinct (the pool did not wrap)",
        ok: !wrapped,
        detail: `${sdk.sent} sent from a pool of ${pool.length}`,
      },
      {
        name: "handler: most deliveries applied a newer snapshot",
        ok: sdk.counts.applied >= 0.9 * sdk.counts.requests,
        detail: `${sdk.counts.applied} applied of ${sdk.counts.requests} received (the rest stale or duplicate)`,
      },
      {
        name: "verification alone: every delivery verified",
        ok: verifyOnly.result.non2xx + verifyOnly.result.errors === 0 && verifyOnly.counts.failures === 0,
        detail: `${verifyOnly.counts.failures} failed verification, ${verifyOnly.result.non2xx} non-2xx`,
      },
      {
        name: "bare: every request answered 2xx",
        ok: bare.result.non2xx + bare.result.errors === 0,
        detail: `${bare.result.non2xx + bare.result.errors} non-2xx/errors`,
      },
    ],
    figures: [
      figure({
        bench: 2,
        name: "webhook handler + memory store, req/s",
        value: rps(sdk.result),
        unit: "req/s",
        target: { op: ">=", value: TARGET_SHARE * rps(bare.result), unit: "req/s (50% of bare)" },
        baseline: { name: "bare node:http 204", value: rps(bare.result), unit: "req/s" },
        note: `p99 ${sdk.result.latency.p99} ms (bare ${bare.result.latency.p99} ms); in process ${split.handleMicros.toFixed(0)} µs per delivery, of which ${split.verifyMicros.toFixed(0)} µs verification`,
      }),
      figure({
        bench: 2,
        name: `calibration: bare handler spending ${SPIN_MICROS} µs of CPU per request, req/s`,
        value: rps(spin.result),
        unit: "req/s",
        baseline: { name: "bare node:http 204", value: rps(bare.result), unit: "req/s" },
        note: "what a handler of that cost reaches here: the load generator shares the machine's two cores",
      }),
      figure({
        bench: 2,
        name: "calibration: bare handler spending the SDK's in-process cost per request, req/s",
        value: rps(spinAsSdk.result),
        unit: "req/s",
        baseline: { name: "bare node:http 204", value: rps(bare.result), unit: "req/s" },
        note: `${Math.round(split.handleMicros)} µs of CPU per request, the in-process cost of one delivery measured in this run`,
      }),
      figure({
        bench: 2,
        name: "calibration: bare handler verifying each delivery (signature and body), nothing else, req/s",
        value: rps(verifyOnly.result),
        unit: "req/s",
        baseline: { name: "bare node:http 204", value: rps(bare.result), unit: "req/s" },
        note: "the most any handler that verifies reaches here, before its reducer and its store write",
      }),
      figure({
        bench: 2,
        name: "webhook handler p50 latency",
        value: sdk.result.latency.p50,
        unit: "ms",
        baseline: { name: "bare node:http 204", value: bare.result.latency.p50, unit: "ms" },
      }),
      figure({
        bench: 2,
        name: "webhook handler in process, µs per delivery (no HTTP)",
        value: split.handleMicros,
        unit: "µs",
        baseline: { name: "verification alone", value: split.verifyMicros, unit: "µs" },
        note: `${split.deliveries} deliveries one after another into the memory store; the cost the HTTP figures divide`,
      }),
    ],
    details: {
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SEC,
      durationSeconds: DURATION_SEC,
      poolSize: pool.length,
      journeys: JOURNEYS,
      signSeconds,
      costSplitInProcess: split,
      sdk: { requests: sdk.result.requests, latency: sdk.result.latency, counts: sdk.counts, sent: sdk.sent },
      bare: {
        requests: bare.result.requests,
        latency: bare.result.latency,
        counts: bare.counts,
        sent: bare.sent,
      },
    },
  };
}

runBenchmark(main);
