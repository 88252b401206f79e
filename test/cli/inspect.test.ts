import { spawn } from "node:child_process";
import { createServer as createNetServer, type Server as NetServer, connect as netConnect } from "node:net";
import { networkInterfaces } from "node:os";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { type InspectorRelay, startInspectorRelay, waitForEnter } from "../../src/cli/inspector-relay.js";

let server: WebSocketServer | undefined;
let relay: InspectorRelay | undefined;
let blocker: NetServer | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  server?.close();
  server = undefined;
  for (const socket of sockets.splice(0)) socket.terminate();
  await relay?.close();
  relay = undefined;
  await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
  blocker = undefined;
});

/** A client socket that has opened (kept for afterEach), with every text message it hears. */
async function client(url: string, origin?: string): Promise<{ socket: WebSocket; heard: string[] }> {
  const socket = new WebSocket(url, origin === undefined ? {} : { origin });
  sockets.push(socket);
  const heard: string[] = [];
  socket.on("message", (data) => heard.push(String(data)));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, heard };
}

/** Resolves once `check` holds, polling; rejects after `ms`. */
async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function deadPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

/** Runs the CLI as a child (stdin a pipe left open, so not a TTY and never ended); `onStderr` sees its stderr. */
function runCli(args: string[], onStderr?: (all: string) => void) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
    onStderr?.(stderr);
  });
  const exited = new Promise<number | null>((resolve) => {
    // A run that waits for input it will never get is killed here, and fails on its exit code.
    const killer = setTimeout(() => child.kill("SIGKILL"), 9_000);
    child.once("exit", (code) => {
      clearTimeout(killer);
      resolve(code);
    });
  });
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe("the inspector relay (--inspect)", () => {
  it("listens on 127.0.0.1 only: its address is 127.0.0.1 and another interface's address refuses", async () => {
    relay = await startInspectorRelay({ port: 0 });
    expect(relay.address()).toMatchObject({ address: "127.0.0.1", family: "IPv4", port: relay.port });
    expect(relay.url).toBe(`http://127.0.0.1:${relay.port}/`);
    expect(relay.socketUrl).toBe(`ws://127.0.0.1:${relay.port}`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
    if (external !== undefined) {
      const refused = await new Promise<string>((resolve) => {
        const socket = netConnect(relay!.port, external);
        socket.once("connect", () => {
          socket.destroy();
          resolve("connected");
        });
        socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
      });
      expect(refused, `connecting to ${external}:${relay.port}`).toBe("ECONNREFUSED");
    }
  });

  it("relays a message from one client to the others, and replays the run to a client that joins later", async () => {
    relay = await startInspectorRelay({ port: 0 });
    const sdk = await client(relay.socketUrl);
    const page = await client(relay.socketUrl);
    const actor = JSON.stringify({ type: "@xstate.actor", sessionId: "x:0", definition: "{}" });
    const snapshot = JSON.stringify({ type: "@xstate.snapshot", sessionId: "x:0", snapshot: { value: "A" } });
    sdk.socket.send(actor);
    sdk.socket.send(snapshot);
    await until(() => page.heard.length === 2);
    expect(page.heard).toEqual([actor, snapshot]);
    expect(sdk.heard, "the sender does not hear itself").toEqual([]);
    const late = await client(relay.socketUrl);
    await until(() => late.heard.length === 2);
    expect(late.heard).toEqual([actor, snapshot]);
  });

  it("keeps at most 16 Mi characters of messages for replay, the oldest dropped first", async () => {
    relay = await startInspectorRelay({ port: 0 });
    const sdk = await client(relay.socketUrl);
    const page = await client(relay.socketUrl);
    // Ten 3 Mi-character messages (under the per-message cap): only the newest five fit the replay.
    const big = (i: number) =>
      JSON.stringify({ type: "@xstate.event", sessionId: "x:0", i, pad: "x".repeat(3 * 1024 * 1024) });
    for (let i = 0; i < 10; i++) sdk.socket.send(big(i));
    await until(() => page.heard.length === 10);
    const late = await client(relay.socketUrl);
    await until(() => late.heard.length === 5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(late.heard.map((m) => (JSON.parse(m) as { i: number }).i)).toEqual([5, 6, 7, 8, 9]);
  }, 30_000);

  it("serves the page that frames the Stately inspector and feeds it from its own socket", async () => {
    relay = await startInspectorRelay({ port: 0 });
    const response = await fetch(relay.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<iframe id="inspector" src="https://stately.ai/inspect">');
    expect(html).toContain('new WebSocket("ws://" + location.host)');
    expect((await fetch(new URL("/elsewhere", relay.url))).status).toBe(404);
  });

  it("accepts a browser socket from its own page and refuses one from another origin", async () => {
    relay = await startInspectorRelay({ port: 0 });
    await client(relay.socketUrl, `http://127.0.0.1:${relay.port}`);
    await expect(client(relay.socketUrl, "http://evil.example")).rejects.toThrow(/401/);
  });

  it("takes a free port when the one asked for is taken, and says which it was", async () => {
    blocker = createNetServer();
    await new Promise<void>((r) => blocker!.listen(0, "127.0.0.1", () => r()));
    const taken = (blocker.address() as { port: number }).port;
    relay = await startInspectorRelay({ port: taken });
    expect(relay.portTaken).toBe(taken);
    expect(relay.port).not.toBe(taken);
    expect(relay.address().address).toBe("127.0.0.1");
    await client(relay.socketUrl);
  });

  it("waits for Enter at a terminal, and not at all when the input is not a TTY", async () => {
    const piped = new PassThrough();
    expect(await waitForEnter("press Enter", piped, new PassThrough())).toBe(false);
    expect(piped.listenerCount("data"), "nothing read from a pipe").toBe(0);

    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const shown = new PassThrough();
    let done = false;
    const waited = waitForEnter("press Enter", tty, shown).then((w) => {
      done = true;
      return w;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(String(shown.read())).toBe("press Enter");
    tty.write("abc");
    await new Promise((r) => setTimeout(r, 50));
    expect(done, "still waiting before Enter").toBe(false);
    tty.write("\n");
    expect(await waited).toBe(true);
  });
});

describe("credit-journey demo --inspect", () => {
  it("prints the page to open, streams the run through the relay, and with stdin not a TTY exits once flushed", async () => {
    const page: { heard: string[] } = { heard: [] };
    let connecting: Promise<unknown> | undefined;
    const run = runCli(["demo", "--json", "--scenario", "rejected", "--inspect"], (stderr) => {
      const port = /inspector: open http:\/\/127\.0\.0\.1:(\d+)\/ in a browser/.exec(stderr)?.[1];
      if (port !== undefined && connecting === undefined) {
        // A browser page's stand-in, on the socket the printed page would open.
        connecting = client(`ws://127.0.0.1:${port}`).then((c) => (page.heard = c.heard));
      }
    });
    const code = await run.exited;
    const { stdout, stderr } = run.output();
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/inspector: open http:\/\/127\.0\.0\.1:\d+\/ in a browser/);
    expect(stderr, "it did not prompt for Enter").not.toContain("press Enter");
    expect(stdout.trim().split("\n").at(-1)).toContain('"type":"end"');
    await connecting;
    const events = page.heard.map(
      (m) => JSON.parse(m) as { type: string; definition?: string; snapshot?: unknown },
    );
    const actor = events.find((e) => e.type === "@xstate.actor");
    expect(JSON.parse(actor?.definition ?? "{}")).toMatchObject({ id: "journey" });
    const last = events.filter((e) => e.type === "@xstate.snapshot").at(-1)?.snapshot;
    expect(last).toMatchObject({ status: "stopped", value: { lifecycle: { ended: "REJECTED" } } });
  });

  it("--inspect-url naming a socket nobody serves warns naming the URL and exits 1 without running the demo", async () => {
    const url = `ws://127.0.0.1:${await deadPort()}`;
    const run = runCli(["demo", "--json", "--inspect-url", url]);
    const code = await run.exited;
    const { stdout, stderr } = run.output();
    expect(code).toBe(1);
    expect(stderr).toContain(`could not reach the inspector at ${url}`);
    expect(stdout).toBe("");
  });

  it("--inspect-url that is not a ws:// URL is bad usage (exit 2)", async () => {
    const run = runCli(["demo", "--inspect-url", "http://127.0.0.1:1"]);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toContain(
      '--inspect-url must be a ws:// or wss:// URL, got "http://127.0.0.1:1"',
    );
  });
});

describe("credit-journey demo --inspect-url", () => {
  it("streams the live actor to a Stately-inspector socket: the definition, snapshots, events, and the run's final state", async () => {
    server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise<void>((r) => server?.once("listening", () => r()));
    const received: { type: string; definition?: string; snapshot?: unknown }[] = [];
    server.on("connection", (socket) => {
      socket.on("message", (data) => received.push(JSON.parse(String(data)) as { type: string }));
    });
    const { port } = server.address() as { port: number };
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "demo", "--json", "--inspect-url", `ws://127.0.0.1:${port}`],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, stderr).toBe(0);
    const actor = received.find((e) => e.type === "@xstate.actor" && e.definition);
    expect(actor, `got ${received.map((e) => e.type).join(",")}`).toBeDefined();
    expect(JSON.parse(actor!.definition!)).toMatchObject({ id: "journey" });
    expect(received.filter((e) => e.type === "@xstate.snapshot").length).toBeGreaterThan(3);
    expect(received.some((e) => e.type === "@xstate.event")).toBe(true);
    // The last snapshot the inspector hears is the run's end: DISBURSED, the actor stopped (nothing lost on exit).
    const last = received.filter((e) => e.type === "@xstate.snapshot").at(-1)?.snapshot as {
      status: string;
      value: { lifecycle: unknown };
    };
    expect(last).toMatchObject({ status: "stopped", value: { lifecycle: "DISBURSED" } });
  });
});
