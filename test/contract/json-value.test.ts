import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { CreateJourneyRequest, safeParse } from "../../src/contract/index.js";
import { isBoundedJson, METADATA_LIMITS } from "../../src/contract/json-value.js";

/** The nesting of a JSON value as {@link isBoundedJson} counts it (an object or array alone is level 1). */
function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const items = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...items.map(depthOf));
}

const unbounded = { maxDepth: 1_000, maxChars: Number.MAX_SAFE_INTEGER };

/** An object nested `depth` levels deep: `{ a: { a: … } }`. */
function nested(depth: number): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  let at = top;
  for (let level = 1; level < depth; level++) at = at.a = {};
  return top;
}

describe("isBoundedJson", () => {
  it("is false, never a throw, for a value whose getter or proxy trap throws", () => {
    const getter = Object.defineProperty({}, "a", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("boom");
        },
      },
    );
    for (const value of [getter, { nested: [getter] }, trap])
      expect(isBoundedJson(value, unbounded)).toBe(false);
  });

  test.prop([fc.jsonValue({ maxDepth: 6 })])(
    "takes every JSON value within its depth, and none deeper",
    (value) => {
      expect(isBoundedJson(value, unbounded)).toBe(true);
      const depth = depthOf(value);
      expect(isBoundedJson(value, { ...unbounded, maxDepth: Math.max(depth, 1) })).toBe(true);
      if (depth > 1) expect(isBoundedJson(value, { ...unbounded, maxDepth: depth - 1 })).toBe(false);
    },
  );

  test.prop([fc.jsonValue({ maxDepth: 4 })])(
    "refuses a value without escapes one character under its JSON text's length (never counts fewer)",
    (value) => {
      const text = JSON.stringify(value);
      fc.pre(!text.includes("\\"));
      expect(isBoundedJson(value, { maxDepth: 1_000, maxChars: text.length - 1 })).toBe(false);
    },
  );

  it("refuses what is not JSON, and walks a cycle or 100,000 levels without overflowing the stack", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(isBoundedJson(cycle, METADATA_LIMITS)).toBe(false);
    expect(isBoundedJson(nested(100_000), METADATA_LIMITS)).toBe(false);
    for (const bad of [{ n: Number.NaN }, { n: 1n }, { d: new Date(0) }, [1, undefined], () => 1])
      expect(isBoundedJson(bad, METADATA_LIMITS)).toBe(false);
    expect(isBoundedJson({ gone: undefined, kept: 1 }, METADATA_LIMITS)).toBe(true);
    expect(isBoundedJson(new Array(40_000).fill(0), METADATA_LIMITS)).toBe(false);
    expect(isBoundedJson({ note: "x".repeat(32_000) }, METADATA_LIMITS)).toBe(true);
  });
});

describe("CreateJourneyRequest.metadata", () => {
  it("takes metadata 16 levels deep and refuses 17, naming the field", () => {
    expect(safeParse(CreateJourneyRequest, { type: "PERSONAL_LOAN", metadata: nested(16) }, "r").ok).toBe(
      true,
    );
    const refused = safeParse(CreateJourneyRequest, { type: "PERSONAL_LOAN", metadata: nested(17) }, "r");
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.issues[0]?.path).toBe("metadata");
  });
});
