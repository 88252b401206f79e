/**
 * Prints the Markdown of a run for docs/performance.md from `bench/results/latest.json`: the machine, the load
 * average, and the table. Run: `npx tsx bench/report.ts`.
 */
import { readFileSync } from "node:fs";

const run = JSON.parse(readFileSync(new URL("results/latest.json", import.meta.url), "utf8")) as {
  ranAt: string;
  totalSeconds: number;
  machine: {
    nproc: number;
    cpuModel: string;
    freeH: string;
    node: string;
    platform: string;
    loadavg: number[];
    loadavgAfter: number[];
  };
  markdownTable: string;
  reports: { bench: number; checks: { name: string; ok: boolean; detail?: string }[] }[];
};
const m = run.machine;
const failed = run.reports.flatMap((r) =>
  r.checks.filter((c) => !c.ok).map((c) => `- benchmark ${r.bench}: ${c.name} (${c.detail ?? ""})`),
);
console.log(`Run of ${run.ranAt}, ${Math.round(run.totalSeconds)} s in all.

- \`nproc\`: ${m.nproc}
- CPU (/proc/cpuinfo): ${m.cpuModel}
- node: ${m.node} on ${m.platform}
- load average (1, 5, 15 min): ${m.loadavg.join(", ")} before the run, ${m.loadavgAfter.join(", ")} after
- \`free -h\`:

\`\`\`
${m.freeH}
\`\`\`

${run.markdownTable}

${failed.length === 0 ? "Every self-check of the run passed." : `Self-checks that FAILED (those figures are void):\n${failed.join("\n")}`}`);
