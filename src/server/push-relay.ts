import type { IncomingMessage, ServerResponse } from "node:http";
import type { JourneySnapshot } from "../contract/index.js";

/** Decides whether a request may watch a journey: the partner's own borrower authentication. */
export type PushAuthorizer = (
  request: { headers: Headers; url: string },
  journeyID: string,
) => boolean | Promise<boolean>;

/** Options of {@link createPushRelay}. */
export interface PushRelayOptions {
  /** Called for every connection; a `false` answers 403 and nothing is streamed. */
  readonly authorize: PushAuthorizer;
  /** A `heartbeat` event is sent this often: proxies keep the stream open and the app knows it is live (default 15,000 ms). */
  readonly heartbeatMs?: number;
  /** Looks up the newest stored snapshot when this process has none (e.g. from a `JourneyStore`). */
  readonly latest?: (journeyID: string) => Promise<JourneySnapshot | undefined>;
}

/** A Server-Sent-Events relay of verified journey snapshots to borrower apps. */
export interface PushRelay {
  /** Streams `snapshot` to every watcher of its journey, if newer than the last one relayed. */
  publish(snapshot: JourneySnapshot): void;
  /** Serves one watcher over node:http until the client goes away. Never rejects: failures answer 403/500. */
  handleNode(req: IncomingMessage, res: ServerResponse, journeyID: string): Promise<void>;
  /** Serves one watcher as a Fetch-API `Response` with a streaming body (Hono, edge runtimes). */
  handleFetch(request: Request, journeyID: string): Promise<Response>;
  /** How many watchers are connected now. */
  connections(): number;
  /** Ends every stream and stops the heartbeats. */
  close(): void;
}

interface Watcher {
  readonly journeyID: string;
  send(frame: string): void;
  end(): void;
}

/** The heartbeat frame: an event (not a comment) so a client can tell a live, quiet stream from a dead one. */
export const HEARTBEAT_FRAME = "event: heartbeat\ndata: {}\n\n";

/** Formats a snapshot as one SSE frame whose `id` is its version, so `Last-Event-ID` resumes exactly. */
export function snapshotFrame(snapshot: JourneySnapshot): string {
  return `id: ${snapshot.version}\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
}

/**
 * Creates an in-process push relay. Snapshots are whole states, so a reconnecting watcher only needs the
 * newest one above its `Last-Event-ID`: no backlog is kept. Several processes each relay what they verify;
 * give `latest` a shared store so a watcher connecting to any process starts from the newest state.
 */
export function createPushRelay(options: PushRelayOptions): PushRelay {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const newest = new Map<string, JourneySnapshot>();
  const watchers = new Set<Watcher>();
  const heartbeat = setInterval(() => {
    for (const w of watchers) w.send(HEARTBEAT_FRAME);
  }, heartbeatMs);
  heartbeat.unref?.();

  async function opening(journeyID: string, lastEventId: string | null): Promise<string> {
    const snapshot = newest.get(journeyID) ?? (await options.latest?.(journeyID));
    if (!snapshot) return "";
    const seen = lastEventId === null ? 0 : Number.parseInt(lastEventId, 10) || 0;
    return snapshot.version > seen ? snapshotFrame(snapshot) : "";
  }

  function toHeaders(req: IncomingMessage): Headers {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    return headers;
  }

  return {
    publish(snapshot) {
      const held = newest.get(snapshot.journeyID);
      if (held && held.version >= snapshot.version) return;
      newest.set(snapshot.journeyID, snapshot);
      const frame = snapshotFrame(snapshot);
      for (const w of watchers) if (w.journeyID === snapshot.journeyID) w.send(frame);
    },

    async handleNode(req, res, journeyID) {
      const headers = toHeaders(req);
      let first: string;
      try {
        if (!(await options.authorize({ headers, url: req.url ?? "" }, journeyID))) {
          res.writeHead(403, { "content-type": "text/plain" }).end("forbidden");
          return;
        }
        first = await opening(journeyID, headers.get("last-event-id"));
      } catch {
        res.writeHead(500, { "content-type": "text/plain" }).end("push relay failed");
        return;
      }
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      res.write(`retry: 1000\n\n${first}`);
      const watcher: Watcher = {
        journeyID,
        send: (frame) => res.write(frame),
        end: () => res.end(),
      };
      watchers.add(watcher);
      await new Promise<void>((resolve) => {
        res.on("close", () => {
          watchers.delete(watcher);
          resolve();
        });
      });
    },

    async handleFetch(request, journeyID) {
      try {
        if (!(await options.authorize({ headers: request.headers, url: request.url }, journeyID))) {
          return new Response("forbidden", { status: 403 });
        }
        const first = await opening(journeyID, request.headers.get("last-event-id"));
        const encoder = new TextEncoder();
        let watcher: Watcher | undefined;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode(`retry: 1000\n\n${first}`));
            watcher = {
              journeyID,
              send: (frame) => controller.enqueue(encoder.encode(frame)),
              end: () => controller.close(),
            };
            watchers.add(watcher);
            request.signal?.addEventListener("abort", () => {
              if (watcher) watchers.delete(watcher);
            });
          },
          cancel() {
            if (watcher) watchers.delete(watcher);
          },
        });
        return new Response(body, {
          status: 200,
          headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
        });
      } catch {
        return new Response("push relay failed", { status: 500 });
      }
    },

    connections: () => watchers.size,

    close() {
      clearInterval(heartbeat);
      for (const w of watchers) w.end();
      watchers.clear();
    },
  };
}
