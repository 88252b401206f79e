/** The command line's own manners: help, version, flag errors that name the flag, a dead inspector URL. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** Runs `credit-journey …args` from the source checkout; resolves with its exit code and output. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("credit-journey usage", () => {
  it("prints its help for -h and --help, and its version for --version", async () => {
    for (const flag of ["-h", "--help"]) {
      const { code, stdout } = await cli(flag);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage:/);
      expect(stdout).toContain("--version");
    }
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(await cli("--version")).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("names the flag at fault and points at --help (exit 2)", async () => {
    const port = await cli("--web", "--port", "abc");
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be an integer from 0 to 65535, got "abc"');
    expect(port.stderr).toContain("--help");
    expect(port.stderr).not.toContain("NaN");
    // --port belongs to --web: without it, it is bad usage, not silently ignored.
    for (const given of [["--port", "abc"], ["--port=4010"]]) {
      const alone = await cli("demo", "--scenario", "rejected", ...given);
      expect(alone.code).toBe(2);
      expect(alone.stderr).toMatch(/--port[\s\S]*--web[\s\S]*--help/);
    }
    const url = await cli("trigger", "jrn_1", "complete", "--sandbox-url", "notaurl");
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/--sandbox-url must be an http\(s\) URL, got "notaurl"[\s\S]*--help/);
    const unknown = await cli("--bogus");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--bogus[\s\S]*--help/);
    // A webhook URL that is not one is bad usage before any sandbox starts (it failed later, exit 1).
    const hook = await cli("sandbox", "--webhook-url", "http://[bad");
    expect(hook.code).toBe(2);
    expect(hook.stderr).toMatch(/--webhook-url must be an http\(s\) URL[\s\S]*--help/);
    // An extra positional is refused, not ignored.
    const extra = await cli("trigger", "jrn_1", "complete", "extra");
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/trigger takes a journey id and one of/);
    // A seed past 15 digits is refused with what it must be.
    const seed = await cli("sandbox", "--seed", "1234567890123456");
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain("at most 15 digits");
    // A clock faster than the sandbox runs is bad usage too (it failed once the sandbox started, exit 1).
    const clock = await cli("sandbox", "--clock", "2000000x");
    expect(clock.code).toBe(2);
    expect(clock.stderr).toMatch(/at most 1000000x[\s\S]*--help/);
  });

  it("warns and exits 1 when --inspect-url names an inspector nobody runs, instead of hanging", async () => {
    const { code, stderr } = await cli("demo", "--scenario", "rejected", "--inspect-url", "ws://127.0.0.1:9");
    expect(stderr).toContain("could not reach the inspector at ws://127.0.0.1:9");
    expect(code).toBe(1);
  }, 60_000);
});
