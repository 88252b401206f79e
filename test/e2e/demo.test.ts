import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { LIFECYCLE } from "../../src/contract/index.js";

interface Run {
  readonly code: number | null;
  readonly lines: Record<string, unknown>[];
  readonly stderr: string;
}

/** Runs `npm start -- <args> --json` as a user would (the same command, via tsx) and parses every line. */
function demo(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", "--json", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      const lines = stdout
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, lines, stderr });
    });
  });
}

function states(run: Run): string[] {
  return run.lines.filter((l) => l.type === "state").map((l) => l.status as string);
}

function isForwardOrder(statuses: string[]): boolean {
  const order = statuses.map((s) => (LIFECYCLE as readonly string[]).indexOf(s));
  return order.every((i, n) => n === 0 || i > order[n - 1]! || i === -1);
}

describe("npm start (the demo), end to end", () => {
  // The three runs go in parallel: each is a whole journey on its own sandbox with real (short) timings.
  const runs = Promise.all([demo(), demo("--scenario", "rejected"), demo("--faults")]);

  it("happy path: ends at DISBURSED with exit code 0, every line JSON, states in lifecycle order", async () => {
    const [happy] = await runs;
    expect(happy.code, happy.stderr).toBe(0);
    const seen = states(happy);
    expect(seen.at(-1)).toBe("DISBURSED");
    expect(seen).toEqual(
      expect.arrayContaining(["PROFILE_REQUIRED", "OFFERS_AVAILABLE", "KYC_PENDING", "LENDER_PROCESSING"]),
    );
    expect(isForwardOrder(seen)).toBe(true);
    const end = happy.lines.at(-1);
    expect(end).toMatchObject({ type: "end", status: "DISBURSED", expected: "DISBURSED", exitCode: 0 });
    const summary = happy.lines.find((l) => l.type === "summary") as {
      mutationsApplied: number;
      polls: number;
      refreshes: number;
    };
    expect(summary.mutationsApplied).toBeGreaterThan(5);
    // The demo's sessions are short so that a refresh shows (docs/demo.md): the happy run outlives one.
    expect(summary.refreshes).toBeGreaterThanOrEqual(1);
  });

  it("--scenario rejected: ends at REJECTED, its documented end, with exit code 0", async () => {
    const [, rejected] = await runs;
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(states(rejected).at(-1)).toBe("REJECTED");
    expect(rejected.lines.at(-1)).toMatchObject({ status: "REJECTED", expected: "REJECTED" });
  });

  it("--faults: still ends at DISBURSED, having ridden through retries", async () => {
    const [, , faulty] = await runs;
    expect(faulty.code, faulty.stderr).toBe(0);
    expect(states(faulty).at(-1)).toBe("DISBURSED");
    const summary = faulty.lines.find((l) => l.type === "summary") as { retries: number };
    expect(summary.retries).toBeGreaterThan(0);
  });

  it("refuses an unknown scenario with exit code 2", async () => {
    const run = await demo("--scenario", "lottery");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--scenario must be one of");
  });
});
