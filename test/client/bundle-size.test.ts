import { describe, expect, it } from "vitest";
import { KB, measureBundle } from "../../bench/bundle/measure.js";

const BUDGET_BYTES = 60 * KB;

describe("credit-journey/client in the browser", () => {
  it("bundles with no node: import, within 60 kB minified and gzipped", async () => {
    const size = await measureBundle({ name: "client", source: `export * from "./src/client/index.ts";` });
    console.log(
      `credit-journey/client bundle: ${(size.gzippedBytes / KB).toFixed(1)} kB gzipped (budget 60 kB)`,
    );
    expect(size.nodeImports).toEqual([]);
    expect(size.gzippedBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
