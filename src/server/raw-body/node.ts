import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import {
  checkLimit,
  DEFAULT_RAW_BODY_LIMIT,
  declaredLength,
  RawBodyError,
  RawBodyLimitError,
} from "./errors.js";

/** A node:http request, or anything readable with headers (an Express or Fastify raw request). */
export type NodeRequestLike = Readable & { readonly headers?: IncomingHttpHeaders };

/** Options of {@link readRawBody}. */
export interface ReadRawBodyOptions {
  /** Largest body accepted, in bytes (default 1 MiB). */
  readonly limit?: number;
}

/** Drains what is left of a refused body; its failures are moot once the refusal is reported. */
function discardRest(req: NodeRequestLike): void {
  req.on("error", () => {});
  req.resume();
}

/**
 * Reads a node:http request body to the end, as the exact bytes received, for signature verification.
 * On `TOO_LARGE` the rest of the body is discarded; answer 413 with `Connection: close`.
 * @throws {RawBodyError} TOO_LARGE past `limit`, ABORTED when the client goes away or the stream fails,
 *   ALREADY_CONSUMED when something read the body first (rejects the promise).
 * @throws {RawBodyLimitError} (a RangeError) when `limit` is not a positive integer, or `options` not an object
 *   (rejects).
 */
export async function readRawBody(req: NodeRequestLike, options: ReadRawBodyOptions = {}): Promise<Buffer> {
  if (typeof options !== "object" || options === null)
    throw new RawBodyLimitError("options", "must be an object ({ limit? })");
  const limit = checkLimit(options.limit ?? DEFAULT_RAW_BODY_LIMIT);
  if (req.readableEnded) {
    throw new RawBodyError("ALREADY_CONSUMED", "the request body was already read by something else");
  }
  // Gone before the read began (something awaited first): its `close` has fired, so no listener would hear it.
  if (req.destroyed || req.readableAborted)
    throw new RawBodyError("ABORTED", "the client went away before the body was read");
  const declared = declaredLength(req.headers?.["content-length"]);
  if (declared !== undefined && declared > limit) {
    discardRest(req);
    throw new RawBodyError(
      "TOO_LARGE",
      `the body declares ${declared} bytes, more than the ${limit} allowed`,
    );
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const fail = (error: RawBodyError) => {
      cleanup();
      reject(error);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      received += buffer.length;
      if (received > limit) {
        fail(new RawBodyError("TOO_LARGE", `the body is more than the ${limit} bytes allowed`));
        discardRest(req);
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) =>
      fail(new RawBodyError("ABORTED", `reading the body failed: ${error.message}`));
    const onClose = () => fail(new RawBodyError("ABORTED", "the client went away before the body ended"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
    // A `data` listener does not restart a stream something paused (a middleware's `req.pause()`).
    if (req.isPaused()) req.resume();
  });
}
