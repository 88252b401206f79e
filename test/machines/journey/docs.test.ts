import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderStateMachineDoc } from "../../../machines/journey/journey.docs.js";
import { JOURNEY_STATUSES, LIFECYCLE } from "../../../src/contract/index.js";

describe("docs/state-machine.md", () => {
  const onDisk = readFileSync(new URL("../../../docs/state-machine.md", import.meta.url), "utf8");
  it("matches what `npm run gen` generates from the machine (run it after changing the machine)", () => {
    expect(onDisk).toBe(renderStateMachineDoc());
  });
  it("opens with the happy path alone: each lifecycle status to the next, then CLOSED, and nothing else wired", () => {
    const happy = onDisk.slice(onDisk.indexOf("## The happy path"), onDisk.indexOf("## Diagram"));
    const edges = [...happy.matchAll(/^ {2}(\S+) --> (\S+)$/gm)].map((m) => `${m[1]}>${m[2]}`);
    const path = ["[*]", ...LIFECYCLE, "CLOSED", "[*]"];
    expect(edges).toEqual(path.slice(1).map((to, i) => `${path[i]}>${to}`));
    expect(happy).toMatch(/^ {2}REJECTED : /m);
    expect(happy).toMatch(/^ {2}EXPIRED : /m);
    expect(onDisk.indexOf("## The happy path")).toBeLessThan(onDisk.indexOf("## Diagram"));
  });
  it("has a Mermaid diagram and a table row for every lifecycle status", () => {
    expect(onDisk).toContain("```mermaid\nstateDiagram-v2");
    for (const status of JOURNEY_STATUSES)
      expect(onDisk).toMatch(new RegExp(`\\| \`(ended\\.)?${status}\` \\|`));
  });
});
