import { describe, expect, it } from "vitest";
import { measureBundle } from "../../bench/bundle/measure.js";

describe("server kit on edge runtimes", () => {
  it("bundles src/server/edge.ts for the browser platform with no node: import", async () => {
    const size = await measureBundle({
      name: "server/edge",
      source: `export * from "./src/server/edge.ts";`,
    });
    expect(size.nodeImports).toEqual([]);
  });

  it("verifies a signed delivery with only Web Crypto in reach", async () => {
    const edge = await import("../../src/server/edge.js");
    const body = '{"test": 1}';
    const headers = await edge.signWebhook({
      eventID: "evt_1",
      timestamp: 1_700_000_000_000,
      body,
      secrets: "whsec_c2VjcmV0",
    });
    const request = new Request("https://partner.example/webhooks", { method: "POST", body, headers });
    const raw = await edge.readRequestBody(request);
    await expect(
      edge.verifySignature(raw, request.headers, "whsec_c2VjcmV0", { now: 1_700_000_000_000 }),
    ).resolves.toMatchObject({ eventID: "evt_1" });
  });
});
