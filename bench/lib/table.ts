import type { BenchReport, Figure } from "./figure.js";

/** A number for a table cell: thousands separators for big values, 3 significant digits for small ones. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs === 0) return "0";
  return value.toPrecision(3);
}

function targetCell(f: Figure): string {
  if (!f.target) return "—";
  return `${f.target.op === ">=" ? "≥" : "≤"} ${formatNumber(f.target.value)}${f.target.unit ? ` ${f.target.unit}` : ""}`;
}

function baselineCell(f: Figure): string {
  if (!f.baseline) return "—";
  return `${formatNumber(f.baseline.value)} ${f.baseline.unit} (${f.baseline.name})`;
}

function metCell(f: Figure): string {
  if (f.met === undefined) return "—";
  return f.met ? "yes" : "**NO**";
}

/** The figures as rows: bench, figure, value, target, baseline, ratio to baseline, met. */
export function rows(reports: readonly BenchReport[]): string[][] {
  return reports.flatMap((report) =>
    report.figures.map((f) => [
      String(f.bench),
      f.name,
      `${formatNumber(f.value)} ${f.unit}`,
      targetCell(f),
      baselineCell(f),
      f.ratio === undefined ? "—" : `${formatNumber(f.ratio)}×`,
      metCell(f),
    ]),
  );
}

const HEADER = ["#", "figure", "value", "target", "same-run baseline", "ratio", "met"];

/** A Markdown table of every figure. */
export function markdownTable(reports: readonly BenchReport[]): string {
  const lines = [`| ${HEADER.join(" | ")} |`, `|${HEADER.map(() => "---").join("|")}|`];
  for (const row of rows(reports)) lines.push(`| ${row.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`);
  return lines.join("\n");
}

/** A fixed-width text table of every figure, for the terminal. */
export function textTable(reports: readonly BenchReport[]): string {
  const all = [HEADER, ...rows(reports).map((r) => r.map((c) => c.replaceAll("**", "")))];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
