import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { runDemo } from "../../src/cli/demo/run.js";

let server: WebSocketServer | undefined;
afterEach(() => server?.close());

describe("--inspect", () => {
  it("streams the live actor to a Stately-inspector socket: the machine definition and snapshot events", async () => {
    server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise<void>((r) => server?.once("listening", () => r()));
    const received: { type: string; definition?: string }[] = [];
    server.on("connection", (socket) => {
      socket.on("message", (data) => received.push(JSON.parse(String(data)) as { type: string }));
    });
    const { port } = server.address() as { port: number };
    const { createWebSocketInspector } = await import("@statelyai/inspect");
    const inspector = createWebSocketInspector({ url: `ws://127.0.0.1:${port}` });
    const result = await runDemo({
      scenario: "rejected",
      inspect: inspector.inspect,
      print: () => {},
    });
    await new Promise((r) => setTimeout(r, 200));
    inspector.stop();
    expect(result.finalStatus).toBe("REJECTED");
    const actor = received.find((e) => e.type === "@xstate.actor" && e.definition);
    expect(actor, `got ${received.map((e) => e.type).join(",")}`).toBeDefined();
    expect(JSON.parse(actor!.definition!)).toMatchObject({ id: "journey" });
    expect(received.filter((e) => e.type === "@xstate.snapshot").length).toBeGreaterThan(3);
    expect(received.some((e) => e.type === "@xstate.event")).toBe(true);
  });
});
