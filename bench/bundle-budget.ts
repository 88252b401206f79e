/**
 * The bundle budget check for CI: bundles every browser entry (esbuild, minified, gzipped) and exits 1 when an
 * entry exceeds its budget or reaches a `node:` module. Run: `npx tsx bench/bundle-budget.ts`.
 */
import { KB, measureAll } from "./bundle/measure.js";

const sizes = await measureAll();
let failed = false;
for (const size of sizes) {
  const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} kB`;
  const budget = size.budget === undefined ? "no budget" : `budget ${kb(size.budget)}`;
  const problems = [
    ...(size.withinBudget ? [] : ["OVER BUDGET"]),
    ...(size.nodeImports.length > 0 ? [`reaches ${size.nodeImports.join(", ")}`] : []),
  ];
  if (problems.length > 0) failed = true;
  console.log(
    `${problems.length > 0 ? "FAIL" : "ok  "} ${size.name}: ${kb(size.gzippedBytes)} gzipped (${kb(size.minifiedBytes)} minified), ${budget}${problems.length > 0 ? ` — ${problems.join("; ")}` : ""}`,
  );
}
process.exit(failed ? 1 : 0);
