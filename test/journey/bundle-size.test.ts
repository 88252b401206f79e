import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const LIMIT_BYTES = 30 * 1024;

describe('browser bundle of `import { journey } from "credit-journey"`', () => {
  it(`is at most ${LIMIT_BYTES / 1024} kB minified and gzipped`, async () => {
    const result = await build({
      stdin: {
        contents: `import { journey } from "./src/index.ts"; globalThis.journey = journey;`,
        resolveDir: new URL("../..", import.meta.url).pathname,
        loader: "ts",
      },
      bundle: true,
      minify: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.contents;
    const gzipped = gzipSync(code, { level: 9 }).byteLength;
    console.log(
      `journey bundle: ${code.byteLength} B minified, ${gzipped} B gzipped (limit ${LIMIT_BYTES} B)`,
    );
    expect(gzipped).toBeLessThanOrEqual(LIMIT_BYTES);
  });
});
