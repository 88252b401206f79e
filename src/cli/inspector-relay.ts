/**
 * A loopback-only stand-in for `createInspectorServer()` from `@statelyai/inspect/server`, which listens on every
 * interface and takes no host. Same protocol: one HTTP + WebSocket server; the page at `/` frames the Stately
 * inspector (https://stately.ai/inspect) and forwards what its socket hears into it with `postMessage`; every
 * message a client sends is relayed to every other client and kept, so a page opened later replays the run.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";

/** The only address the relay binds: it is never reachable from another machine. */
export const RELAY_HOST = "127.0.0.1";

/** The port the relay tries first, the inspector server's own default. */
export const DEFAULT_RELAY_PORT = 8080;

/** The Stately inspector page the relay's page frames (the package's own default). */
export const STATELY_INSPECTOR_URL = "https://stately.ai/inspect";

/** Messages kept for replay besides the actors' registrations (which are kept first: the chart needs them). */
const REPLAY_LIMIT = 1_000;
/** Actors' registrations kept for replay (a demo run registers one). */
const ACTORS_KEPT = 64;
/** The most characters of messages kept for replay besides the registrations (16 Mi). */
const REPLAY_CHARS = 16 * 1024 * 1024;
/** The most characters of registrations kept for replay (16 Mi). */
const ACTOR_CHARS = 16 * 1024 * 1024;
/** The largest message the relay takes, in bytes (a registration carries the machine's definition, ~100 kB). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** A running relay: where to point a browser and the SDK's WebSocket inspector, and how to close it. */
export interface InspectorRelay {
  /** The page to open in a browser: it shows the Stately inspector fed from this relay. */
  readonly url: string;
  /** The socket `createWebSocketInspector({ url })` connects to. */
  readonly socketUrl: string;
  /** The port it listens on, on {@link RELAY_HOST}. */
  readonly port: number;
  /** The port asked for when it was taken and another was chosen; `undefined` when the relay got it. */
  readonly portTaken: number | undefined;
  /** The listening address, as the server reports it. */
  address(): AddressInfo;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

/** The page at `/`: the Stately inspector in a frame, fed from this relay's socket (as the package's own page). */
function bridgePage(inspectorUrl: string): string {
  return `<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>Stately Inspector (credit-journey)</title>
  <style>* { margin: 0; padding: 0; } html, body { height: 100%; } iframe { width: 100%; height: 100%; border: none; }</style>
</head>
<body>
  <iframe id="inspector" src="${inspectorUrl}"></iframe>
  <script>
    const iframe = document.getElementById("inspector");
    const buffer = [];
    let connected = false;
    window.addEventListener("message", (e) => {
      if (e.data && e.data.type === "@statelyai.connected") {
        connected = true;
        for (const event of buffer.splice(0)) iframe.contentWindow.postMessage(event, "*");
      }
    });
    const ws = new WebSocket("ws://" + location.host);
    ws.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (connected) iframe.contentWindow.postMessage(data, "*");
      else buffer.push(data);
    };
  </script>
</body>
</html>`;
}

/** Whether a message is an actor's registration (`@xstate.actor`, which carries the machine's definition). */
function isActorRegistration(message: string): boolean {
  try {
    return (JSON.parse(message) as { type?: unknown }).type === "@xstate.actor";
  } catch {
    return false;
  }
}

/** Listens on {@link RELAY_HOST}:`port`; resolves `false` when the port is taken, rejects on any other error. */
function listen(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE") resolve(false);
      else reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve(true);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, RELAY_HOST);
  });
}

/**
 * Starts the relay on 127.0.0.1, on `port` (default 8080) or, when that is taken, on a free one (see
 * `portTaken`). Browsers may connect only from the relay's own page (their `Origin` is checked, so another web
 * page cannot read the run); clients without an `Origin`, such as the SDK's inspector, are accepted.
 */
export async function startInspectorRelay(
  options: { port?: number; inspectorUrl?: string } = {},
): Promise<InspectorRelay> {
  const wanted = options.port ?? DEFAULT_RELAY_PORT;
  const page = bridgePage(options.inspectorUrl ?? STATELY_INSPECTOR_URL);
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url !== "/" && !req.url?.startsWith("/?"))) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(page);
  });
  let port = wanted;
  const ownOrigin = (origin: string) =>
    origin === `http://${RELAY_HOST}:${port}` || origin === `http://localhost:${port}`;
  const wss = new WebSocketServer({
    server,
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ req }: { req: IncomingMessage }) =>
      req.headers.origin === undefined || ownOrigin(req.headers.origin),
  });
  // The server's own errors (a taken port) reach the WebSocket server too; listen() below handles them.
  wss.on("error", () => {});
  const actors: string[] = [];
  const recent: string[] = [];
  let actorChars = 0;
  let recentChars = 0;
  wss.on("connection", (socket) => {
    for (const message of [...actors, ...recent]) socket.send(message);
    socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      const message = data.toString();
      if (isActorRegistration(message)) {
        if (actors.length < ACTORS_KEPT && actorChars + message.length <= ACTOR_CHARS) {
          actors.push(message);
          actorChars += message.length;
        }
      } else {
        recent.push(message);
        recentChars += message.length;
        // Bounded by count and by size: the oldest go first.
        while (recent.length > REPLAY_LIMIT || recentChars > REPLAY_CHARS)
          recentChars -= recent.shift()?.length ?? 0;
      }
      for (const client of wss.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN) client.send(message);
      }
    });
  });
  const got = await listen(server, wanted);
  if (!got && !(await listen(server, 0))) throw new Error("no free port for the inspector relay");
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${RELAY_HOST}:${port}/`,
    socketUrl: `ws://${RELAY_HOST}:${port}`,
    port,
    portTaken: got ? undefined : wanted,
    address: () => server.address() as AddressInfo,
    close: async () => {
      for (const client of wss.clients) client.close(1001, "inspector relay closed");
      // A client that does not answer the close handshake is cut off rather than hold the process open.
      const cutOff = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, 500);
      await new Promise<void>((resolve) => {
        wss.close();
        server.close(() => resolve());
      });
      clearTimeout(cutOff);
    },
  };
}

/**
 * At a terminal, prints `prompt` and resolves once Enter is pressed (or the input ends); resolves at once, without
 * reading anything, when `input` is not a TTY (piped, CI). Resolves whether it waited.
 */
export function waitForEnter(
  prompt: string,
  input: NodeJS.ReadStream | (NodeJS.ReadableStream & { isTTY?: boolean }) = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<boolean> {
  if (input.isTTY !== true) return Promise.resolve(false);
  output.write(prompt);
  return new Promise((resolve) => {
    const done = () => {
      input.off("data", onData);
      input.off("end", done);
      input.pause();
      resolve(true);
    };
    const onData = (chunk: Buffer | string) => {
      if (String(chunk).includes("\n") || String(chunk).includes("\r")) done();
    };
    input.on("data", onData);
    input.once("end", done);
    input.resume();
  });
}

/** Resolves whether a WebSocket at `url` accepts a connection within `timeoutMs` (the probe is closed at once). */
export function canReach(url: string, timeoutMs = 3_000): Promise<boolean> {
  return new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, { handshakeTimeout: timeoutMs });
    } catch {
      resolve(false);
      return;
    }
    socket.once("open", () => {
      socket.close(1000);
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
