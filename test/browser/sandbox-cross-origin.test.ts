/**
 * A real browser calling the sandbox from other origins: a page on a loopback origin reads a journey's state
 * (CORS allows it), a page on a non-loopback origin cannot read the answer, and a DNS-rebinding page (a foreign
 * name resolving to the sandbox's own address and port) is refused by the Host check.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_PATH } from "../../src/contract/index.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { chromiumArgs, chromiumExecutable } from "./support/chromium.js";

/** The made-up public name the browser resolves to 127.0.0.1 (`--host-resolver-rules`): never loopback by name. */
const FOREIGN_HOST = "evil.example";

let sandbox: Sandbox;
let pages: Server;
let pagesPort: number;
let browser: Browser;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
  // The pages' own server: a blank page on whatever origin the browser asks for.
  pages = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><html><head><title>other origin</title></head><body>page</body></html>");
  });
  await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
  pagesPort = (pages.address() as AddressInfo).port;
  browser = await playwright.launch({
    executablePath: await chromiumExecutable(),
    headless: true,
    args: [...chromiumArgs(), `--host-resolver-rules=MAP ${FOREIGN_HOST} 127.0.0.1`],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (pages ? pages.close(() => resolve()) : resolve()));
  await sandbox?.close();
});

/** A borrower session and journey made in node (the partner's backend call), for the page to read. */
async function borrowerJourney(borrowerExternalID: string): Promise<{ token: string; journeyID: string }> {
  const post = async (path: string, bearer: string, body: unknown) => {
    const response = await fetch(`${sandbox.url}${BASE_PATH}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${bearer}`,
        "content-type": "application/json",
        "idempotency-key": crypto.randomUUID(),
      },
      body: JSON.stringify(body),
    });
    return ((await response.json()) as { data: Record<string, string> }).data;
  };
  const session = await post("/sessions", sandbox.apiKey, { borrowerExternalID });
  const token = session.sessionToken as string;
  const journey = await post("/journeys", token, { type: "PERSONAL_LOAN" });
  return { token, journeyID: journey.journeyID as string };
}

/** What a page's cross-origin `fetch` of `url` with the borrower's token came to. */
type PageFetch =
  | {
      readonly ok: true;
      readonly status: number;
      readonly correlationID: string | null;
      readonly journeyStatus: string;
    }
  | { readonly ok: false; readonly error: string };

/** Opens `pageUrl` and, in the page, fetches `url` with the bearer and a correlation id (a preflighted request). */
async function fetchFromPage(pageUrl: string, url: string, token: string): Promise<PageFetch> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(pageUrl);
    return await page.evaluate(
      async ({ url, token }) => {
        try {
          const response = await fetch(url, {
            headers: { authorization: `Bearer ${token}`, "x-correlation-id": "cross-origin-1" },
          });
          const body = (await response.json()) as { data: { status: string } };
          return {
            ok: true as const,
            status: response.status,
            correlationID: response.headers.get("x-correlation-id"),
            journeyStatus: body.data.status,
          };
        } catch (error) {
          return { ok: false as const, error: String(error) };
        }
      },
      { url, token },
    );
  } finally {
    await context.close();
  }
}

describe("the sandbox from a browser on another origin", () => {
  it("lets a page on another loopback origin read a journey's state (CORS), the exposed headers too", async () => {
    const { token, journeyID } = await borrowerJourney("xo-loopback");
    const stateUrl = `${sandbox.url}${BASE_PATH}/journeys/${journeyID}/state`;
    // The sandbox is on 127.0.0.1; the page on localhost and another port: another origin.
    const result = await fetchFromPage(`http://localhost:${pagesPort}/`, stateUrl, token);
    expect(result).toEqual({
      ok: true,
      status: 200,
      correlationID: "cross-origin-1",
      journeyStatus: "PROFILE_REQUIRED",
    });
  });

  it("gives a page on a non-loopback origin nothing it can read", async () => {
    const { token, journeyID } = await borrowerJourney("xo-foreign");
    const stateUrl = `${sandbox.url}${BASE_PATH}/journeys/${journeyID}/state`;
    const result = await fetchFromPage(`http://${FOREIGN_HOST}:${pagesPort}/`, stateUrl, token);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.error).toMatch(/TypeError|Failed to fetch/);
  });

  it("refuses a DNS-rebinding page (a foreign name on the sandbox's own address and port) with 421", async () => {
    const port = new URL(sandbox.url).port;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // The page itself comes from the sandbox under the foreign name: refused before anything is served.
      const navigation = await page.goto(`http://${FOREIGN_HOST}:${port}/hosted/return`);
      expect(navigation?.status()).toBe(421);
      const control = await page.evaluate(async () => {
        const response = await fetch("/_sandbox/");
        return { status: response.status, text: await response.text() };
      });
      expect(control.status).toBe(421);
      expect(control.text).not.toContain(sandbox.apiKey);
      expect(JSON.parse(control.text).error.code).toBe("HOST_NOT_ALLOWED");
    } finally {
      await context.close();
    }
  });
});
