import type { IncomingMessage, ServerResponse } from "node:http";
import { CreditJourneyError } from "../contract/errors.js";
import type { JourneySnapshot } from "../contract/index.js";
import type { RuntimeClock } from "../runtime/clock.js";
import { backgroundClock, every, isRuntimeClock, MAX_TIMER_MS } from "./timers.js";

/**
 * Decides whether a request may watch a journey: the partner's own borrower authentication. `url` is absolute in
 * both adapters (over node:http, made from the `Host` header and the request's path), so `new URL(url)` reads a
 * query token either way.
 */
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
  /**
   * Looks up the newest stored snapshot (e.g. from a `JourneyStore`), read for every new watcher: the newer of it
   * and what this process holds is its first frame (what is held may have missed a change). When it throws and
   * something is held, that is sent.
   */
  readonly latest?: (journeyID: string) => Promise<JourneySnapshot | undefined>;
  /** Most connections at once, streaming or still being authorized; the next one is answered 503 (default 10,000). */
  readonly maxWatchers?: number;
  /**
   * How long the newest snapshot of a journey nobody watches is kept for the next watcher, in ms (default
   * 300,000); checked at each heartbeat. Past it, a new watcher starts from `latest`.
   */
  readonly snapshotTtlMs?: number;
  /** Most unwatched journeys whose newest snapshot is kept; the least recently published go first (default 10,000). */
  readonly maxSnapshots?: number;
  /**
   * The heartbeats' timers and the time snapshots idle from (default: `Date.now` and timers that do not keep the
   * process alive). A manual clock drives them in tests.
   */
  readonly clock?: RuntimeClock;
}

/** The relay's own counters: what it holds now, and what it refused or dropped so far. */
export interface PushRelayStats {
  /** Watchers streaming now. */
  readonly watchers: number;
  /** Connections holding a slot while `authorize` or `latest` runs. */
  readonly admitting: number;
  /** Watchers whose reader is behind, holding the one newest frame it has not taken yet (at most `watchers`). */
  readonly pendingFrames: number;
  /** Bytes handed to the watchers' transports and not yet taken by them (a few KiB per watcher at most). */
  readonly bufferedBytes: number;
  /** Frames never sent because a newer one replaced them before a slow reader took it, or heartbeats skipped. */
  readonly droppedFrames: number;
  /** Connections answered 503 because `maxWatchers` were connected. */
  readonly refused: number;
  /** Journeys whose newest snapshot is kept. */
  readonly snapshots: number;
}

/** A Server-Sent-Events relay of verified journey snapshots to borrower apps. */
export interface PushRelay {
  /** Streams `snapshot` to every watcher of its journey, if newer than the last one relayed. Never throws. */
  publish(snapshot: JourneySnapshot): void;
  /**
   * Serves one watcher over node:http until the client goes away. Never rejects: answers 403 when `authorize`
   * refuses, 500 when it or `latest` throws, 503 at `maxWatchers` or after `close()`.
   */
  handleNode(req: IncomingMessage, res: ServerResponse, journeyID: string): Promise<void>;
  /**
   * Serves one watcher as a Fetch-API `Response` with a streaming body (Hono, edge runtimes). Never rejects:
   * 403, 500 and 503 as {@link PushRelay.handleNode}; 499 when the request was aborted before it streamed.
   */
  handleFetch(request: Request, journeyID: string): Promise<Response>;
  /** How many watchers are connected now. */
  connections(): number;
  /** The journeys at least one watcher follows now (a change feed reads them again after a reconnect). */
  watched(): string[];
  /** The relay's counters: {@link PushRelayStats}. */
  stats(): PushRelayStats;
  /** Ends every stream and stops the heartbeats; later connections are answered 503. */
  close(): void;
}

/** A {@link createPushRelay} option that is missing or malformed; `field` names it. */
export class PushRelayConfigError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "PushRelayConfigError" as const;
  /** The offending option. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "PushRelayConfigError";
    this.field = field;
  }
}

/** Defaults of {@link PushRelayOptions}. */
export const PUSH_RELAY_DEFAULTS = {
  heartbeatMs: 15_000,
  maxWatchers: 10_000,
  snapshotTtlMs: 300_000,
  maxSnapshots: 10_000,
} as const;

type FrameKind = "snapshot" | "heartbeat";

interface Watcher {
  readonly journeyID: string;
  /** Hands `frame` to the transport, or, while the reader is behind, keeps it as the one pending frame. */
  send(frame: string, kind: FrameKind): void;
  hasPending(): boolean;
  buffered(): number;
  end(): void;
}

interface Remembered {
  readonly snapshot: JourneySnapshot;
  /** When the journey's last watcher left (or it was published unwatched); `undefined` while watched. */
  idleSince: number | undefined;
}

/** The heartbeat frame: an event (not a comment) so a client can tell a live, quiet stream from a dead one. */
export const HEARTBEAT_FRAME = "event: heartbeat\ndata: {}\n\n";

/** Formats a snapshot as one SSE frame whose `id` is its order key `asOf`, so `Last-Event-ID` resumes exactly. */
export function snapshotFrame(snapshot: JourneySnapshot): string {
  return `id: ${snapshot.asOf}\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
}

function checkOptions(options: unknown): Required<Omit<PushRelayOptions, "latest" | "clock">> & {
  clock: RuntimeClock;
  latest: PushRelayOptions["latest"];
} {
  if (typeof options !== "object" || options === null) {
    throw new PushRelayConfigError("options", "must be an object with at least authorize");
  }
  const given = options as Record<string, unknown>;
  if (typeof given.authorize !== "function") {
    throw new PushRelayConfigError(
      "authorize",
      given.authorize === undefined
        ? "is required: a function (request, journeyID) => boolean deciding who may watch a journey"
        : `must be a function, got ${typeof given.authorize}`,
    );
  }
  if (given.clock !== undefined && !isRuntimeClock(given.clock)) {
    throw new PushRelayConfigError("clock", "must be a clock with now() and setTimeout(fn, ms)");
  }
  if (given.latest !== undefined && typeof given.latest !== "function") {
    throw new PushRelayConfigError("latest", `must be a function, got ${typeof given.latest}`);
  }
  const integer = (field: keyof typeof PUSH_RELAY_DEFAULTS, max: number): number => {
    const value = given[field];
    if (value === undefined) return PUSH_RELAY_DEFAULTS[field];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0 || value > max) {
      throw new PushRelayConfigError(
        field,
        `must be a positive integer up to ${max}, got ${typeof value === "string" ? `"${value}"` : String(value)}`,
      );
    }
    return value;
  };
  return {
    authorize: given.authorize as PushAuthorizer,
    latest: given.latest as PushRelayOptions["latest"],
    clock: (given.clock as RuntimeClock | undefined) ?? backgroundClock,
    heartbeatMs: integer("heartbeatMs", MAX_TIMER_MS),
    maxWatchers: integer("maxWatchers", Number.MAX_SAFE_INTEGER),
    snapshotTtlMs: integer("snapshotTtlMs", Number.MAX_SAFE_INTEGER),
    maxSnapshots: integer("maxSnapshots", Number.MAX_SAFE_INTEGER),
  };
}

/**
 * Creates an in-process push relay. Snapshots are whole states, so a reconnecting watcher only needs the
 * newest one above its `Last-Event-ID`: no backlog is kept, and a reader that falls behind gets only the newest
 * frame when it catches up (the ones in between are dropped, never queued). Several processes each relay what
 * they verify; give `latest` a shared store so a watcher connecting to any process starts from the newest state.
 * @throws {PushRelayConfigError} naming the field, when `authorize` is missing or an option is malformed.
 */
export function createPushRelay(options: PushRelayOptions): PushRelay {
  const settings = checkOptions(options);
  const newest = new Map<string, Remembered>();
  const byJourney = new Map<string, Set<Watcher>>();
  const watchers = new Set<Watcher>();
  let admitted = 0;
  let dropped = 0;
  let refused = 0;
  let closed = false;
  const { clock } = settings;
  const stopHeartbeats = every(clock, settings.heartbeatMs, () => {
    for (const w of watchers) w.send(HEARTBEAT_FRAME, "heartbeat");
    forgetIdle();
  });

  /** Drops unwatched snapshots past their TTL, then the least recently published unwatched ones over the cap. */
  function forgetIdle(): void {
    const expired = clock.now() - settings.snapshotTtlMs;
    for (const [journeyID, entry] of newest) {
      if (entry.idleSince !== undefined && entry.idleSince <= expired) newest.delete(journeyID);
    }
    if (newest.size <= settings.maxSnapshots) return;
    // Map order is publish order: the first unwatched entries are the least recently published.
    for (const [journeyID, entry] of newest) {
      if (newest.size <= settings.maxSnapshots) break;
      if (entry.idleSince !== undefined) newest.delete(journeyID);
    }
  }

  /** Takes a connection slot; false at the cap (or once closed). */
  function admit(): boolean {
    if (closed || admitted >= settings.maxWatchers) {
      refused++;
      return false;
    }
    admitted++;
    return true;
  }

  function join(watcher: Watcher): void {
    watchers.add(watcher);
    const set = byJourney.get(watcher.journeyID) ?? new Set<Watcher>();
    byJourney.set(watcher.journeyID, set);
    set.add(watcher);
    const entry = newest.get(watcher.journeyID);
    if (entry) entry.idleSince = undefined;
  }

  /** Unregisters a watcher and gives its slot back; safe to call more than once. */
  function leave(watcher: Watcher): void {
    if (!watchers.delete(watcher)) return;
    admitted--;
    const set = byJourney.get(watcher.journeyID);
    set?.delete(watcher);
    if (set?.size === 0) {
      byJourney.delete(watcher.journeyID);
      const entry = newest.get(watcher.journeyID);
      if (entry) entry.idleSince = clock.now();
    }
  }

  async function opening(journeyID: string, lastEventId: string | null): Promise<string> {
    // The store is read even when a snapshot is held: what was held may have missed a change (a change feed that
    // dropped and caught up only on the watched journeys). When the read fails, what is held stands.
    const held = newest.get(journeyID)?.snapshot;
    let read: JourneySnapshot | undefined;
    try {
      read = await settings.latest?.(journeyID);
    } catch (error) {
      if (held === undefined) throw error;
    }
    // One published while the store was read, before the watcher joined, is newer than what the read found.
    const published = newest.get(journeyID)?.snapshot;
    const snapshot = published && (!read || published.asOf > read.asOf) ? published : read;
    if (!snapshot) return "";
    const seen = lastEventId === null ? 0 : Number.parseInt(lastEventId, 10) || 0;
    return snapshot.asOf > seen ? snapshotFrame(snapshot) : "";
  }

  /** A node:http request's URL made absolute, as a Fetch `Request`'s is (`localhost` when `Host` is unusable). */
  function absoluteUrl(req: IncomingMessage): string {
    const path = req.url ?? "/";
    try {
      return new URL(path, `http://${req.headers.host ?? "localhost"}`).href;
    } catch {
      return new URL(path, "http://localhost").href;
    }
  }

  function toHeaders(req: IncomingMessage): Headers {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    return headers;
  }

  /** Keeps `frame` as the one pending frame of a reader that is behind; a heartbeat never displaces a snapshot. */
  function hold(pending: string | undefined, frame: string, kind: FrameKind): string | undefined {
    if (kind === "heartbeat") {
      dropped++;
      return pending;
    }
    if (pending !== undefined) dropped++;
    return frame;
  }

  return {
    publish(snapshot) {
      if (closed) return;
      const held = newest.get(snapshot.journeyID);
      if (held && held.snapshot.asOf >= snapshot.asOf) return;
      const audience = byJourney.get(snapshot.journeyID);
      // Re-inserted, so the map's order stays the order of publishing.
      newest.delete(snapshot.journeyID);
      newest.set(snapshot.journeyID, { snapshot, idleSince: audience ? undefined : clock.now() });
      if (newest.size > settings.maxSnapshots) forgetIdle();
      if (!audience) return;
      const frame = snapshotFrame(snapshot);
      for (const w of audience) w.send(frame, "snapshot");
    },

    async handleNode(req, res, journeyID) {
      if (!admit()) {
        res.writeHead(503, { "content-type": "text/plain", "retry-after": "5" }).end("push relay is full");
        return;
      }
      // Listening from the start: a client that goes away while authorize runs must not be registered after; one
      // gone before this was called (the app's own auth awaited first) has closed already, and is never heard.
      let gone = res.destroyed || res.closed || req.socket?.destroyed === true;
      let watcher: Watcher | undefined;
      const ended = new Promise<void>((resolve) => {
        res.once("close", () => {
          gone = true;
          if (watcher) leave(watcher);
          resolve();
        });
      });
      const headers = toHeaders(req);
      let first: string;
      try {
        if (!(await settings.authorize({ headers, url: absoluteUrl(req) }, journeyID))) {
          admitted--;
          res.writeHead(403, { "content-type": "text/plain" }).end("forbidden");
          return;
        }
        first = await opening(journeyID, headers.get("last-event-id"));
      } catch {
        admitted--;
        res.writeHead(500, { "content-type": "text/plain" }).end("push relay failed");
        return;
      }
      if (gone || closed) {
        admitted--;
        if (!gone) res.writeHead(503, { "content-type": "text/plain" }).end("push relay closed");
        return;
      }
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      let blocked = false;
      let pending: string | undefined;
      const write = (frame: string) => {
        // write() answers false once the socket's buffer is full: nothing more until it drains.
        if (!res.write(frame)) {
          blocked = true;
          res.once("drain", () => {
            blocked = false;
            const next = pending;
            pending = undefined;
            if (next !== undefined) write(next);
          });
        }
      };
      watcher = {
        journeyID,
        send: (frame, kind) => {
          if (blocked) pending = hold(pending, frame, kind);
          else write(frame);
        },
        hasPending: () => pending !== undefined,
        buffered: () => res.writableLength,
        end: () => res.end(),
      };
      join(watcher);
      write(`retry: 1000\n\n${first}`);
      await ended;
    },

    async handleFetch(request, journeyID) {
      if (!admit()) {
        return new Response("push relay is full", { status: 503, headers: { "retry-after": "5" } });
      }
      const signal = request.signal as AbortSignal | undefined;
      let first: string;
      try {
        if (!(await settings.authorize({ headers: request.headers, url: request.url }, journeyID))) {
          admitted--;
          return new Response("forbidden", { status: 403 });
        }
        first = await opening(journeyID, request.headers.get("last-event-id"));
      } catch {
        admitted--;
        return new Response("push relay failed", { status: 500 });
      }
      // The client may have gone while authorize ran: its abort event has fired already, and would never again.
      if (signal?.aborted || closed) {
        admitted--;
        return closed
          ? new Response("push relay closed", { status: 503 })
          : new Response(null, { status: 499, statusText: "Client Closed Request" });
      }
      const encoder = new TextEncoder();
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      let pending: string | undefined;
      let lastChunk = 0;
      const enqueue = (frame: string) => {
        const chunk = encoder.encode(frame);
        lastChunk = chunk.byteLength;
        controller.enqueue(chunk);
      };
      const watcher: Watcher = {
        journeyID,
        send: (frame, kind) => {
          // desiredSize is 1 while the reader has taken everything, 0 while one chunk waits for it.
          if ((controller.desiredSize ?? 0) > 0) enqueue(frame);
          else pending = hold(pending, frame, kind);
        },
        hasPending: () => pending !== undefined,
        buffered: () => ((controller.desiredSize ?? 1) <= 0 ? lastChunk : 0),
        end: () => stop(true),
      };
      const onAbort = () => stop(true);
      const stop = (closeStream: boolean) => {
        signal?.removeEventListener("abort", onAbort);
        leave(watcher);
        pending = undefined;
        if (closeStream) {
          try {
            controller.close();
          } catch {
            // already closed or cancelled
          }
        }
      };
      const body = new ReadableStream<Uint8Array>(
        {
          start(c) {
            controller = c;
            enqueue(`retry: 1000\n\n${first}`);
            join(watcher);
            signal?.addEventListener("abort", onAbort, { once: true });
          },
          pull() {
            const next = pending;
            pending = undefined;
            if (next !== undefined) enqueue(next);
          },
          cancel() {
            stop(false);
          },
        },
        { highWaterMark: 1 },
      );
      return new Response(body, {
        status: 200,
        headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
      });
    },

    connections: () => watchers.size,

    watched() {
      return [...byJourney.keys()];
    },

    stats() {
      let pendingFrames = 0;
      let bufferedBytes = 0;
      for (const w of watchers) {
        if (w.hasPending()) pendingFrames++;
        bufferedBytes += w.buffered();
      }
      return {
        watchers: watchers.size,
        admitting: admitted - watchers.size,
        pendingFrames,
        bufferedBytes,
        droppedFrames: dropped,
        refused,
        snapshots: newest.size,
      };
    },

    close() {
      closed = true;
      stopHeartbeats();
      for (const w of [...watchers]) w.end();
      for (const w of [...watchers]) leave(w);
      byJourney.clear();
      newest.clear();
    },
  };
}
