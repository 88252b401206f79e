import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { ROOT } from "../bundle/measure.js";

/**
 * Imports `source` (a module's text, resolved from the repository root) as the package ships it: bundled by esbuild
 * for Node, with none of a dev transpiler's helpers (tsx wraps every named closure in `__name`, which about doubles
 * what a closure holds on the heap). For figures that measure memory. The bundle is written to a temporary
 * directory, imported, and removed.
 * @throws {Error} when esbuild cannot bundle it (rejects).
 */
export async function importCompiled<T>(source: string): Promise<T> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: "ts", sourcefile: "compiled.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    logLevel: "silent",
  });
  const dir = mkdtempSync(join(tmpdir(), "credit-journey-bench-"));
  const file = join(dir, "compiled.mjs");
  writeFileSync(file, result.outputFiles[0]!.text);
  try {
    return (await import(pathToFileURL(file).href)) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
