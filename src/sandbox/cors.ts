import type { IncomingMessage } from "node:http";
import { isLoopbackHostname } from "./loopback.js";

/** The request headers the SDK's client sends (src/client/transport.ts), allowed on a cross-origin call. */
export const CORS_ALLOWED_HEADERS = [
  "Accept",
  "Authorization",
  "Content-Type",
  "Idempotency-Key",
  "If-None-Match",
  "X-Correlation-ID",
] as const;

/** The response headers the client reads (src/client/response.ts) or a test may, exposed to cross-origin pages. */
export const CORS_EXPOSED_HEADERS = [
  "ETag",
  "Idempotent-Replayed",
  "Retry-After",
  "X-Correlation-ID",
] as const;

/** The methods of the API (ENDPOINTS) and hosted pages. */
const CORS_METHODS = "GET, POST, PUT, PATCH, DELETE";

/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = "600";

/** Decides which browser origins may read the sandbox's API answers. */
export interface OriginPolicy {
  /** True for a loopback origin (`http(s)://localhost|127.x.x.x|[::1]`, any port) or one listed in `allowedOrigins`. */
  allows(origin: string): boolean;
}

/** An origin's canonical form (`scheme://host[:port]`), `undefined` for anything else (`null`, a path, `file:`). */
function canonicalOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    if (url.origin !== value.replace(/\/$/, "").toLowerCase() && url.origin !== value) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/**
 * Checks the `allowedOrigins` option: each entry an `http:`/`https:` origin without a path (`https://app.example`).
 * @throws {TypeError} naming the entry (`allowedOrigins[0]`) when it is not one.
 */
export function checkAllowedOrigins(
  origins: readonly string[] | undefined,
  at = "allowedOrigins",
): readonly string[] {
  if (origins === undefined) return [];
  if (!Array.isArray(origins)) throw new TypeError(`${at} must be an array of origins`);
  origins.forEach((origin, i) => {
    if (typeof origin !== "string" || canonicalOrigin(origin) === undefined)
      throw new TypeError(`${at}[${i}] must be an http(s) origin such as https://app.example (no path)`);
  });
  return origins;
}

/** The origin policy: loopback origins on any port, plus the `allowed` ones. */
export function createOriginPolicy(allowed: readonly string[]): OriginPolicy {
  const listed = new Set(allowed.map((origin) => canonicalOrigin(origin)));
  return {
    allows(origin) {
      const canonical = canonicalOrigin(origin);
      if (canonical === undefined) return false;
      return listed.has(canonical) || isLoopbackHostname(new URL(canonical).hostname);
    },
  };
}

/** True for a CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(req: IncomingMessage): boolean {
  return (
    req.method === "OPTIONS" &&
    typeof req.headers.origin === "string" &&
    typeof req.headers["access-control-request-method"] === "string"
  );
}

/**
 * The CORS headers of an answer to a request from `origin`: `Access-Control-Allow-Origin` echoing it (and the
 * exposed headers) when the policy allows it, else none; `Vary: Origin` whenever an origin was presented.
 */
export function corsHeaders(origin: string | undefined, policy: OriginPolicy): Record<string, string> {
  if (origin === undefined) return {};
  if (!policy.allows(origin)) return { Vary: "Origin" };
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": CORS_EXPOSED_HEADERS.join(", "),
    Vary: "Origin",
  };
}

/** The extra headers of an allowed preflight's `204`: methods, request headers and cache lifetime. */
export function preflightHeaders(): Record<string, string> {
  return {
    "Access-Control-Allow-Methods": CORS_METHODS,
    "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS.join(", "),
    "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
  };
}

/**
 * True when a request to the control API comes from a browser page of another origin: an `Origin` other than
 * the sandbox's own (`http://` + the request's `Host`), or `Sec-Fetch-Site` saying `cross-site`/`same-site`.
 * Tools (curl, Node's fetch) send neither and pass.
 */
export function isForeignToControl(req: IncomingMessage): boolean {
  const { origin, host } = req.headers;
  if (typeof origin === "string" && origin.toLowerCase() !== `http://${String(host).toLowerCase()}`)
    return true;
  const site = req.headers["sec-fetch-site"];
  return site === "cross-site" || site === "same-site";
}
