import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** One browser entry and its budget (minified + gzipped bytes); `budget` absent: reported only. */
export interface BundleEntry {
  readonly name: string;
  /** Module source, bundled from the repository root. */
  readonly source: string;
  readonly budget?: number;
  readonly why?: string;
}

/** A measured bundle. */
export interface BundleSize {
  readonly name: string;
  readonly minifiedBytes: number;
  readonly gzippedBytes: number;
  readonly budget?: number;
  /** `node:` modules the bundle reaches (must be none for a browser entry). */
  readonly nodeImports: readonly string[];
  readonly withinBudget: boolean;
}

/** 1 kB = 1,024 bytes here, as in the test suite's budgets. */
export const KB = 1024;

/** The repository root. */
export const ROOT = new URL("../..", import.meta.url).pathname;

/**
 * What a browser app ships to drive a journey (issue D's budget): the whole runtime and the borrower client it is
 * given. `test/runtime/bundle-size.test.ts` checks the same entry.
 */
export const RUNTIME_WITH_CLIENT: BundleEntry = {
  name: "credit-journey/runtime + its borrower client",
  source: `export * from "./src/runtime/index.ts"; export { createBorrowerClient } from "./src/client/index.ts";`,
  budget: 60 * KB,
};

/**
 * The browser entries of the package. The whole entry is bundled (every export kept), the way an app that
 * imports much of it would pay; `import { journey }` alone is measured too.
 */
export const BROWSER_ENTRIES: readonly BundleEntry[] = [
  { name: "credit-journey (root, every export)", source: `export * from "./src/index.ts";`, budget: 32 * KB },
  {
    name: "credit-journey: import { journey } only",
    source: `import { journey } from "./src/index.ts"; globalThis.journey = journey;`,
  },
  { name: "credit-journey/contract (every schema)", source: `export * from "./src/contract/index.ts";` },
  { name: "credit-journey/client", source: `export * from "./src/client/index.ts";` },
  { name: "credit-journey/runtime", source: `export * from "./src/runtime/index.ts";` },
  RUNTIME_WITH_CLIENT,
  {
    name: "credit-journey/runtime + /client together, every export",
    source: `export * from "./src/runtime/index.ts"; export * from "./src/client/index.ts";`,
    why: "the borrower client's entry also holds createPartnerClient (~1.1 kB), which refuses to run in a browser",
  },
  {
    name: "credit-journey/testing (fast-check bundled)",
    source: `export * from "./src/testing/index.ts";`,
    why: "a test-time entry; fast-check (a peer) is most of it",
  },
  { name: "credit-journey/server/edge", source: `export * from "./src/server/edge.ts";` },
];

/**
 * Bundles one entry for the browser (esbuild, ESM, minified) and gzips it at level 9.
 * @throws {Error} when esbuild fails to bundle the entry.
 */
export async function measureBundle(entry: BundleEntry): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: entry.source, resolveDir: ROOT, loader: "ts", sourcefile: "entry.ts" },
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  const nodeImports = [
    ...new Set(
      Object.values(result.metafile.inputs).flatMap((input) =>
        input.imports.map((i) => i.path).filter((path) => path.startsWith("node:")),
      ),
    ),
  ];
  const gzippedBytes = gzipSync(code, { level: 9 }).byteLength;
  return {
    name: entry.name,
    minifiedBytes: code.byteLength,
    gzippedBytes,
    ...(entry.budget === undefined ? {} : { budget: entry.budget }),
    nodeImports,
    withinBudget: entry.budget === undefined || gzippedBytes <= entry.budget,
  };
}

/** Measures every browser entry, in order. */
export async function measureAll(entries: readonly BundleEntry[] = BROWSER_ENTRIES): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const entry of entries) sizes.push(await measureBundle(entry));
  return sizes;
}
