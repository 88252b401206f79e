import { describe, expect, it } from "vitest";
import { KB, measureBundle } from "../../bench/bundle/measure.js";

const BUDGET_BYTES = 60 * KB;

describe("credit-journey/runtime in the browser", () => {
  it("bundles with its client, with no node: import, within 60 kB minified and gzipped", async () => {
    // What an app ships: the runtime and the client it is given.
    const size = await measureBundle({
      name: "runtime + client",
      source: `export * from "./src/runtime/index.ts"; export { createBorrowerClient } from "./src/client/index.ts";`,
    });
    console.log(
      `credit-journey/runtime + client bundle: ${(size.gzippedBytes / KB).toFixed(1)} kB gzipped (budget 60 kB)`,
    );
    expect(size.nodeImports).toEqual([]);
    expect(size.gzippedBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
