/**
 * `npm run bench`: runs the seven benchmarks, each in a child process of its own (fresh heap, `--expose-gc`),
 * one after the other; prints every figure beside its target and its same-run baseline; writes
 * `bench/results/latest.json`. `npx tsx bench/run.ts 1 3` runs only benchmarks 1 and 3.
 * Exits 0 when every benchmark ran (a missed target is a result, not a failure), 1 when one crashed.
 */
import { fork } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import type { BenchReport } from "./lib/figure.js";
import { machineInfo } from "./lib/machine.js";
import { formatNumber, markdownTable, textTable } from "./lib/table.js";

interface Bench {
  readonly id: number;
  readonly title: string;
  readonly file: string;
  /** Wall-clock limit, so the whole run stays under 10 minutes. */
  readonly timeoutSec: number;
}

const BENCHES: readonly Bench[] = [
  { id: 1, title: "Reducer throughput", file: "reducer/throughput.ts", timeoutSec: 60 },
  { id: 2, title: "Webhook ingest over HTTP", file: "ingest/ingest.ts", timeoutSec: 90 },
  { id: 3, title: "Bundle size", file: "bundle/bundle.ts", timeoutSec: 60 },
  { id: 4, title: "Polling efficiency", file: "polling/polling.ts", timeoutSec: 120 },
  { id: 5, title: "Memory", file: "memory/memory.ts", timeoutSec: 120 },
  { id: 6, title: "Load", file: "load/load.ts", timeoutSec: 450 },
  { id: 7, title: "Webhook ingest with several workers", file: "workers/workers.ts", timeoutSec: 180 },
];

function runOne(bench: Bench): Promise<BenchReport> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(bench.file, import.meta.url).pathname, [], {
      execArgv: ["--import", "tsx", "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let report: BenchReport | undefined;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`benchmark ${bench.id} exceeded ${bench.timeoutSec} s`));
    }, bench.timeoutSec * 1000);
    child.on("message", (message) => {
      const m = message as { kind?: string; report?: BenchReport };
      if (m.kind === "report") report = m.report;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (report) resolve(report);
      else reject(new Error(`benchmark ${bench.id} exited with ${code} and no report`));
    });
  });
}

const selected = process.argv.slice(2).map(Number);
const toRun = selected.length > 0 ? BENCHES.filter((b) => selected.includes(b.id)) : BENCHES;
const machineBefore = machineInfo();
const started = performance.now();
const reports: BenchReport[] = [];
const crashed: { bench: number; title: string; error: string }[] = [];
for (const bench of toRun) {
  console.log(`\n== ${bench.id}. ${bench.title}`);
  try {
    const report = await runOne(bench);
    reports.push(report);
    for (const f of report.figures) {
      console.log(`   ${f.name}: ${formatNumber(f.value)} ${f.unit}`);
    }
    for (const c of report.checks) {
      console.log(`   [${c.ok ? "ok" : "FAILED"}] ${c.name}${c.detail ? ` (${c.detail})` : ""}`);
    }
    console.log(`   (${report.seconds.toFixed(1)} s)`);
  } catch (error) {
    crashed.push({ bench: bench.id, title: bench.title, error: String(error) });
    console.log(`   CRASHED: ${String(error)}`);
  }
}
const totalSeconds = (performance.now() - started) / 1000;
const machineAfter = machineInfo();

console.log(`\n${textTable(reports)}\n`);
const failedChecks = reports.flatMap((r) =>
  r.checks.filter((c) => !c.ok).map((c) => `${r.bench}: ${c.name}`),
);
if (failedChecks.length > 0)
  console.log(`Self-checks FAILED (those figures are void):\n  ${failedChecks.join("\n  ")}`);
const missed = reports.flatMap((r) =>
  r.figures.filter((f) => f.met === false).map((f) => `${f.bench}: ${f.name}`),
);
if (missed.length > 0) console.log(`Targets NOT met:\n  ${missed.join("\n  ")}`);
for (const c of crashed) console.log(`Benchmark ${c.bench} (${c.title}) did not finish: ${c.error}`);
console.log(
  `Total ${totalSeconds.toFixed(0)} s on ${machineBefore.nproc} × ${machineBefore.cpuModel}, node ${machineBefore.node}; load average ${machineBefore.loadavg.join(" ")} before, ${machineAfter.loadavg.join(" ")} after.`,
);

mkdirSync(new URL("results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("results/latest.json", import.meta.url),
  `${JSON.stringify(
    {
      ranAt: new Date().toISOString(),
      totalSeconds,
      machine: { ...machineBefore, loadavgAfter: machineAfter.loadavg },
      reports,
      crashed,
      markdownTable: markdownTable(reports),
    },
    null,
    2,
  )}\n`,
);
console.log("Wrote bench/results/latest.json");
process.exit(crashed.length > 0 ? 1 : 0);
