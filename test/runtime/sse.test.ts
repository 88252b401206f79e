import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseEventStream, snapshotStream } from "../../src/runtime/sse.js";

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
});
