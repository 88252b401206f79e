/** One Server-Sent Event: its `id`, `event` name and `data`. */
export interface ServerSentEvent {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/** Splits a text stream into Server-Sent Events (the WHATWG `text/event-stream` format). */
export async function* parseEventStream(chunks: AsyncIterable<string>): AsyncGenerator<ServerSentEvent> {
  let buffer = "";
  let id: string | undefined;
  let event = "message";
  let data: string[] = [];
  for await (const chunk of chunks) {
    buffer += chunk;
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      if (end < 0) break;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
      if (line === "") {
        if (data.length > 0) yield { ...(id === undefined ? {} : { id }), event, data: data.join("\n") };
        event = "message";
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      else if (field === "event") event = value;
      else if (field === "id" && !value.includes("\0")) id = value;
    }
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
  /** Waits between reconnects, in ms (default 1,000); `retry:` lines are not honoured. */
  readonly reconnectMs?: number;
  /** Sleeps `ms`; injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Streams the JSON `data` of each `snapshot` event from an SSE push relay, and `{ kind: "heartbeat" }` for each
 * `heartbeat` event (the runtime reads it as the stream being live), reconnecting with `Last-Event-ID` after a
 * drop, until `signal` aborts. Snapshots are untrusted JSON: the runtime validates them. Ends quietly on abort;
 * never rejects for a dropped connection.
 */
export async function* snapshotStream(options: SnapshotStreamOptions): AsyncGenerator<unknown> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let lastEventId: string | undefined;
  while (!options.signal?.aborted) {
    try {
      const response = await doFetch(options.url, {
        headers: {
          accept: "text/event-stream",
          ...options.headers,
          ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId }),
        },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (response.ok && response.body) {
        for await (const message of parseEventStream(decode(response.body))) {
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
      }
    } catch {
      // Dropped or refused: fall through to the reconnect wait, unless aborted.
    }
    if (options.signal?.aborted) return;
    await sleep(options.reconnectMs ?? 1_000);
  }
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
    reader.releaseLock();
  }
}
