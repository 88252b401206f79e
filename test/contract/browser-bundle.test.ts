import { describe, expect, it } from "vitest";
import { measureBundle } from "../../bench/bundle/measure.js";

describe("root entry in the browser", () => {
  it("bundles for the browser platform with no node: import", async () => {
    const size = await measureBundle({ name: "credit-journey", source: `export * from "./src/index.ts";` });
    expect(size.nodeImports).toEqual([]);
  });
});
