/**
 * The borrower web app's server: the sandbox platform, the demo partner backend, and the built React app, all
 * behind one origin so the browser needs no CORS: `/` the app, `/api/v1/headless/*` and `/hosted/*` the sandbox,
 * `/sign-in`, `/sign-out`, `/session*` and `/push/*` the partner backend.
 */
import { readFile } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { BASE_PATH } from "../../contract/index.js";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../sandbox/index.js";
import type { AppAuthOptions } from "../app-auth.js";
import { type PartnerBackend, startPartnerBackend } from "../partner-backend.js";
import { originFormTarget } from "../request-target.js";
import { buildWebApp } from "./build.js";
import { proxyRequest } from "./proxy.js";

/** Options of {@link startWebApp}. */
export interface WebAppOptions {
  /** TCP port (default 0: a free one). */
  readonly port?: number;
  /** Interface (default `127.0.0.1`). */
  readonly host?: string;
  /**
   * Extra sandbox options (default: real clock, default timings, a fresh random seed each start, so ids never
   * repeat across restarts and a reload never restores another run's journey).
   */
  readonly sandbox?: Omit<SandboxOptions, "port" | "host" | "webhooks">;
  /** Where built apps are cached (default `node_modules/.cache/credit-journey-web`). */
  readonly cacheDir?: string;
  /** The partner backend's sign-in options (default: the sandbox password, 15-minute app tokens). */
  readonly auth?: AppAuthOptions;
}

/** A running web app with its sandbox and partner backend. */
export interface WebApp {
  /** The app's origin, e.g. `http://127.0.0.1:5173`: open it in a browser. */
  readonly url: string;
  /** The sandbox behind `/api/v1/headless` and `/hosted` (its control API drives scenarios in tests). */
  readonly sandbox: Sandbox;
  /** The partner backend behind `/sign-in`, `/sign-out`, `/session` and `/push`. */
  readonly backend: PartnerBackend;
  /** Stops the server, the backend and the sandbox. */
  close(): Promise<void>;
}

/** Where hosted pages send the borrower back to (the app reads it on load and confirms the return). */
export const RETURN_PATH = "/return";

const BACKEND_PATHS = new Set(["/sign-in", "/sign-out", "/session", "/session/refresh"]);

const MIME: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** The path a URL names, percent-decoded, or `undefined` when its escapes are not UTF-8. Never throws. */
function decodedPath(url: URL): string | undefined {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
}

async function serveStatic(root: string, url: URL, res: ServerResponse): Promise<void> {
  const path = decodedPath(url);
  if (path === undefined) {
    res.writeHead(400, { "content-type": "text/plain" }).end("bad request");
    return;
  }
  const file = normalize(join(root, path));
  const isAsset = file.startsWith(join(root, "assets") + sep) && extname(file) !== "";
  if (isAsset) {
    const content = await readFile(file).catch(() => null);
    if (content === null) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res
      .writeHead(200, {
        "content-type": MIME[extname(file)] ?? "application/octet-stream",
        "cache-control": "public, max-age=31536000, immutable",
      })
      .end(content);
    return;
  }
  // Every other path is the single-page app (e.g. /return from a hosted page).
  const index = await readFile(join(root, "index.html"));
  res.writeHead(200, { "content-type": MIME[".html"] as string, "cache-control": "no-store" }).end(index);
}

/**
 * Builds the app (cached) and starts the sandbox (real clock), the partner backend (the sandbox's webhooks
 * registered to it) and the one-origin server. Session creation passing through is given
 * `returnUrl: <app>/return`, so hosted pages send the borrower back to the app.
 * @throws {Error} (rejects) a Vite build error, or the listen error when the port cannot be bound (everything
 *   started is closed again).
 * @throws {AppAuthConfigError} (rejects) when an `auth` lifetime or count is not a positive integer (everything
 *   started is closed again).
 */
export async function startWebApp(options: WebAppOptions = {}): Promise<WebApp> {
  const appDir = await buildWebApp(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
  const seed = Math.floor(Math.random() * 2 ** 31);
  const sandbox = await startSandbox({ clock: "real", seed, ...options.sandbox });
  let origin = "";
  let backend: PartnerBackend | undefined;
  const server = createServer((req, res) => {
    const requested = originFormTarget(req.url);
    // Only a path names something here: an absolute URL or `//host` is refused, never forwarded anywhere.
    if (requested === undefined) {
      res.writeHead(400, { "content-type": "text/plain", connection: "close" }).end("bad request");
      return;
    }
    const path = requested.pathname;
    const toSandbox = (editJsonBody?: (body: Record<string, unknown>) => Record<string, unknown>) =>
      proxyRequest(req, res, {
        upstream: sandbox.url,
        rewrite: [sandbox.url],
        publicOrigin: origin,
        ...(editJsonBody ? { editJsonBody } : {}),
      });
    let handled: Promise<void>;
    if (path === `${BASE_PATH}/sessions` && req.method === "POST")
      // The demo backend does not pass a returnUrl; the platform would default to its own page.
      handled = toSandbox((body) => ({ returnUrl: `${origin}${RETURN_PATH}`, ...body }));
    else if (path.startsWith(`${BASE_PATH}/`) || path.startsWith("/hosted/")) handled = toSandbox();
    else if ((BACKEND_PATHS.has(path) || path.startsWith("/push/")) && backend)
      handled = proxyRequest(req, res, {
        upstream: backend.url,
        rewrite: [sandbox.url],
        publicOrigin: origin,
      });
    else handled = serveStatic(appDir, requested, res);
    handled.catch((error: unknown) => {
      // Told on the server's console, never echoed to the browser.
      console.error("credit-journey web app: a request failed", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
      else res.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    origin = `http://${host}:${address.port}`;
    // The backend reaches the platform through this origin too, so session creation gets the returnUrl.
    backend = await startPartnerBackend({
      platformUrl: origin,
      apiKey: sandbox.apiKey,
      webhookSecrets: sandbox.webhookSecret,
      ...(options.auth ? { auth: options.auth } : {}),
    });
    sandbox.control.addWebhookEndpoint(backend.webhookUrl);
  } catch (error) {
    server.close();
    await sandbox.close();
    throw error;
  }
  const started = backend;
  return {
    url: origin,
    sandbox,
    backend: started,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await started.close();
      await sandbox.close();
    },
  };
}
