import type { BenchReport } from "./figure.js";

/**
 * Runs one benchmark's `main` as a program: under `bench/run.ts` (a forked child) the report goes back over
 * IPC; run by hand, it is printed as JSON. Exits non-zero when `main` rejects.
 */
export function runBenchmark(main: () => Promise<BenchReport>): void {
  main().then(
    (report) => {
      if (process.send) process.send({ kind: "report", report }, () => process.exit(0));
      else {
        console.log(JSON.stringify(report, null, 2));
        process.exit(0);
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
