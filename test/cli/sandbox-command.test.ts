import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createBorrowerClient, createPartnerClient } from "../../src/client/index.js";
import { openJourney } from "../../src/client/journeys.js";
import { verifyWebhook } from "../../src/server/index.js";

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGTERM");
});

/** The banner's lines once it is printed whole (up to "Press Ctrl+C"). */
function bannerOf(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Press Ctrl+C")) resolve(out);
    });
    proc.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

async function urlFrom(proc: ChildProcess): Promise<string> {
  return (await bannerOf(proc)).match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1] as string;
}

/** `credit-journey …args` run to its end. */
function cliRun(...args: string[]): Promise<{ code: number | null; stdout: string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  proc.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  return new Promise((resolve) => proc.once("exit", (code) => resolve({ code, stdout })));
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

  it("forwards signed deliveries to --webhook-url, and `trigger` moves a journey on", async () => {
    const deliveries: { body: string; headers: IncomingHttpHeaders }[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        deliveries.push({ body, headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
    try {
      child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "src/cli/main.ts",
          "sandbox",
          "--port",
          "0",
          "--seed",
          "7",
          "--webhook-url",
          hook,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      const banner = await bannerOf(child);
      expect(banner).toContain(`Forwarding:     signed webhook deliveries to ${hook}`);
      const url = banner.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1] as string;
      const apiKey = banner.match(/API key: +(\S+)/)?.[1] as string;
      const secret = banner.match(/Webhook secret: +(\S+)/)?.[1] as string;
      const partner = createPartnerClient({ baseUrl: url, apiKey, serverSide: true });
      const session = await partner.createSession({ borrowerExternalID: "sbx-happy-cli" });
      const borrower = createBorrowerClient({
        baseUrl: url,
        getSessionToken: () => session.sessionToken,
        refreshSession: async () => session.sessionToken,
      });
      const { journeyID } = await openJourney(borrower, { activeJourney: session.activeJourney ?? null });
      const moved = await cliRun("trigger", journeyID, "expire", "--sandbox-url", url);
      expect(moved).toMatchObject({ code: 0 });
      expect(moved.stdout).toContain(`journey ${journeyID}: expire done, now EXPIRED`);
      await expect
        .poll(() => deliveries.some((d) => d.body.includes('"EXPIRED"')), { timeout: 10_000 })
        .toBe(true);
      // Every forwarded delivery is signed with the secret the banner printed.
      for (const d of deliveries) {
        const verified = await verifyWebhook(d.body, d.headers, secret);
        expect(verified.body.borrower?.journeys?.[0]?.journeyID).toBe(journeyID);
      }
    } finally {
      receiver.close();
    }
  }, 60_000);
});
