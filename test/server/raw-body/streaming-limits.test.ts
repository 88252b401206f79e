import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createMemoryJourneyStore,
  createWebhookHandler,
  expressRawBody,
  RawBodyError,
  RawBodyLimitError,
  readRawBody,
  readRequestBody,
  useRawJsonBody,
} from "../../../src/server/index.js";

const MiB = 1024 * 1024;
const HUGE = 128 * MiB;
const CHUNK = 64 * 1024;
const LIMIT = MiB;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((done) => s.close(done));
  }
});

/** A body of `total` bytes made one chunk at a time when pulled, never held: counts what was pulled. */
function generatedBody(total: number) {
  const counter = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.pulled >= total) return controller.close();
        const size = Math.min(CHUNK, total - counter.pulled);
        counter.pulled += size;
        controller.enqueue(new Uint8Array(size).fill(0x20));
      },
      cancel() {
        counter.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

function streamingRequest(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Request {
  return new Request("http://partner.example/webhooks", {
    method: "POST",
    body,
    headers,
    duplex: "half",
  } as RequestInit);
}

/** RSS growth across `run`, in bytes (after a GC when the process exposes one). */
async function rssGrowth(run: () => Promise<void>): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  await run();
  gc?.();
  return process.memoryUsage().rss - before;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("readRequestBody on a 128 MiB stream", () => {
  it("stops after the limit plus one chunk when no length is declared, and cancels the stream", async () => {
    const { stream, counter } = generatedBody(HUGE);
    let error: unknown;
    const growth = await rssGrowth(async () => {
      error = await rejection(readRequestBody(streamingRequest(stream), { limit: LIMIT }));
    });
    expect(error).toBeInstanceOf(RawBodyError);
    expect(error).toMatchObject({ reason: "TOO_LARGE", status: 413 });
    expect(counter.pulled).toBeLessThanOrEqual(LIMIT + CHUNK);
    expect(counter.cancelled).toBe(true);
    expect(growth).toBeLessThan(16 * MiB);
  });

  it("refuses a declared content-length over the limit before reading anything", async () => {
    const { stream, counter } = generatedBody(HUGE);
    const error = await rejection(
      readRequestBody(streamingRequest(stream, { "content-length": String(HUGE) }), { limit: LIMIT }),
    );
    expect(error).toMatchObject({ reason: "TOO_LARGE", status: 413 });
    expect((error as Error).message).toContain(`declares ${HUGE} bytes`);
    expect(counter.pulled).toBeLessThanOrEqual(CHUNK);
    expect(counter.cancelled).toBe(true);
  });

  it("still reads a body under the limit, across chunks, to the exact bytes", async () => {
    const { stream, counter } = generatedBody(3 * CHUNK + 5);
    const body = await readRequestBody(streamingRequest(stream), { limit: LIMIT });
    expect(body.byteLength).toBe(3 * CHUNK + 5);
    expect(body.every((b) => b === 0x20)).toBe(true);
    expect(counter.cancelled).toBe(false);
  });

  it("reads exactly the limit, refuses one byte more", async () => {
    await expect(
      readRequestBody(streamingRequest(generatedBody(LIMIT).stream), { limit: LIMIT }),
    ).resolves.toHaveLength(LIMIT);
    await expect(
      readRequestBody(streamingRequest(generatedBody(LIMIT + 1).stream), { limit: LIMIT }),
    ).rejects.toMatchObject({ reason: "TOO_LARGE" });
  });

  it("reports ABORTED when the stream fails, ALREADY_CONSUMED when something holds it", async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("socket hang up"));
      },
    });
    await expect(readRequestBody(streamingRequest(failing))).rejects.toMatchObject({ reason: "ABORTED" });
    const held = streamingRequest(generatedBody(10).stream);
    held.body!.getReader();
    await expect(readRequestBody(held)).rejects.toMatchObject({ reason: "ALREADY_CONSUMED", status: 500 });
  });
});

describe("the webhook handler's Fetch adapter on a 128 MiB stream", () => {
  for (const declared of [false, true]) {
    it(`answers 413 after at most the limit plus one chunk (${declared ? "declared" : "undeclared"} length)`, async () => {
      const handler = await createWebhookHandler({
        secrets: SECRET,
        store: createMemoryJourneyStore(),
        bodyLimit: LIMIT,
      });
      const { stream, counter } = generatedBody(HUGE);
      let response: Response | undefined;
      const growth = await rssGrowth(async () => {
        response = await handler.fetch(
          streamingRequest(stream, declared ? { "content-length": String(HUGE) } : {}),
        );
      });
      expect(response?.status).toBe(413);
      expect(await response?.json()).toMatchObject({ outcome: "invalid" });
      expect(counter.pulled).toBeLessThanOrEqual(declared ? CHUNK : LIMIT + CHUNK);
      expect(counter.cancelled).toBe(true);
      expect(growth).toBeLessThan(16 * MiB);
    });
  }
});

/** POSTs `total` generated bytes, chunked, honouring backpressure; stops when the server answers or hangs up. */
function postGenerated(port: number, total: number, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; connection: string | undefined; pulled: number }>((resolve) => {
    let pulled = 0;
    let status = 0;
    let connection: string | undefined;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve({ status, connection, pulled });
    };
    const req = request({ port, host: "127.0.0.1", method: "POST", headers }, (res) => {
      status = res.statusCode ?? 0;
      connection = res.headers.connection;
      res.resume();
      res.on("end", finish);
      res.on("error", finish);
    });
    req.on("error", finish);
    req.on("close", () => setTimeout(finish, 50));
    const pump = () => {
      while (!settled && pulled < total) {
        const size = Math.min(CHUNK, total - pulled);
        pulled += size;
        if (!req.write(Buffer.alloc(size, 0x20))) {
          req.once("drain", pump);
          return;
        }
      }
      if (!settled) req.end();
    };
    pump();
  });
}

async function serve(listener: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return (server.address() as AddressInfo).port;
}

describe("node:http adapters on a 128 MiB upload", () => {
  it("readRawBody refuses after at most the limit plus one chunk, and the connection closes", async () => {
    const seen: { error?: unknown; bytesAtRefusal: number; bytesAtClose?: number }[] = [];
    const port = await serve((req, res) => {
      const socket = req.socket;
      const entry: (typeof seen)[number] = { bytesAtRefusal: 0 };
      seen.push(entry);
      socket.on("close", () => {
        entry.bytesAtClose = socket.bytesRead;
      });
      readRawBody(req, { limit: LIMIT }).then(
        () => res.end("ok"),
        (error: unknown) => {
          entry.error = error;
          entry.bytesAtRefusal = socket.bytesRead;
          res.writeHead(413, { connection: "close" }).end();
        },
      );
    });
    let client: Awaited<ReturnType<typeof postGenerated>> | undefined;
    const growth = await rssGrowth(async () => {
      client = await postGenerated(port, HUGE, { "transfer-encoding": "chunked" });
    });
    while (seen[0]?.bytesAtClose === undefined) await new Promise((r) => setTimeout(r, 10));
    const [entry] = seen;
    expect(entry!.error).toMatchObject({ reason: "TOO_LARGE", status: 413 });
    // What the socket had read when the body was refused: the limit, the chunk that crossed it, chunk framing.
    expect(entry!.bytesAtRefusal).toBeLessThanOrEqual(LIMIT + 2 * CHUNK);
    // Far from the 128 MiB offered: the connection closes instead of reading the rest (kernel socket buffers
    // let a few MiB more through on loopback).
    expect(entry!.bytesAtClose).toBeLessThan(LIMIT + 8 * MiB);
    expect(client!.pulled).toBeLessThan(32 * MiB);
    expect(growth).toBeLessThan(16 * MiB);
  });

  for (const declared of [false, true]) {
    it(`the webhook handler answers 413 with the connection closed (${declared ? "declared" : "undeclared"} length)`, async () => {
      const handler = await createWebhookHandler({
        secrets: SECRET,
        store: createMemoryJourneyStore(),
        bodyLimit: LIMIT,
      });
      const answers: { status: number; bytesAtClose?: number }[] = [];
      const port = await serve((req, res) => {
        const answer: (typeof answers)[number] = { status: 0 };
        answers.push(answer);
        res.on("finish", () => {
          answer.status = res.statusCode;
        });
        req.socket.on("close", () => {
          answer.bytesAtClose = req.socket.bytesRead;
        });
        void handler.node(req, res);
      });
      let client: Awaited<ReturnType<typeof postGenerated>> | undefined;
      const growth = await rssGrowth(async () => {
        client = await postGenerated(
          port,
          HUGE,
          declared ? { "content-length": String(HUGE) } : { "transfer-encoding": "chunked" },
        );
      });
      while (answers[0]?.bytesAtClose === undefined) await new Promise((r) => setTimeout(r, 10));
      expect(answers[0]).toMatchObject({ status: 413 });
      expect(client).toMatchObject({ status: 413, connection: "close" });
      expect(answers[0]!.bytesAtClose).toBeLessThan(LIMIT + 8 * MiB);
      expect(client!.pulled).toBeLessThan(32 * MiB);
      expect(growth).toBeLessThan(16 * MiB);
    });
  }
});

describe("body limit options", () => {
  it("are checked where they are given, with a typed error naming the field", async () => {
    for (const limit of [0, -1, 1.5, Number.NaN, "1024"]) {
      const read = await rejection(
        readRequestBody(new Request("http://x", { method: "POST", body: "{}" }), { limit: limit as number }),
      );
      expect(read).toBeInstanceOf(RawBodyLimitError);
      expect(read).toBeInstanceOf(RangeError);
      expect(read).toMatchObject({ _tag: "RawBodyLimitError", field: "limit" });
      const created = await rejection(
        createWebhookHandler({
          secrets: SECRET,
          store: createMemoryJourneyStore(),
          bodyLimit: limit as number,
        }),
      );
      expect(created).toMatchObject({ _tag: "RawBodyLimitError", field: "bodyLimit" });
      expect(() => expressRawBody({ raw: () => "mw" }, limit as number)).toThrow(RawBodyLimitError);
      expect(() => useRawJsonBody({ addContentTypeParser: () => undefined }, limit as number)).toThrow(
        RawBodyLimitError,
      );
    }
  });
});
