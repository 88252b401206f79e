import { describe, expect, it } from "vitest";
import { randomId } from "../../src/client/ids.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("randomId", () => {
  it("is a UUID v4 from crypto.randomUUID", () => {
    expect(randomId()).toMatch(UUID_V4);
    expect(randomId()).not.toBe(randomId());
  });

  it("falls back to getRandomValues where randomUUID is missing (insecure browser contexts)", () => {
    // Shadow the prototype's method with an own property; deleting it restores the original.
    Object.defineProperty(crypto, "randomUUID", { value: undefined, configurable: true });
    try {
      const ids = new Set(Array.from({ length: 50 }, () => randomId()));
      expect(ids.size).toBe(50);
      for (const id of ids) expect(id).toMatch(UUID_V4);
    } finally {
      delete (crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(typeof crypto.randomUUID).toBe("function");
  });
});
