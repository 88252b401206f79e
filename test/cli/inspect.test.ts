import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";

let server: WebSocketServer | undefined;
afterEach(() => server?.close());

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
