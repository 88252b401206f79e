/** One measured figure of a benchmark, with its target and its same-run baseline. */
export interface Figure {
  /** Which benchmark (1–6) produced it. */
  readonly bench: number;
  /** What was measured, in words. */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The goal: `value` must be `>=` or `<=` this. Absent: reported only. */
  readonly target?: { readonly op: ">=" | "<="; readonly value: number; readonly unit?: string };
  /** The same-run baseline it is compared with. */
  readonly baseline?: { readonly name: string; readonly value: number; readonly unit: string };
  /** `value / baseline.value` when a baseline exists. */
  readonly ratio?: number;
  /** Whether the target is met (absent when there is no target). */
  readonly met?: boolean;
  /** What limits it, or what it means. */
  readonly note?: string;
}

/** What one benchmark reports: its figures, how long it took, and the facts a reader needs to trust them. */
export interface BenchReport {
  readonly bench: number;
  readonly title: string;
  readonly figures: readonly Figure[];
  readonly seconds: number;
  /** Checks the run made of itself (e.g. every advancing event was applied); a failed one voids the figures. */
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly detail?: string }[];
  /** Parameters and raw counts, kept in the JSON output. */
  readonly details?: Record<string, unknown>;
}

/** Builds a figure, computing `met` from the target and `ratio` from the baseline. */
export function figure(input: Omit<Figure, "met" | "ratio"> & { ratio?: number }): Figure {
  const met =
    input.target === undefined
      ? undefined
      : input.target.op === ">="
        ? input.value >= input.target.value
        : input.value <= input.target.value;
  const ratio =
    input.ratio ??
    (input.baseline !== undefined && input.baseline.value !== 0
      ? input.value / input.baseline.value
      : undefined);
  return {
    ...input,
    ...(ratio === undefined ? {} : { ratio }),
    ...(met === undefined ? {} : { met }),
  };
}
