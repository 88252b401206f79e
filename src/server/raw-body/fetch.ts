// Web APIs only: this module runs on Node, Deno, Bun and edge runtimes (Hono, Cloudflare, Vercel Edge).
import {
  checkLimit,
  DEFAULT_RAW_BODY_LIMIT,
  declaredLength,
  RawBodyError,
  RawBodyLimitError,
} from "./errors.js";

/**
 * A Fetch-API `Request`, or Hono's `c.req`: anything that yields its body as a stream or an ArrayBuffer. With a
 * `body` stream the limit holds while reading. Hono's `c.req` is read through the `Request` it wraps (`raw`), so
 * its declared length, its stream and its `bodyUsed` count; with only `arrayBuffer()` the limit holds on the
 * declared `content-length` and after reading.
 */
export interface FetchRequestLike {
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The Fetch `Request` a framework's request wraps (Hono's `c.req.raw`): read instead, when it is one. */
  readonly raw?: unknown;
  readonly body?: ReadableStream<Uint8Array> | null;
  readonly bodyUsed?: boolean;
  readonly headers?: { get(name: string): string | null } | undefined;
}

/** Whether `value` is a Fetch `Request`-like with its body stream and headers (what a framework's `raw` holds). */
function isFetchRequest(value: unknown): value is FetchRequestLike {
  const r = value as Partial<FetchRequestLike> | null | undefined;
  return typeof r?.arrayBuffer === "function" && typeof r.headers?.get === "function" && r.body !== undefined;
}

function tooLarge(limit: number): RawBodyError {
  return new RawBodyError("TOO_LARGE", `the body is more than the ${limit} bytes allowed`);
}

function aborted(cause: unknown): RawBodyError {
  return new RawBodyError(
    "ABORTED",
    `reading the body failed: ${cause instanceof Error ? cause.message : String(cause)}`,
  );
}

/** Reads `stream` chunk by chunk; past `limit` it cancels the stream and rejects, holding at most `limit` bytes. */
async function readLimited(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = stream.getReader();
  } catch {
    throw new RawBodyError("ALREADY_CONSUMED", "the request body is being read by something else");
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch (cause) {
      reader.releaseLock();
      throw aborted(cause);
    }
    if (next.done) break;
    received += next.value.byteLength;
    if (received > limit) {
      // Stops the sender's stream: nothing more is pulled, and the chunks held so far are dropped.
      chunks.length = 0;
      await reader.cancel("the body is over the size limit").catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(next.value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Reads a Fetch-API request's body as the exact bytes received, for signature verification. Works with Hono's
 * `c.req` and `c.req.raw`. A declared `content-length` over `limit` is refused before anything is read; otherwise
 * the body stream is read chunk by chunk and cancelled as soon as it passes `limit`, so at most `limit` bytes
 * (plus the chunk that crossed it) are ever held. Answer `TOO_LARGE` with 413.
 * @throws {RawBodyError} ALREADY_CONSUMED when the body was read before (e.g. `await request.json()`),
 *   TOO_LARGE past `limit`, ABORTED when reading fails (rejects the promise).
 * @throws {RawBodyLimitError} (a RangeError) when `limit` is not a positive integer, or `options` not an object
 *   (rejects).
 */
export async function readRequestBody(
  given: FetchRequestLike,
  options: { readonly limit?: number } = {},
): Promise<Uint8Array> {
  const request = isFetchRequest(given.raw) ? given.raw : given;
  if (typeof options !== "object" || options === null)
    throw new RawBodyLimitError("options", "must be an object ({ limit? })");
  const limit = checkLimit(options.limit ?? DEFAULT_RAW_BODY_LIMIT);
  if (request.bodyUsed === true) {
    throw new RawBodyError("ALREADY_CONSUMED", "the request body was already read (e.g. by request.json())");
  }
  const declared = declaredLength(request.headers?.get("content-length"));
  if (declared !== undefined && declared > limit) {
    // Never started: cancelling tells the runtime the rest of the upload is unwanted.
    await request.body?.cancel("the declared body is over the size limit").catch(() => {});
    throw new RawBodyError(
      "TOO_LARGE",
      `the body declares ${declared} bytes, more than the ${limit} allowed`,
    );
  }
  if (request.body !== undefined) {
    return request.body === null ? new Uint8Array(0) : readLimited(request.body, limit);
  }
  let buffer: ArrayBuffer;
  try {
    buffer = await request.arrayBuffer();
  } catch (cause) {
    throw aborted(cause);
  }
  if (buffer.byteLength > limit) throw tooLarge(limit);
  return new Uint8Array(buffer);
}
