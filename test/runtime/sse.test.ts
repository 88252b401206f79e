import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  EventStreamLimitError,
  MAX_EVENT_CHARS,
  MAX_EVENT_ID_CHARS,
  parseEventStream,
  snapshotStream,
} from "../../src/runtime/sse.js";

async function* chunks(...parts: string[]) {
  yield* parts;
}

async function collect<T>(it: AsyncIterable<T>, max = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) {
    out.push(v);
    if (out.length >= max) break;
  }
  return out;
}

describe("parseEventStream", () => {
  it("joins data lines, keeps ids and event names, ignores comments, across chunk boundaries", async () => {
    const events = await collect(
      parseEventStream(
        chunks(": hi\n", "id: 1\nevent: snap", 'shot\ndata: {"a":\ndata: 1}\n\n', "data: x\r\n\r\n"),
      ),
    );
    expect(events).toEqual([
      { id: "1", event: "snapshot", data: '{"a":\n1}' },
      { id: "1", event: "message", data: "x" },
    ]);
  });
});

describe("parseEventStream, at the edges", () => {
  it("reads a CRLF split across chunks as one line end (the event keeps its name and data)", async () => {
    const events = await collect(
      parseEventStream(chunks("event: snapshot\r", '\ndata: {"a":1}\r', "\n\r", "\ndata: x\r", "\n\r\n")),
    );
    expect(events).toEqual([
      { event: "snapshot", data: '{"a":1}' },
      { event: "message", data: "x" },
    ]);
  });

  it("refuses a line, or an event's data, longer than MAX_EVENT_CHARS instead of holding it all", async () => {
    const long = "x".repeat(MAX_EVENT_CHARS / 4);
    await expect(
      collect(parseEventStream(chunks("data: ", long, long, long, long, "x"))),
    ).rejects.toBeInstanceOf(EventStreamLimitError);
    const lines = Array.from({ length: 5 }, () => `data: ${long}\n`);
    await expect(collect(parseEventStream(chunks(...lines)))).rejects.toBeInstanceOf(EventStreamLimitError);
    // Up to the limit is read.
    expect(await collect(parseEventStream(chunks(`data: ${long}\n\n`)))).toHaveLength(1);
    // Any field's line, arriving whole in one chunk, counts too.
    const id = `id: ${"9".repeat(MAX_EVENT_CHARS + 1)}\n`;
    await expect(collect(parseEventStream(chunks(id, "data: {}\n\n")))).rejects.toBeInstanceOf(
      EventStreamLimitError,
    );
  });

  it("ignores an id no request header can carry: longer than MAX_EVENT_ID_CHARS, not printable ASCII", async () => {
    const events = await collect(
      parseEventStream(
        chunks(
          "id: 7\ndata: a\n\n",
          `id: ${"8".repeat(MAX_EVENT_ID_CHARS + 1)}\ndata: b\n\n`,
          "id: 日本\ndata: c\n\n",
          "id: 9\ndata: d\n\n",
        ),
      ),
    );
    // Kept, each would be sent back as Last-Event-ID on every reconnect: refused (431), or a fetch that throws.
    expect(events.map((e) => e.id)).toEqual(["7", "7", "7", "9"]);
  });
});

describe("snapshotStream", () => {
  const servers: { close(): void }[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  it("yields snapshot and heartbeat events and reconnects with Last-Event-ID after a drop", async () => {
    const seen: (string | undefined)[] = [];
    let connection = 0;
    const server = createServer((req, res: ServerResponse) => {
      seen.push(req.headers["last-event-id"] as string | undefined);
      res.writeHead(200, { "content-type": "text/event-stream" });
      connection += 1;
      if (connection === 1) {
        res.write('id: 7\nevent: snapshot\ndata: {"asOf":7}\n\n');
        res.write("event: heartbeat\ndata: {}\n\n");
        res.end();
      } else {
        res.write('id: 8\nevent: snapshot\ndata: {"asOf":8}\n\n');
      }
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const abort = new AbortController();
    const values = await collect(
      snapshotStream({ url: `http://127.0.0.1:${port}/push`, signal: abort.signal, sleep: async () => {} }),
      3,
    );
    abort.abort();
    server.closeAllConnections();
    expect(values).toEqual([{ asOf: 7 }, { kind: "heartbeat" }, { asOf: 8 }]);
    expect(seen).toEqual([undefined, "7"]);
  });

  it("waits out a refusal's Retry-After (the relay's 503 when full), and retries a 4xx without its Last-Event-ID", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res: ServerResponse) => {
      seen.push(req.headers["last-event-id"] as string | undefined);
      if (seen.length === 1) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end('id: 7\nevent: snapshot\ndata: {"asOf":7}\n\n');
      } else if (seen.length === 2) res.writeHead(431).end();
      else if (seen.length === 3) res.writeHead(503, { "retry-after": "5" }).end();
      else {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write('id: 9\nevent: snapshot\ndata: {"asOf":9}\n\n');
      }
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const abort = new AbortController();
    const waits: number[] = [];
    const values = await collect(
      snapshotStream({
        url: `http://127.0.0.1:${port}/push`,
        signal: abort.signal,
        sleep: async (ms) => void waits.push(ms),
      }),
      2,
    );
    abort.abort();
    server.closeAllConnections();
    expect(values).toEqual([{ asOf: 7 }, { asOf: 9 }]);
    expect(seen).toEqual([undefined, "7", undefined, undefined]);
    expect(waits).toEqual([1_000, 1_000, 5_000]);
  });

  it("closes the connection at once when the iteration ends, even while a read is waiting", async () => {
    let closedAt: Promise<void> | undefined;
    const server = createServer((req, res: ServerResponse) => {
      closedAt = new Promise((resolve) => req.socket.once("close", () => resolve()));
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('event: snapshot\ndata: {"asOf":1}\n\n');
      // Then nothing more: the stream's next read waits.
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const stream = snapshotStream({ url: `http://127.0.0.1:${port}/push` });
    expect(await stream.next()).toEqual({ done: false, value: { asOf: 1 } });
    const waiting = stream.next();
    await stream.return?.();
    await closedAt;
    expect(await waiting).toMatchObject({ done: true });
  });

  it("ends during the reconnect wait once its signal aborts, without waiting it out", async () => {
    let requests = 0;
    const server = createServer((_req, res: ServerResponse) => {
      requests++;
      res.writeHead(503).end();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const abort = new AbortController();
    const stream = snapshotStream({
      url: `http://127.0.0.1:${port}/push`,
      signal: abort.signal,
      reconnectMs: 3_600_000,
    });
    const ended = stream.next();
    while (requests === 0) await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    expect(await ended).toMatchObject({ done: true });
    expect(requests).toBe(1);
  });
});
