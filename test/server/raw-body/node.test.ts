import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RawBodyError, readRawBody } from "../../../src/server/index.js";

type Outcome = { body: Buffer } | { error: unknown };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

/** A loopback server that reads each request with `readRawBody` and reports the outcome. */
async function serve(read: (req: IncomingMessage) => Promise<Buffer>) {
  const outcomes: Outcome[] = [];
  let notify: () => void = () => {};
  const server = createServer((req, res) => {
    read(req).then(
      (body) => {
        outcomes.push({ body });
        notify();
        res.end("ok");
      },
      (error: unknown) => {
        outcomes.push({ error });
        notify();
        res.writeHead(error instanceof RawBodyError ? error.status : 500, { connection: "close" }).end();
      },
    );
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  const next = () =>
    new Promise<Outcome>((resolve) => {
      if (outcomes.length > 0) return resolve(outcomes.shift()!);
      notify = () => resolve(outcomes.shift()!);
    });
  return { port, next };
}

function post(port: number, parts: readonly (string | Buffer)[], headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = request({ port, host: "127.0.0.1", method: "POST", headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}

describe("readRawBody over node:http", () => {
  it("hands over the exact bytes, whitespace, key order and multi-byte characters included, across chunks", async () => {
    const { port, next } = await serve((req) => readRawBody(req));
    const body = '{ "b": 1,\n  "a": "₹ पैसा ✓" }\n';
    const bytes = Buffer.from(body);
    const status = await post(port, [bytes.subarray(0, 9), bytes.subarray(9, 20), bytes.subarray(20)], {
      "content-type": "application/json",
    });
    expect(status).toBe(200);
    const outcome = await next();
    expect("body" in outcome && outcome.body.equals(bytes)).toBe(true);
  });

  it("reads a request a middleware paused (the read resumes it, and settles)", async () => {
    const { port, next } = await serve(async (req) => {
      req.pause();
      await new Promise((resolve) => setTimeout(resolve, 10));
      return readRawBody(req);
    });
    const sent = post(port, ['{"a":1}'], { "content-type": "application/json" });
    const outcome = await Promise.race([
      next(),
      new Promise<"pending">((resolve) => setTimeout(() => resolve("pending"), 2_000)),
    ]);
    expect(outcome !== "pending" && "body" in outcome && outcome.body.toString()).toBe('{"a":1}');
    expect(await sent).toBe(200);
  });

  it("refuses a body whose content-length is over the limit, before reading it", async () => {
    const { port, next } = await serve((req) => readRawBody(req, { limit: 10 }));
    const status = await post(port, ["x".repeat(11)], { "content-length": "11" });
    expect(status).toBe(413);
    expect(await next()).toMatchObject({ error: { reason: "TOO_LARGE", status: 413 } });
  });

  it("refuses a chunked body once it grows past the limit", async () => {
    const { port, next } = await serve((req) => readRawBody(req, { limit: 16 }));
    const status = await post(port, ["0123456789", "0123456789"], { "transfer-encoding": "chunked" });
    expect(status).toBe(413);
    expect(await next()).toMatchObject({ error: { reason: "TOO_LARGE" } });
  });

  it("reports ALREADY_CONSUMED when something read the body first", async () => {
    const { port, next } = await serve(async (req) => {
      for await (const _ of req) {
        // a body parser that ran first
      }
      return readRawBody(req);
    });
    expect(await post(port, ["{}"])).toBe(500);
    expect(await next()).toMatchObject({ error: { reason: "ALREADY_CONSUMED", status: 500 } });
  });

  it("reports ABORTED when the client goes away mid-body", async () => {
    const { port, next } = await serve((req) => readRawBody(req));
    const req = request({ port, host: "127.0.0.1", method: "POST", headers: { "content-length": "100" } });
    req.on("error", () => {});
    req.write("partial", () => setImmediate(() => req.destroy()));
    expect(await next()).toMatchObject({ error: { reason: "ABORTED", status: 400 } });
  });

  it("reports ABORTED, not a read that never settles, when the client went away before the read began", async () => {
    const { port, next } = await serve(async (req) => {
      // Something awaited first (auth, a lookup) while the client went away.
      await new Promise<void>((resolve) => req.once("close", () => resolve()));
      return readRawBody(req);
    });
    const req = request({ port, host: "127.0.0.1", method: "POST", headers: { "content-length": "100" } });
    req.on("error", () => {});
    req.write("partial", () => setImmediate(() => req.destroy()));
    expect(await next()).toMatchObject({ error: { reason: "ABORTED", status: 400 } });
  });

  it("rejects an invalid limit with a RangeError", async () => {
    const { port, next } = await serve((req) => readRawBody(req, { limit: 0 }));
    await post(port, ["{}"]);
    const outcome = await next();
    expect("error" in outcome && outcome.error).toBeInstanceOf(RangeError);
  });
});
