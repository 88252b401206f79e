/** Benchmark 3: browser bundle sizes per entry (esbuild, minified, gzipped) against their budgets. */
import { runBenchmark, secondsSince } from "../lib/child.js";
import { type BenchReport, figure } from "../lib/figure.js";
import { BROWSER_ENTRIES, KB, measureAll } from "./measure.js";

async function main(): Promise<BenchReport> {
  const started = performance.now();
  const sizes = await measureAll();
  return {
    bench: 3,
    title: "Bundle size (esbuild, minified, gzip -9)",
    seconds: secondsSince(started),
    checks: sizes.map((size) => ({
      name: `${size.name}: no node: module reached`,
      ok: size.nodeImports.length === 0,
      ...(size.nodeImports.length > 0 ? { detail: size.nodeImports.join(", ") } : {}),
    })),
    figures: sizes.map((size, i) =>
      figure({
        bench: 3,
        name: size.name,
        value: size.gzippedBytes / KB,
        unit: "kB gz",
        ...(size.budget === undefined ? {} : { target: { op: "<=", value: size.budget / KB } }),
        note: `${(size.minifiedBytes / KB).toFixed(1)} kB minified${BROWSER_ENTRIES[i]?.why ? `; ${BROWSER_ENTRIES[i]?.why}` : ""}`,
      }),
    ),
    details: { sizes },
  };
}

runBenchmark(main);
