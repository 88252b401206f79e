import { describe, expect, it } from "vitest";
import { KB, measureBundle } from "../../bench/bundle/measure.js";

const LIMIT_BYTES = 31 * KB;

describe('browser bundle of `import { journey } from "credit-journey"`', () => {
  it(`is at most ${LIMIT_BYTES / KB} kB minified and gzipped (1 kB = 1,024 B)`, async () => {
    const size = await measureBundle({
      name: "journey",
      source: `import { journey } from "./src/index.ts"; globalThis.journey = journey;`,
    });
    console.log(
      `journey bundle: ${size.minifiedBytes} B minified, ${size.gzippedBytes} B gzipped (limit ${LIMIT_BYTES} B)`,
    );
    expect(size.nodeImports).toEqual([]);
    expect(size.gzippedBytes).toBeLessThanOrEqual(LIMIT_BYTES);
  });
});
