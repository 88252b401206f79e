/** The web app's proxy answers a body it will not forward itself, and never sends it upstream. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { proxyRequest } from "../../src/demo/web/proxy.js";
import { rawStatus } from "./raw-request.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * An upstream answering 204 (counting what reaches it) behind a proxy that edits JSON bodies (as they are), and
 * how each proxied request settled.
 */
async function editingProxy() {
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
  return { proxy, outcomes, forwarded: () => forwarded };
}

describe("proxyRequest", () => {
  it("answers a body over 1 MiB 413 and a JSON body that does not parse 400, and forwards neither", async () => {
    const { proxy, outcomes, forwarded } = await editingProxy();
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
    expect(forwarded()).toBe(1);
    await expect.poll(() => outcomes).toEqual(["resolved", "resolved", "resolved"]);
  });

  it("never sends a request elsewhere: a target that is no path is 400, and the upstream gets no cookie", async () => {
    const seen: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
    const answer = (name: string) =>
      createServer((req, res) => {
        seen.push({ url: `${name} ${req.url}`, headers: req.headers });
        req.resume();
        res.writeHead(204).end();
      });
    const upstream = await listen(answer("upstream"));
    const elsewhere = await listen(answer("elsewhere"));
    const outcomes: string[] = [];
    const proxy = await listen(
      createServer((req, res) => {
        proxyRequest(req, res, { upstream, rewrite: [], publicOrigin: "" }).then(
          () => outcomes.push("resolved"),
          () => outcomes.push("rejected"),
        );
      }),
    );
    const host = elsewhere.slice("http://".length);
    const targets = [`${elsewhere}/api`, `//${host}/api`, `/\\${host}/api`, "//[", "*"];
    const statuses = await Promise.all(targets.map((target) => rawStatus(proxy, target)));
    expect(statuses).toEqual(targets.map(() => 400));
    const ok = await fetch(`${proxy}/api/x?y=1`, {
      headers: { cookie: "sid=another-app", authorization: "Bearer t" },
    });
    expect(ok.status).toBe(204);
    expect(seen.map((s) => s.url)).toEqual(["upstream /api/x?y=1"]);
    expect(seen[0]?.headers.cookie).toBeUndefined();
    expect(seen[0]?.headers.authorization).toBe("Bearer t");
    await expect.poll(() => outcomes).toHaveLength(targets.length + 1);
    expect(new Set(outcomes)).toEqual(new Set(["resolved"]));
  });

  it("refuses a JSON body to edit that is nested over 64 deep with 400, and never rejects", async () => {
    const { proxy, outcomes, forwarded } = await editingProxy();
    const post = (body: string) =>
      fetch(`${proxy}/api`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(5_000),
      });
    // 200,000 deep: parses, but re-encoding it overflowed the stack (a rejection the server answered 500).
    const deep = await post(`{"a":${"[".repeat(200_000)}${"]".repeat(200_000)}}`);
    expect(deep.status).toBe(400);
    expect(await deep.text()).toContain("nested deeper than 64");
    expect((await post(`{"a":${"[".repeat(63)}${"]".repeat(63)}}`)).status).toBe(204);
    expect(forwarded()).toBe(1);
    await expect.poll(() => outcomes).toEqual(["resolved", "resolved"]);
  });
});
