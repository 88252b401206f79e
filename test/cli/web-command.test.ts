import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGTERM");
});

describe("npm start -- --web", () => {
  it("prints a URL that serves the borrower web app and, on the same origin, the platform API and the signed-in partner backend", async () => {
    child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", "--web", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const proc = child;
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      proc.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = out.match(/web app: (http:\/\/127\.0\.0\.1:\d+)/);
        if (match?.[1]) resolve(match[1]);
      });
      proc.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<!doctype html>");
    const api = await fetch(`${url}/api/v1/headless/journeys`);
    expect(api.status).toBe(401);
    // The partner backend behind the same origin: no session without a sign-in, no sign-in from a plain form.
    const json = { "content-type": "application/json", "x-requested-with": "test" };
    const anonymous = await fetch(`${url}/session`, { method: "POST", headers: json, body: "{}" });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toMatch(/token"\s*:/i);
    const credentials = JSON.stringify({ borrowerExternalID: "sbx-happy-cli", password: "sandbox" });
    const plain = await fetch(`${url}/sign-in`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: credentials,
    });
    expect(plain.status).toBe(415);
    const signIn = await fetch(`${url}/sign-in`, { method: "POST", headers: json, body: credentials });
    expect(signIn.status).toBe(200);
    const { appToken } = (await signIn.json()) as { appToken: string };
    const session = await fetch(`${url}/session`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${appToken}` },
      body: "{}",
    });
    expect(session.status).toBe(201);
    expect(((await session.json()) as { borrowerExternalID: string }).borrowerExternalID).toBe(
      "sbx-happy-cli",
    );
    const exited = new Promise<number | null>((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
