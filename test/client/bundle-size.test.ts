import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/** The browser budget of the client entry, minified and gzipped; the runtime shares it later. */
const BUDGET_BYTES = 60 * 1024;

describe("credit-journey/client in the browser", () => {
  it("bundles with no node: import, within 60 kB minified and gzipped", async () => {
    const result = await build({
      entryPoints: [new URL("../../src/client/index.ts", import.meta.url).pathname],
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
      `credit-journey/client bundle: ${(code.byteLength / 1024).toFixed(1)} kB minified, ${(gzipped / 1024).toFixed(1)} kB gzipped (budget ${BUDGET_BYTES / 1024} kB)`,
    );
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
