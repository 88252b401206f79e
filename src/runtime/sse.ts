import { parseRetryAfter } from "../client/retry-policy.js";
import { CreditJourneyError } from "../contract/errors.js";

/** One Server-Sent Event: its `id`, `event` name and `data`. */
export interface ServerSentEvent {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/** The longest line, and the most `data` in one event, the parser holds (characters): a snapshot is a few kB. */
export const MAX_EVENT_CHARS = 1_048_576;

/**
 * The longest `id:` kept (and sent back as `Last-Event-ID`); a longer one is ignored, as if absent: a header that
 * long would be refused (431) on every reconnect. The push relay's ids are numbers.
 */
export const MAX_EVENT_ID_CHARS = 256;

/** An `id:` a request header can carry (printable ASCII, at most {@link MAX_EVENT_ID_CHARS}); others are ignored. */
const HEADER_SAFE_ID = new RegExp(`^[\\x20-\\x7e]{0,${MAX_EVENT_ID_CHARS}}$`);

/** A stream whose line or event outgrew {@link MAX_EVENT_CHARS}: it is dropped (`snapshotStream` reconnects). */
export class EventStreamLimitError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "EventStreamLimitError" as const;

  constructor() {
    super(`an event-stream line or event is longer than ${MAX_EVENT_CHARS} characters`);
    this.name = "EventStreamLimitError";
  }
}

/**
 * Splits a text stream into Server-Sent Events (the WHATWG `text/event-stream` format). A CR at the end of a
 * chunk waits for the next one, so a CRLF split across chunks ends one line, not two.
 * @throws {EventStreamLimitError} when a line or an event's data outgrows {@link MAX_EVENT_CHARS}.
 */
export async function* parseEventStream(chunks: AsyncIterable<string>): AsyncGenerator<ServerSentEvent> {
  let buffer = "";
  let id: string | undefined;
  let event = "message";
  let data: string[] = [];
  let dataChars = 0;
  for await (const chunk of chunks) {
    buffer += chunk;
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      // No line end yet, or a CR that may be the first half of a CRLF: wait for more.
      if (end < 0 || (end === buffer.length - 1 && buffer[end] === "\r")) break;
      const line = buffer.slice(0, end);
      // Checked as each line is cut: one chunk may carry a whole line far over the limit.
      if (line.length > MAX_EVENT_CHARS) throw new EventStreamLimitError();
      buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
      if (line === "") {
        if (data.length > 0) yield { ...(id === undefined ? {} : { id }), event, data: data.join("\n") };
        event = "message";
        data = [];
        dataChars = 0;
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") {
        dataChars += value.length + 1;
        if (dataChars > MAX_EVENT_CHARS) throw new EventStreamLimitError();
        data.push(value);
      } else if (field === "event") event = value;
      else if (field === "id" && HEADER_SAFE_ID.test(value)) id = value;
    }
    if (buffer.length > MAX_EVENT_CHARS) throw new EventStreamLimitError();
  }
}

/** Options of {@link snapshotStream}. */
export interface SnapshotStreamOptions {
  /** The SSE endpoint of the partner backend's push relay. */
  readonly url: string;
  /** Extra request headers, e.g. the app's own auth for its backend. */
  readonly headers?: Record<string, string>;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Stops the stream. */
  readonly signal?: AbortSignal;
  /**
   * Waits between reconnects, in ms (default 1,000), or an answer's `Retry-After` when longer (at most a minute:
   * the relay's 503 when full); `retry:` lines are not honoured.
   */
  readonly reconnectMs?: number;
  /** Sleeps `ms`, settling early once `signal` aborts; injectable for tests. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Waits `ms`, or until `signal` aborts. Never rejects. */
function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    if (signal.aborted) done();
  });
}

/**
 * Streams the JSON `data` of each `snapshot` event from an SSE push relay, and `{ kind: "heartbeat" }` for each
 * `heartbeat` event (the runtime reads it as the stream being live), reconnecting with `Last-Event-ID` after a
 * drop, until `signal` aborts or the iteration is ended (`return()`, as `break` or the runtime's `stop()` do):
 * either closes the connection at once, even while a read is waiting. Snapshots are untrusted JSON: the runtime
 * validates them. Ends quietly; never rejects for a dropped connection or an oversized event.
 */
export function snapshotStream(options: SnapshotStreamOptions): AsyncIterableIterator<unknown> {
  const closed = new AbortController();
  const close = () => closed.abort();
  options.signal?.addEventListener("abort", close, { once: true });
  if (options.signal?.aborted) close();
  const frames = streamFrames(options, closed.signal);
  return {
    next: () => frames.next(),
    async return(value?: unknown) {
      close();
      options.signal?.removeEventListener("abort", close);
      return { done: true, value };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** The frames of {@link snapshotStream}, until `signal` (its own, closed with it) aborts. */
async function* streamFrames(options: SnapshotStreamOptions, signal: AbortSignal): AsyncGenerator<unknown> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? abortableSleep;
  let lastEventId: string | undefined;
  const reconnectMs = options.reconnectMs ?? 1_000;
  while (!signal.aborted) {
    let wait = 0;
    try {
      const response = await doFetch(options.url, {
        headers: {
          accept: "text/event-stream",
          ...options.headers,
          ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId }),
        },
        signal,
      });
      wait = refusalWait(response);
      // Refused with the id sent back (a 4xx, e.g. 431 for the header): the next try goes without it.
      if (response.status >= 400 && response.status < 500) lastEventId = undefined;
      if (response.ok && response.body) {
        for await (const message of parseEventStream(decode(response.body))) {
          if (signal.aborted) return;
          if (message.id !== undefined) lastEventId = message.id;
          if (message.event === "heartbeat") {
            yield { kind: "heartbeat" };
            continue;
          }
          if (message.event !== "snapshot") continue;
          try {
            yield JSON.parse(message.data) as unknown;
          } catch {
            // A garbled frame is skipped; polling still covers the journey.
          }
        }
      } else await response.body?.cancel().catch(() => {});
    } catch {
      // Dropped, refused or oversized: fall through to the reconnect wait, unless closed.
    }
    if (signal.aborted) return;
    await sleep(Math.max(reconnectMs, wait), signal);
  }
}

/** The longest `Retry-After` a refused answer makes the stream wait: a minute. */
const MAX_REFUSAL_WAIT_MS = 60_000;

/**
 * How long a refused answer asks to be left alone: its `Retry-After` (delay-seconds or an HTTP-date, read as the
 * client reads it), at most a minute; else 0.
 */
function refusalWait(response: Response): number {
  if (response.ok) return 0;
  const asked = parseRetryAfter(response.headers?.get?.("retry-after") ?? null, Date.now()) ?? 0;
  return Math.min(asked, MAX_REFUSAL_WAIT_MS);
}

async function* decode(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield decoder.decode(value, { stream: true });
    }
  } finally {
    // Ended early (closed, or a parse failure): the body is cancelled, so the connection closes too.
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
