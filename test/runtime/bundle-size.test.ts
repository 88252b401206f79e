import { describe, expect, it } from "vitest";
import { KB, measureBundle, RUNTIME_WITH_CLIENT } from "../../bench/bundle/measure.js";

const BUDGET_BYTES = RUNTIME_WITH_CLIENT.budget as number;

describe("credit-journey/runtime in the browser", () => {
  it("bundles with its client, with no node: import, within 60 kB minified and gzipped", async () => {
    // What an app ships: the runtime and the client it is given (the budget check's entry, bench/bundle-budget.ts).
    const size = await measureBundle(RUNTIME_WITH_CLIENT);
    console.log(
      `credit-journey/runtime + client bundle: ${(size.gzippedBytes / KB).toFixed(1)} kB gzipped (budget 60 kB)`,
    );
    expect(size.nodeImports).toEqual([]);
    expect(size.gzippedBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
