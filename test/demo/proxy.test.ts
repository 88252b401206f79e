/** The web app's proxy answers a body it will not forward itself, and never sends it upstream. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { proxyRequest } from "../../src/demo/web/proxy.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("proxyRequest", () => {
  it("answers a body over 1 MiB 413 and a JSON body that does not parse 400, and forwards neither", async () => {
    let forwarded = 0;
    const upstream = await listen(
      createServer((req, res) => {
        forwarded++;
        req.resume();
        res.writeHead(204).end();
      }),
    );
    const outcomes: string[] = [];
    const proxy = await listen(
      createServer((req, res) => {
        proxyRequest(req, res, { upstream, rewrite: [], publicOrigin: "", editJsonBody: (b) => b }).then(
          () => outcomes.push("resolved"),
          () => outcomes.push("rejected"),
        );
      }),
    );
    const big = await fetch(`${proxy}/api`, { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
    expect(big.status).toBe(413);
    const bad = await fetch(`${proxy}/api`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(bad.status).toBe(400);
    const good = await fetch(`${proxy}/api`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(good.status).toBe(204);
    expect(forwarded).toBe(1);
    await expect.poll(() => outcomes).toEqual(["resolved", "resolved", "resolved"]);
  });
});
