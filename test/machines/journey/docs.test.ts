import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderStateMachineDoc } from "../../../machines/journey/journey.docs.js";
import { JOURNEY_STATUSES } from "../../../src/contract/index.js";

describe("docs/state-machine.md", () => {
  const onDisk = readFileSync(new URL("../../../docs/state-machine.md", import.meta.url), "utf8");
  it("matches what `npm run gen` generates from the machine (run it after changing the machine)", () => {
    expect(onDisk).toBe(renderStateMachineDoc());
  });
  it("has a Mermaid diagram and a table row for every lifecycle status", () => {
    expect(onDisk).toContain("```mermaid\nstateDiagram-v2");
    for (const status of JOURNEY_STATUSES)
      expect(onDisk).toMatch(new RegExp(`\\| \`(ended\\.)?${status}\` \\|`));
  });
});
