import { describe, expect, it } from "vitest";
import {
  expressRawBody,
  type FastifyParserDone,
  RawBodyError,
  rawBodyFromExpress,
  rawBodyFromFastify,
  readRequestBody,
  useRawJsonBody,
} from "../../../src/server/index.js";

const BODY = '{ "id": "evt_1" }';

describe("Express", () => {
  it("passes through the Buffer express.raw leaves on req.body, and a string from express.text", () => {
    const buffer = Buffer.from(BODY);
    expect(rawBodyFromExpress({ body: buffer })).toBe(buffer);
    expect(rawBodyFromExpress({ body: BODY })).toBe(BODY);
  });

  it("refuses a body express.json already parsed, or none at all, naming the fix", () => {
    for (const body of [JSON.parse(BODY), {}, undefined, null]) {
      const error = (() => {
        try {
          rawBodyFromExpress({ body });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(RawBodyError);
      expect(error).toMatchObject({ reason: "NOT_RAW", status: 500 });
      expect((error as Error).message).toContain("express.raw");
    }
  });

  it("builds express.raw middleware for JSON bodies with the limit", () => {
    const calls: unknown[] = [];
    const middleware = expressRawBody(
      {
        raw: (options) => {
          calls.push(options);
          return "mw";
        },
      },
      2048,
    );
    expect(middleware).toBe("mw");
    expect(calls).toEqual([{ type: "application/json", limit: 2048 }]);
  });
});

describe("Fastify", () => {
  it("replaces the scope's JSON parser by one that keeps the Buffer", () => {
    const parsers = new Map<
      string,
      { options: unknown; parse: (b: Buffer, done: FastifyParserDone) => void }
    >();
    parsers.set("application/json", { options: {}, parse: () => {} });
    const fastify = {
      hasContentTypeParser: (type: string) => parsers.has(type),
      removeContentTypeParser: (type: string) => parsers.delete(type),
      addContentTypeParser(
        type: string,
        options: unknown,
        parser: (request: unknown, body: Buffer | string, done: FastifyParserDone) => void,
      ) {
        if (parsers.has(type)) throw new Error("FST_ERR_CTP_ALREADY_PRESENT");
        parsers.set(type, { options, parse: (body, done) => parser({}, body, done) });
      },
    };
    useRawJsonBody(fastify, 4096);
    const installed = parsers.get("application/json")!;
    expect(installed.options).toEqual({ parseAs: "buffer", bodyLimit: 4096 });
    const buffer = Buffer.from(BODY);
    let handedOver: unknown;
    installed.parse(buffer, (error, body) => {
      expect(error).toBeNull();
      handedOver = body;
    });
    expect(handedOver).toBe(buffer);
    expect(rawBodyFromFastify({ body: handedOver })).toBe(buffer);
  });

  it("refuses a parsed body naming the Fastify fix", () => {
    expect(() => rawBodyFromFastify({ body: { id: "evt_1" } })).toThrow(/useRawJsonBody/);
  });
});

describe("Fetch API and Hono", () => {
  it("reads a Request's exact bytes", async () => {
    const body = await readRequestBody(new Request("http://x/", { method: "POST", body: BODY }));
    expect(new TextDecoder().decode(body)).toBe(BODY);
  });

  it("reads Hono's c.req through the Request it wraps: its declared length, its stream and bodyUsed count", async () => {
    const honoOf = (raw: Request) => ({ raw, arrayBuffer: () => raw.clone().arrayBuffer() });
    const post = (body: string, headers: Record<string, string> = {}) =>
      new Request("http://x/webhooks", { method: "POST", body, headers });
    expect(new TextDecoder().decode(await readRequestBody(honoOf(post(BODY))))).toBe(BODY);
    const declared = honoOf(post("x", { "content-length": "5000000" }));
    await expect(readRequestBody(declared, { limit: 1024 })).rejects.toMatchObject({ reason: "TOO_LARGE" });
    const big = honoOf(post("y".repeat(4096)));
    await expect(readRequestBody(big, { limit: 1024 })).rejects.toMatchObject({ reason: "TOO_LARGE" });
    const read = post(BODY);
    await read.text();
    await expect(readRequestBody(honoOf(read))).rejects.toMatchObject({ reason: "ALREADY_CONSUMED" });
  });

  it("reads through a Hono-like c.req that only offers arrayBuffer()", async () => {
    const honoReq = { arrayBuffer: async () => new TextEncoder().encode(BODY).buffer };
    expect(new TextDecoder().decode(await readRequestBody(honoReq))).toBe(BODY);
  });

  it("refuses a body already read, and one over the limit", async () => {
    const used = new Request("http://x/", { method: "POST", body: BODY });
    await used.json();
    await expect(readRequestBody(used)).rejects.toMatchObject({ reason: "ALREADY_CONSUMED" });
    const big = new Request("http://x/", { method: "POST", body: "x".repeat(100) });
    await expect(readRequestBody(big, { limit: 99 })).rejects.toMatchObject({
      reason: "TOO_LARGE",
      status: 413,
    });
    const declared = {
      arrayBuffer: async () => new ArrayBuffer(0),
      headers: new Headers({ "content-length": "500" }),
    };
    await expect(readRequestBody(declared, { limit: 100 })).rejects.toMatchObject({ reason: "TOO_LARGE" });
  });

  it("reports ABORTED when reading fails", async () => {
    const failing = {
      arrayBuffer: async (): Promise<ArrayBuffer> => {
        throw new TypeError("network error");
      },
    };
    await expect(readRequestBody(failing)).rejects.toMatchObject({ reason: "ABORTED" });
  });
});
