import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGTERM");
});

function urlFrom(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match?.[1]) resolve(match[1]);
    });
    proc.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

describe("credit-journey sandbox", () => {
  it("runs standalone as a child process and refuses an unauthenticated journey list with 401", async () => {
    child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "sandbox", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await urlFrom(child);
    const res = await fetch(`${url}/api/v1/headless/journeys`);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("AUTH_INVALID_SESSION");
    const exited = new Promise<number | null>((resolve) => child?.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
