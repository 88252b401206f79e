import { createServer, get, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JourneySnapshot } from "../../src/contract/index.js";
import { createManualClock } from "../../src/runtime/clock.js";
import { snapshotStream } from "../../src/runtime/sse.js";
import {
  createPushRelay,
  type PushRelay,
  PushRelayConfigError,
  snapshotFrame,
} from "../../src/server/push-relay.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";

const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
let server: Server | undefined;
let relay: PushRelay | undefined;

afterEach(() => {
  vi.useRealTimers();
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
    relay.publish(snapshotFixture({ asOf: 3 }));
    const url = await serve(relay);
    const abort = new AbortController();
    const received = take(snapshots(snapshotStream({ url: `${url}/${JOURNEY}`, signal: abort.signal })), 2);
    while (relay.connections() === 0) await new Promise((r) => setTimeout(r, 5));
    relay.publish(snapshotFixture({ asOf: 2 }));
    relay.publish(snapshotFixture({ asOf: 4, status: "OFFER_SELECTED" }));
    const asOfs = (await received).map((s) => (s as { asOf: number }).asOf);
    abort.abort();
    expect(asOfs).toEqual([3, 4]);
  });

  it("resumes from Last-Event-ID: nothing is re-sent that the watcher already has", async () => {
    relay = createPushRelay({ authorize: () => true });
    relay.publish(snapshotFixture({ asOf: 5 }));
    const url = await serve(relay);
    const res = await fetch(`${url}/${JOURNEY}`, { headers: { "last-event-id": "5" } });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    relay.publish(snapshotFixture({ asOf: 6 }));
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

  it("gives authorize an absolute url over node:http, as over Fetch, so a query token reads the same", async () => {
    const tokens: (string | null)[] = [];
    relay = createPushRelay({
      authorize: (req) => {
        tokens.push(new URL(req.url).searchParams.get("token"));
        return false;
      },
    });
    const url = await serve(relay);
    expect((await fetch(`${url}/${JOURNEY}?token=t-node`)).status).toBe(403);
    await relay.handleFetch(new Request(`http://x/push/${JOURNEY}?token=t-fetch`), JOURNEY);
    expect(tokens).toEqual(["t-node", "t-fetch"]);
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
      latest: async () => snapshotFixture({ asOf: 9 }),
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

describe("push relay: a snapshot published while the store is read", () => {
  it("is the watcher's first frame, not the older row the read found", async () => {
    const reading = gate<JourneySnapshot>();
    relay = createPushRelay({ authorize: () => true, latest: () => reading.promise });
    const watching = fetchWatcher(relay);
    await tick();
    relay.publish(snapshotFixture({ asOf: 200, status: "OFFERS_AVAILABLE" }));
    reading.open(snapshotFixture({ asOf: 100, status: "OFFERS_PENDING" }));
    const reader = (await watching).body!.getReader();
    const text = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(versionsIn(text)).toEqual([200]);
  });
});

describe("push relay: a held snapshot the store has moved past", () => {
  it("starts a new watcher from the store's newer row, and from what it holds when the read fails", async () => {
    let stored: JourneySnapshot | Error = snapshotFixture({ asOf: 300, status: "OFFERS_AVAILABLE" });
    relay = createPushRelay({
      authorize: () => true,
      latest: async () => {
        if (stored instanceof Error) throw stored;
        return stored;
      },
    });
    // Held from an earlier publish; the change to 300 reached the store but not this process (a feed that dropped).
    relay.publish(snapshotFixture({ asOf: 200, status: "OFFERS_PENDING" }));
    const first = async () => {
      const reader = (await fetchWatcher(relay!)).body!.getReader();
      const text = new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      return versionsIn(text);
    };
    expect(await first()).toEqual([300]);
    stored = new Error("the store is down");
    expect(await first()).toEqual([200]);
  });
});

/** A promise and its resolver, to hold `authorize` open. */
function gate<T>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function fetchWatcher(r: PushRelay, journeyID = JOURNEY, signal?: AbortSignal): Promise<Response> {
  return r.handleFetch(new Request(`http://x/push/${journeyID}`, signal ? { signal } : {}), journeyID);
}

/** The snapshot asOfs in a chunk of SSE text. */
function versionsIn(text: string): number[] {
  return [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
}

describe("push relay: the abort race", () => {
  it("leaves none of 200 Fetch watchers registered when each aborts while authorize is pending", async () => {
    const pending = gate<boolean>();
    relay = createPushRelay({ authorize: () => pending.promise });
    const aborts = Array.from({ length: 200 }, () => new AbortController());
    const responses = aborts.map((a) => fetchWatcher(relay!, JOURNEY, a.signal));
    await tick();
    expect(relay.stats()).toMatchObject({ watchers: 0, admitting: 200 });
    for (const a of aborts) a.abort();
    pending.open(true);
    const answered = await Promise.all(responses);
    expect(answered.map((r) => r.status)).toEqual(Array(200).fill(499));
    expect(relay.connections()).toBe(0);
    expect(relay.stats()).toMatchObject({ watchers: 0, admitting: 0 });
    relay.publish(snapshotFixture({ asOf: 2 }));
    expect(relay.stats().pendingFrames).toBe(0);
  });

  it("unregisters a Fetch watcher aborted after it started streaming", async () => {
    relay = createPushRelay({ authorize: () => true });
    const abort = new AbortController();
    const res = await fetchWatcher(relay, JOURNEY, abort.signal);
    expect(res.status).toBe(200);
    expect(relay.connections()).toBe(1);
    abort.abort();
    expect(relay.connections()).toBe(0);
  });

  it("leaves no node:http watcher registered when the client goes away while authorize is pending", async () => {
    const pending = gate<boolean>();
    let asked = 0;
    relay = createPushRelay({
      authorize: () => {
        asked++;
        return pending.promise;
      },
    });
    const url = await serve(relay);
    const requests = Array.from({ length: 20 }, () => {
      const req = get(`${url}/${JOURNEY}`);
      req.on("error", () => {});
      return req;
    });
    while (asked < 20) await new Promise((r) => setTimeout(r, 5));
    for (const req of requests) req.destroy();
    await new Promise((r) => setTimeout(r, 50));
    pending.open(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(relay.stats()).toMatchObject({ watchers: 0, admitting: 0 });
  });

  it("registers no node:http watcher for a client gone before handleNode was called (the app's own auth ran first)", async () => {
    const push = createPushRelay({ authorize: () => true, maxWatchers: 3 });
    relay = push;
    const handled: Promise<void>[] = [];
    let arrived = 0;
    const waiting = gate<boolean>();
    server = createServer((req, res) => {
      arrived++;
      // The route awaits the app's own authentication before it reaches the relay.
      void waiting.promise.then(() => handled.push(push.handleNode(req, res, JOURNEY)));
    });
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const requests = Array.from({ length: 3 }, () => {
      const req = get(`${url}/${JOURNEY}`);
      req.on("error", () => {});
      return req;
    });
    while (arrived < 3) await new Promise((r) => setTimeout(r, 5));
    for (const req of requests) req.destroy();
    await new Promise((r) => setTimeout(r, 50));
    waiting.open(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(push.stats()).toMatchObject({ watchers: 0, admitting: 0 });
    // And each handleNode call is over (it never resolved, holding its slot for ever).
    const over = Promise.all(handled).then(() => "over");
    expect(await Promise.race([over, new Promise((r) => setTimeout(() => r("pending"), 1_000))])).toBe(
      "over",
    );
  });
});

describe("push relay: backpressure", () => {
  it("keeps 5 paused Fetch readers bounded while 1,000 snapshots are published: only the newest waits", async () => {
    relay = createPushRelay({ authorize: () => true });
    const readers = await Promise.all(
      Array.from({ length: 5 }, async () => (await fetchWatcher(relay!)).body!.getReader()),
    );
    for (const reader of readers) await reader.read(); // the opening frame; then the readers pause
    for (let v = 1; v <= 1_000; v++) relay.publish(snapshotFixture({ asOf: v }));

    const largest = snapshotFrame(snapshotFixture({ asOf: 1_000 })).length;
    const stats = relay.stats();
    expect(stats.watchers).toBe(5);
    expect(stats.pendingFrames).toBe(5); // one frame each, not 999
    expect(stats.bufferedBytes).toBeLessThanOrEqual(5 * largest); // one chunk each in the stream's queue
    expect(stats.droppedFrames).toBe(5 * 998);

    // A reader that resumes gets the frame it had room for, then straight the newest.
    const decoder = new TextDecoder();
    const first = decoder.decode((await readers[0]!.read()).value);
    const second = decoder.decode((await readers[0]!.read()).value);
    expect([...versionsIn(first), ...versionsIn(second)]).toEqual([1, 1_000]);
    expect(relay.stats().pendingFrames).toBe(4);
    for (const reader of readers) await reader.cancel();
    expect(relay.stats()).toMatchObject({ watchers: 0, pendingFrames: 0, bufferedBytes: 0 });
  });

  it("keeps 5 paused node:http readers bounded: the socket buffer and one pending frame each", async () => {
    relay = createPushRelay({ authorize: () => true });
    const url = await serve(relay);
    const responses: IncomingMessage[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await new Promise<IncomingMessage>((resolve) => get(`${url}/${JOURNEY}`, resolve));
      res.pause(); // never read: the kernel buffers fill, then the server's socket, then the relay holds back
      responses.push(res);
    }
    while (relay.connections() < 5) await new Promise((r) => setTimeout(r, 5));
    // Frames large enough (16 KiB each) that 1,000 of them, 16 MiB per reader, overflow any socket buffer.
    const padding = "x".repeat(16 * 1024);
    const big = (asOf: number) => ({ ...snapshotFixture({ asOf }), padding }) as JourneySnapshot;
    for (let v = 1; v <= 1_000; v++) {
      relay.publish(big(v));
      if (v % 50 === 0) await new Promise((r) => setTimeout(r, 1)); // lets the sockets report they are full
    }
    const frame = snapshotFrame(big(1_000)).length;
    const stats = relay.stats();
    expect(stats.watchers).toBe(5);
    expect(stats.pendingFrames).toBeLessThanOrEqual(5);
    expect(stats.droppedFrames).toBeGreaterThan(0);
    // Per watcher: what the socket had room for (its 16 KiB high-water mark) plus the frame that crossed it.
    expect(stats.bufferedBytes).toBeLessThanOrEqual(5 * (16 * 1024 + frame));
    for (const res of responses) res.destroy();
  });
});

describe("push relay: the connection cap", () => {
  it("answers 503 past maxWatchers, counting connections still being authorized, and admits again after one leaves", async () => {
    const pending = gate<boolean>();
    let held = true;
    relay = createPushRelay({ authorize: () => (held ? pending.promise : true), maxWatchers: 3 });
    const first = [fetchWatcher(relay), fetchWatcher(relay), fetchWatcher(relay)];
    await tick();
    const refused = await fetchWatcher(relay);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    held = false;
    pending.open(true);
    const streams = await Promise.all(first);
    expect(streams.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await fetchWatcher(relay)).status).toBe(503);
    await streams[0]!.body!.cancel();
    const next = await fetchWatcher(relay);
    expect(next.status).toBe(200);
    expect(relay.stats()).toMatchObject({ watchers: 3, refused: 2 });
    await next.body!.cancel();
  });

  it("answers 503 over node:http past the cap", async () => {
    relay = createPushRelay({ authorize: () => true, maxWatchers: 1 });
    const url = await serve(relay);
    const open = await fetch(`${url}/${JOURNEY}`);
    expect(open.status).toBe(200);
    const refused = await fetch(`${url}/${JOURNEY}`);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toBe("push relay is full");
    await open.body!.cancel();
  });
});

describe("push relay: the newest-snapshot map", () => {
  it("forgets a journey's snapshot snapshotTtlMs after its last watcher left, keeps watched ones (on its clock)", async () => {
    const clock = createManualClock();
    relay = createPushRelay({ authorize: () => true, heartbeatMs: 100, snapshotTtlMs: 1_000, clock });
    for (let j = 0; j < 50; j++) relay.publish(snapshotFixture({ journeyID: `jrn_map${j}`, asOf: 1 }));
    const watched = await Promise.all(
      Array.from({ length: 10 }, (_, j) => fetchWatcher(relay!, `jrn_map${j}`)),
    );
    expect(relay.stats().snapshots).toBe(50);
    clock.advance(1_100);
    expect(relay.stats().snapshots).toBe(10);
    for (const res of watched) await res.body!.cancel();
    clock.advance(500);
    expect(relay.stats().snapshots).toBe(10); // not yet: the TTL runs from when the watchers left
    clock.advance(600);
    expect(relay.stats().snapshots).toBe(0);
    // Its heartbeats run on that clock too: none is due until it moves.
    expect(clock.pending()).toBe(1);
  });

  it("keeps at most maxSnapshots unwatched journeys, dropping the least recently published", async () => {
    relay = createPushRelay({ authorize: () => true, maxSnapshots: 5 });
    for (let j = 0; j < 20; j++) relay.publish(snapshotFixture({ journeyID: `jrn_cap${j}`, asOf: 1 }));
    expect(relay.stats().snapshots).toBe(5);
    const reader = (await fetchWatcher(relay, "jrn_cap19")).body!.getReader();
    expect(versionsIn(new TextDecoder().decode((await reader.read()).value))).toEqual([1]);
    await reader.cancel();
    const old = (await fetchWatcher(relay, "jrn_cap0")).body!.getReader();
    expect(versionsIn(new TextDecoder().decode((await old.read()).value))).toEqual([]);
    await old.cancel();
  });
});

describe("push relay: options", () => {
  it("are checked at construction, with a typed error naming the field", () => {
    const cases: [unknown, string][] = [
      [{}, "authorize"],
      [undefined, "options"],
      [{ authorize: "yes" }, "authorize"],
      [{ authorize: () => true, heartbeatMs: 0 }, "heartbeatMs"],
      [{ authorize: () => true, heartbeatMs: "15000" }, "heartbeatMs"],
      [{ authorize: () => true, maxWatchers: -1 }, "maxWatchers"],
      [{ authorize: () => true, maxWatchers: 1.5 }, "maxWatchers"],
      [{ authorize: () => true, snapshotTtlMs: Number.NaN }, "snapshotTtlMs"],
      [{ authorize: () => true, clock: { now: () => 0 } }, "clock"],
      [{ authorize: () => true, maxSnapshots: 0 }, "maxSnapshots"],
      [{ authorize: () => true, latest: {} }, "latest"],
    ];
    for (const [options, field] of cases) {
      let error: unknown;
      try {
        createPushRelay(options as Parameters<typeof createPushRelay>[0]);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(PushRelayConfigError);
      expect(error).toMatchObject({ _tag: "PushRelayConfigError", field });
    }
  });

  it("answers 503 after close()", async () => {
    relay = createPushRelay({ authorize: () => true });
    relay.close();
    expect((await fetchWatcher(relay)).status).toBe(503);
  });
});
