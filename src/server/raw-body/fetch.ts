// Web APIs only: this module runs on Node, Deno, Bun and edge runtimes (Hono, Cloudflare, Vercel Edge).
import { checkLimit, DEFAULT_RAW_BODY_LIMIT, declaredLength, RawBodyError } from "./errors.js";

/** A Fetch-API `Request`, or Hono's `c.req`: anything that yields its body as an ArrayBuffer. */
export interface FetchRequestLike {
  arrayBuffer(): Promise<ArrayBuffer>;
  readonly bodyUsed?: boolean;
  readonly headers?: { get(name: string): string | null } | undefined;
}

/**
 * Reads a Fetch-API request's body as the exact bytes received (`await request.arrayBuffer()`), for
 * signature verification. Works with Hono's `c.req` and `c.req.raw`.
 * @throws {RawBodyError} ALREADY_CONSUMED when the body was read before (e.g. `await request.json()`),
 *   TOO_LARGE past `limit`, ABORTED when reading fails (rejects the promise).
 * @throws {RangeError} when `limit` is not a positive integer (rejects).
 */
export async function readRequestBody(
  request: FetchRequestLike,
  options: { readonly limit?: number } = {},
): Promise<Uint8Array> {
  const limit = checkLimit(options.limit ?? DEFAULT_RAW_BODY_LIMIT);
  if (request.bodyUsed === true) {
    throw new RawBodyError("ALREADY_CONSUMED", "the request body was already read (e.g. by request.json())");
  }
  const declared = declaredLength(request.headers?.get("content-length"));
  if (declared !== undefined && declared > limit) {
    throw new RawBodyError(
      "TOO_LARGE",
      `the body declares ${declared} bytes, more than the ${limit} allowed`,
    );
  }
  let buffer: ArrayBuffer;
  try {
    buffer = await request.arrayBuffer();
  } catch (cause) {
    throw new RawBodyError(
      "ABORTED",
      `reading the body failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  if (buffer.byteLength > limit) {
    throw new RawBodyError("TOO_LARGE", `the body is more than the ${limit} bytes allowed`);
  }
  return new Uint8Array(buffer);
}
