/**
 * A small reverse proxy for the web app's one origin. The sandbox names its own origin in every URL it hands out
 * (hosted pages, documents, logos) and has no option for a public URL, so JSON bodies, SSE streams and `Location`
 * headers passing through get the upstream origin rewritten to the app's; the browser then never leaves the app's
 * origin except by following those links back through this proxy.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { jsonDepth } from "../../sandbox/json-depth.js";
import { RawBodyError } from "../../server/raw-body/errors.js";
import { readRawBody } from "../../server/raw-body/node.js";
import { onUpstream, originFormTarget } from "../request-target.js";

/** Where to send a request and how to rewrite its answer. */
export interface ProxyTarget {
  /** `http://127.0.0.1:PORT` of the upstream. */
  readonly upstream: string;
  /** Origins (`http://host:port`) to replace by `publicOrigin` in rewritable bodies and redirects. */
  readonly rewrite: readonly string[];
  /** The app's origin. */
  readonly publicOrigin: string;
  /** Edits a JSON request body before it is sent (e.g. to add a field). */
  readonly editJsonBody?: (body: Record<string, unknown>) => Record<string, unknown>;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "proxy-connection",
  "te",
  "trailer",
]);

/**
 * Request headers never forwarded: hop-by-hop ones, the host, and cookies (neither upstream uses any: those the
 * browser holds for other apps on the same host stay out of the sandbox's request log).
 */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, "host", "cookie"]);

/** The deepest JSON body the proxy edits: deeper ones are refused (re-encoding one recurses). */
const MAX_EDITED_DEPTH = 64;

function rewriteText(text: string, target: ProxyTarget): string {
  let out = text;
  for (const origin of target.rewrite) out = out.split(origin).join(target.publicOrigin);
  return out;
}

/** The largest request body the proxy reads (the backend's and the sandbox's own bounds are smaller). */
const MAX_PROXIED_BODY_BYTES = 1024 * 1024;

/** Answers `res` with `status` and a JSON `{ error }`, without reading any more of the request. */
function refuse(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error }));
}

/**
 * Forwards `req` to the target and answers `res`. Rewrites JSON/HTML bodies whole and SSE line by line; other
 * bodies stream through. Never rejects: a request target not in origin form (an absolute URL, `//host`: it would
 * name another host) answers `400`, a request body over 1 MiB `413` (the rest unread), a JSON body to edit that
 * does not parse or is nested over 64 deep `400`, an unreachable upstream `502` (or ends the response if it began).
 */
export async function proxyRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: ProxyTarget,
): Promise<void> {
  const requested = originFormTarget(req.url);
  if (requested === undefined) {
    res.setHeader("connection", "close");
    refuse(res, 400, "the request target must be a path (/...)");
    return;
  }
  let body: Buffer;
  try {
    body = await readRawBody(req, { limit: MAX_PROXIED_BODY_BYTES });
  } catch (error) {
    // Too large (413, the rest unread) or cut off: answered here, nothing sent upstream.
    const status = error instanceof RawBodyError ? error.status : 400;
    if (status === 413) res.setHeader("connection", "close");
    refuse(res, status, String(error));
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
  if (target.editJsonBody && body.length > 0 && String(req.headers["content-type"]).includes("json")) {
    const text = body.toString("utf8");
    if (jsonDepth(text, MAX_EDITED_DEPTH) > MAX_EDITED_DEPTH) {
      refuse(res, 400, `the body is nested deeper than ${MAX_EDITED_DEPTH}`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      refuse(res, 400, "the body is not JSON");
      return;
    }
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      body = Buffer.from(JSON.stringify(target.editJsonBody(parsed as Record<string, unknown>)));
    headers["content-length"] = String(body.length);
  }
  // The upstream's origin with the path asked for: nothing in the target can send the request elsewhere.
  const url = onUpstream(target.upstream, requested);
  await new Promise<void>((done) => {
    const upstream = httpRequest(url, { method: req.method, headers }, (answer) => {
      const type = String(answer.headers["content-type"] ?? "");
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers))
        if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      if (typeof answer.headers.location === "string")
        out.location = rewriteText(answer.headers.location, target);
      if (type.includes("text/event-stream")) {
        delete out["content-length"];
        res.writeHead(answer.statusCode ?? 502, out);
        res.flushHeaders();
        // Frames are lines; an origin never spans a newline, so rewriting whole lines is exact.
        let pending = "";
        answer.setEncoding("utf8");
        answer.on("data", (chunk: string) => {
          pending += chunk;
          const cut = pending.lastIndexOf("\n");
          if (cut < 0) return;
          res.write(rewriteText(pending.slice(0, cut + 1), target));
          pending = pending.slice(cut + 1);
        });
        answer.on("end", () => {
          res.end(rewriteText(pending, target));
          done();
        });
        answer.on("error", () => {
          res.destroy();
          done();
        });
        res.on("close", () => answer.destroy());
        return;
      }
      if (type.includes("json") || type.includes("text/html")) {
        // The upstream is the app's own backend or sandbox; its answers are bounded all the same.
        readRawBody(answer, { limit: 16 * MAX_PROXIED_BODY_BYTES }).then(
          (raw) => {
            const text = Buffer.from(rewriteText(raw.toString("utf8"), target));
            out["content-length"] = String(text.length);
            res.writeHead(answer.statusCode ?? 502, out).end(text);
            done();
          },
          () => {
            res.destroy();
            done();
          },
        );
        return;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.on("end", done);
      answer.on("error", () => {
        res.destroy();
        done();
      });
    });
    upstream.on("error", (error) => {
      if (!res.headersSent) refuse(res, 502, String(error));
      else res.destroy();
      done();
    });
    // The browser went away (e.g. an SSE stream closed): stop the upstream call too.
    res.on("close", () => upstream.destroy());
    upstream.end(body);
  });
}
