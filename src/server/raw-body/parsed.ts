import { checkLimit, RawBodyError } from "./errors.js";

/** A framework request whose body parser has run: Express's `req`, Fastify's `request`. */
export interface ParsedRequestLike {
  readonly body?: unknown;
}

/**
 * The raw body a framework's body parser left on `req.body`: a Buffer (Express `express.raw()`, the Fastify
 * buffer parser) or a string. Anything else means a JSON parser ran first and the exact bytes are gone.
 * @throws {RawBodyError} NOT_RAW naming the fix, when the body is missing or already parsed.
 */
export function rawBodyFromParsed(
  request: ParsedRequestLike,
  framework: "Express" | "Fastify",
): Uint8Array | string {
  const body = request.body;
  if (body instanceof Uint8Array || typeof body === "string") return body;
  const fix =
    framework === "Express"
      ? 'mount express.raw({ type: "application/json" }) on the webhook route, before any express.json()'
      : "call useRawJsonBody(instance) in the webhook route's plugin scope";
  const what = body === undefined ? "no body" : `an already-parsed ${body === null ? "null" : typeof body}`;
  throw new RawBodyError("NOT_RAW", `${framework} handed over ${what} instead of the raw bytes: ${fix}`);
}

/**
 * The raw webhook body of an Express request handled by `express.raw({ type: "application/json" })`.
 * @throws {RawBodyError} NOT_RAW when `req.body` is missing or was parsed as JSON.
 */
export function rawBodyFromExpress(req: ParsedRequestLike): Uint8Array | string {
  return rawBodyFromParsed(req, "Express");
}

/**
 * The raw webhook body of a Fastify request in a scope set up with {@link useRawJsonBody}.
 * @throws {RawBodyError} NOT_RAW when `request.body` is missing or was parsed as JSON.
 */
export function rawBodyFromFastify(request: ParsedRequestLike): Uint8Array | string {
  return rawBodyFromParsed(request, "Fastify");
}

/** The part of the `express` module {@link expressRawBody} needs. */
export interface ExpressLike<Middleware> {
  raw(options: { type: string; limit: number }): Middleware;
}

/**
 * Express middleware that keeps a webhook's JSON body as a Buffer: `app.post(path, expressRawBody(express), handler)`.
 * @throws {RawBodyLimitError} (a RangeError) when `limit` is not a positive integer of bytes.
 */
export function expressRawBody<Middleware>(
  express: ExpressLike<Middleware>,
  limit = 1024 * 1024,
): Middleware {
  return express.raw({ type: "application/json", limit: checkLimit(limit) });
}

/** A Fastify body parser callback. */
export type FastifyParserDone = (error: Error | null, body?: unknown) => void;

/** The part of a Fastify instance {@link useRawJsonBody} needs. */
export interface FastifyLike {
  addContentTypeParser(
    contentType: string,
    options: { parseAs: "buffer"; bodyLimit: number },
    parser: (request: unknown, body: Buffer | string, done: FastifyParserDone) => void,
  ): unknown;
  hasContentTypeParser?(contentType: string): boolean;
  removeContentTypeParser?(contentType: string): unknown;
}

/**
 * Makes `application/json` bodies arrive as a Buffer in this Fastify scope: call it inside the plugin that
 * registers the webhook route, so the rest of the app keeps its JSON parser.
 * @throws {RawBodyLimitError} (a RangeError) when `limit` is not a positive integer of bytes.
 */
export function useRawJsonBody(fastify: FastifyLike, limit = 1024 * 1024): void {
  checkLimit(limit);
  if (fastify.hasContentTypeParser?.("application/json"))
    fastify.removeContentTypeParser?.("application/json");
  fastify.addContentTypeParser(
    "application/json",
    { parseAs: "buffer", bodyLimit: limit },
    (_request, body, done) => done(null, body),
  );
}
