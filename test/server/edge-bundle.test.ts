import { build } from "esbuild";
import { describe, expect, it } from "vitest";

describe("server kit on edge runtimes", () => {
  it("bundles src/server/edge.ts for the browser platform with no node: import", async () => {
    const result = await build({
      entryPoints: [new URL("../../src/server/edge.ts", import.meta.url).pathname],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    expect(imports.filter((p) => p.startsWith("node:"))).toEqual([]);
    expect(result.outputFiles[0]?.text).not.toMatch(/from\s*["']node:/);
  });

  it("verifies a signed delivery with only Web Crypto in reach", async () => {
    const edge = await import("../../src/server/edge.js");
    const body = '{"test": 1}';
    const headers = await edge.signWebhook({
      webhookId: "msg_1",
      timestamp: 1_700_000_000,
      body,
      secrets: "whsec_c2VjcmV0",
    });
    const request = new Request("https://partner.example/webhooks", { method: "POST", body, headers });
    const raw = await edge.readRequestBody(request);
    await expect(
      edge.verifySignature(raw, request.headers, "whsec_c2VjcmV0", { now: 1_700_000_000_000 }),
    ).resolves.toMatchObject({ webhookId: "msg_1" });
  });
});
