import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { offerMenu, terminalChoices } from "../../src/cli/demo/interactive.js";
import type { JourneyView, OfferView } from "../../src/runtime/index.js";
import { offerFixture } from "../../src/testing/fixtures.js";

function offer(id: string, lender: string, selectable: boolean): OfferView {
  return {
    ...offerFixture({ id, lender: { name: lender } }),
    selectable,
    blockedReason: null,
    expired: false,
    locked: false,
  };
}

const view = {
  offers: [
    offer("ofr_a", "Alpha Bank", true),
    offer("ofr_b", "Beta Finance", false),
    offer("ofr_c", "Gamma NBFC", true),
  ],
} as unknown as JourneyView;

describe("--interactive", () => {
  it("lists only the selectable offers, numbered, with amount, tenure, EMI and APR", () => {
    const menu = offerMenu(view);
    expect(menu).toHaveLength(2);
    expect(menu[0]).toMatch(/^ {2}1\. Alpha Bank .*₹2,00,000 over 24 months, EMI ₹9,603, APR 15\.20%$/);
    expect(menu[1]).toMatch(/^ {2}2\. Gamma NBFC/);
  });

  it("asks until the answer names an offer, then returns that offer's id", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    const answers = ["7", "2"];
    // A person answers each prompt as it appears.
    output.on("data", (c: Buffer) => {
      printed += c.toString();
      if (c.toString().includes("Pick an offer")) input.write(`${answers.shift()}\n`);
    });
    const choices = terminalChoices(input, output);
    const picked = choices.pickOffer(view);
    expect(await picked).toBe("ofr_c");
    choices.close();
    expect(printed).toContain("Type a number from 1 to 2.");
  });

  it("takes a used link as completed in the browser, but reports a broken hosted page, whatever its URL holds", async () => {
    const server = createServer((req, res) => {
      if (req.url?.includes("used")) res.writeHead(410).end("<title>Link used</title>");
      else res.writeHead(500).end("boom");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const input = new PassThrough();
    const output = new PassThrough();
    output.on("data", (c: Buffer) => {
      if (c.toString().includes("press Enter")) input.write("\n");
    });
    const choices = terminalChoices(input, output);
    try {
      await expect(choices.completeRedirect(`${base}/hosted/used`, `${base}/back`)).resolves.toBeUndefined();
      // A step id with "410" in it used to pass a 500 off as completed.
      await expect(
        choices.completeRedirect(`${base}/hosted/kyc/5a1c9e7d-3b2f-4410-8e0c`, `${base}/back`),
      ).rejects.toMatchObject({ name: "HostedPageError", status: 500, why: "failed" });
    } finally {
      choices.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("takes its answers from a pipe and ends: printf '1\\n1\\n1\\n' | credit-journey --interactive reaches DISBURSED, exit 0", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", "--interactive"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stdin.end("1\n1\n1\n");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(stdout).not.toContain("readline was closed");
    expect(stdout).toContain("Ended at DISBURSED (expected DISBURSED)");
    expect(code).toBe(0);
  }, 60_000);

  it("with --json keeps stdout one JSON object a line: the prompts go to stderr", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "demo", "--interactive", "--json"],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdin.end("1\n1\n1\n");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    const lines = stdout.split("\n").filter((line) => line !== "");
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(stderr).toContain("Pick an offer");
  }, 60_000);
});
