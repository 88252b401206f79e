import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/** The browser budget of credit-journey/runtime with its client, minified and gzipped. */
const BUDGET_BYTES = 60 * 1024;

describe("credit-journey/runtime in the browser", () => {
  it("bundles with its client, with no node: import, within 60 kB minified and gzipped", async () => {
    const result = await build({
      // What an app ships: the runtime and the client it is given.
      stdin: {
        contents: `export * from "./src/runtime/index.ts"; export { createBorrowerClient } from "./src/client/index.ts";`,
        resolveDir: new URL("../..", import.meta.url).pathname,
        loader: "ts",
      },
      bundle: true,
      minify: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const imports = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.map((i) => i.path),
    );
    expect(imports.filter((path) => path.startsWith("node:"))).toEqual([]);
    const code = result.outputFiles[0]!.contents;
    expect(new TextDecoder().decode(code)).not.toMatch(/from\s*["']node:/);
    const gzipped = gzipSync(code, { level: 9 }).byteLength;
    console.log(
      `credit-journey/runtime + client bundle: ${(code.byteLength / 1024).toFixed(1)} kB minified, ${(gzipped / 1024).toFixed(1)} kB gzipped (budget ${BUDGET_BYTES / 1024} kB)`,
    );
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
