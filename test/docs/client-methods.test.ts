/** docs/client.md's method table names every method the borrower client has: a method added is documented. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createBorrowerClient } from "../../src/client/index.js";

const doc = readFileSync(new URL("../../docs/client.md", import.meta.url), "utf8");

describe("docs/client.md", () => {
  it("has a row in the method table for every borrower client method", () => {
    const client = createBorrowerClient({
      baseUrl: "https://api.lender.example",
      getSessionToken: () => "session-token",
      refreshSession: async () => "session-token",
    });
    const methods = Object.keys(client).filter(
      (name) => typeof (client as unknown as Record<string, unknown>)[name] === "function",
    );
    expect(methods.length).toBeGreaterThan(10);
    const rows = new Set([...doc.matchAll(/^\| `(\w+)\(/gm)].map((match) => match[1]));
    expect(methods.filter((name) => !rows.has(name))).toEqual([]);
  });
});
