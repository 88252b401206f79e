import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the scripted server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** What the server does with a request: answer, hang until the client gives up, or drop the connection. */
export type Reply =
  | {
      readonly status: number;
      /** A success body is sent as the envelope's `data`, unless it is a string or `raw` is set. */
      readonly body?: unknown;
      readonly headers?: Record<string, string>;
      /** Send `body` as it is, without the platform's envelope. */
      readonly raw?: boolean;
    }
  | { readonly hang: true }
  | { readonly drop: true };

/** Decides the reply to the `index`-th request (0-based). */
export type Script = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

/** A loopback HTTP server that answers from a script and records every request. */
export interface ScriptedServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

function header(message: IncomingMessage, name: string): string | undefined {
  const value = message.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Starts a scripted server on 127.0.0.1 and an ephemeral port. */
export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string | undefined> = {};
    for (const name of Object.keys(req.headers)) headers[name] = header(req, name);
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    const index = requests.push(recorded) - 1;
    const reply = await script(recorded, index);
    if ("hang" in reply) {
      hanging.add(res);
      return;
    }
    if ("drop" in reply) {
      req.socket.destroy();
      return;
    }
    const wrap = reply.status < 300 && reply.raw !== true && typeof reply.body === "object";
    const body = wrap ? enveloped(reply.body, headers["x-correlation-id"]) : reply.body;
    const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(reply.status, {
      ...(text === "" ? {} : { "content-type": "application/json" }),
      "x-correlation-id": headers["x-correlation-id"] ?? "srv-generated",
      ...reply.headers,
    });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Replies in order, one per request; the last one repeats. */
export function inOrder(...replies: Reply[]): Script {
  return (_request, index) => replies[Math.min(index, replies.length - 1)]!;
}

/** The request id every scripted answer carries. */
export const SCRIPTED_REQUEST_ID = "7d3c1a2b-0e9f-4a8b-9c6d-5e4f3a2b1c0d";
/** The server time every scripted answer carries. */
export const SCRIPTED_TIMESTAMP = "2026-11-26T10:00:00.000Z";

/** `data` in the platform's envelope `{ requestID, correlationID, timestamp, data, error: null }` [L3]. */
export function enveloped(data: unknown, correlationID = "corr-from-server") {
  return { requestID: SCRIPTED_REQUEST_ID, correlationID, timestamp: SCRIPTED_TIMESTAMP, data, error: null };
}

/** An error body as the platform sends it: the envelope with `data: null` and `error: { code, message }` [L3]. */
export function problem(
  _status: number,
  code: string,
  extra: {
    detail?: string;
    errors?: { path: string; message: string; code?: string }[];
    correlationID?: string;
  } = {},
) {
  return {
    requestID: SCRIPTED_REQUEST_ID,
    correlationID: extra.correlationID ?? "corr-from-server",
    timestamp: SCRIPTED_TIMESTAMP,
    data: null,
    error: {
      code,
      message: extra.detail ?? code,
      ...(extra.errors === undefined ? {} : { fields: extra.errors }),
    },
  };
}

/** A reply carrying an error body. */
export function problemReply(status: number, code: string, headers: Record<string, string> = {}): Reply {
  return { status, body: problem(status, code), headers };
}
