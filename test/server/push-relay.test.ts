import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { snapshotStream } from "../../src/runtime/sse.js";
import { createPushRelay, type PushRelay } from "../../src/server/push-relay.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";

const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
let server: Server | undefined;
let relay: PushRelay | undefined;

afterEach(() => {
  relay?.close();
  server?.closeAllConnections();
  server?.close();
});

async function serve(r: PushRelay): Promise<string> {
  server = createServer((req, res) => {
    const id = new URL(req.url ?? "/", "http://x").pathname.split("/").pop() ?? "";
    void r.handleNode(req, res, id);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
}

/** The stream without its heartbeats. */
async function* snapshots(stream: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  for await (const value of stream) if ((value as { kind?: string }).kind !== "heartbeat") yield value;
}

async function take(iterable: AsyncIterable<unknown>, n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of iterable) {
    out.push(v);
    if (out.length === n) break;
  }
  return out;
}

describe("push relay", () => {
  it("streams the newest snapshot on connect, then each newer one, never a stale one", async () => {
    relay = createPushRelay({ authorize: () => true, heartbeatMs: 10 });
    relay.publish(snapshotFixture({ version: 3 }));
    const url = await serve(relay);
    const abort = new AbortController();
    const received = take(snapshots(snapshotStream({ url: `${url}/${JOURNEY}`, signal: abort.signal })), 2);
    while (relay.connections() === 0) await new Promise((r) => setTimeout(r, 5));
    relay.publish(snapshotFixture({ version: 2 }));
    relay.publish(snapshotFixture({ version: 4, status: "OFFER_SELECTED" }));
    const versions = (await received).map((s) => (s as { version: number }).version);
    abort.abort();
    expect(versions).toEqual([3, 4]);
  });

  it("resumes from Last-Event-ID: nothing is re-sent that the watcher already has", async () => {
    relay = createPushRelay({ authorize: () => true });
    relay.publish(snapshotFixture({ version: 5 }));
    const url = await serve(relay);
    const res = await fetch(`${url}/${JOURNEY}`, { headers: { "last-event-id": "5" } });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    relay.publish(snapshotFixture({ version: 6 }));
    const next = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(first).toBe("retry: 1000\n\n");
    expect(next).toContain("id: 6\nevent: snapshot\n");
  });

  it("sends heartbeat events while the journey is quiet", async () => {
    relay = createPushRelay({ authorize: () => true, heartbeatMs: 5 });
    const url = await serve(relay);
    const res = await fetch(`${url}/${JOURNEY}`);
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: heartbeat\ndata: {}\n\n"))
      text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text.startsWith("retry: 1000\n\n")).toBe(true);
  });

  it("answers 403 when the partner's hook refuses, and streams nothing", async () => {
    relay = createPushRelay({ authorize: (_req, journeyID) => journeyID === "jrn_other" });
    relay.publish(snapshotFixture());
    const url = await serve(relay);
    const res = await fetch(`${url}/${JOURNEY}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe("forbidden");
  });

  it("serves Fetch-API requests with a streaming body and starts from the shared store", async () => {
    relay = createPushRelay({
      authorize: (req) => req.headers.get("authorization") === "Bearer app-user",
      latest: async () => snapshotFixture({ version: 9 }),
    });
    const res = await relay.handleFetch(
      new Request(`http://x/push/${JOURNEY}`, { headers: { authorization: "Bearer app-user" } }),
      JOURNEY,
    );
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.getReader();
    const text = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain("id: 9\nevent: snapshot\n");
    expect(relay.connections()).toBe(0);
  });
});
