/**
 * Runs the README's two examples together, as written, against the embedded sandbox: the backend example
 * ("In a backend") as the partner backend, and the frontend example ("In a frontend") as its app. Each code block
 * is read from README.md at test time and written to a module under test/docs/.run-*, changed only to run here:
 * the package's entry points resolve to this checkout's sources, the platform's URL is the sandbox's, port 3000 a
 * free one, and the backend's server (named `server`) and store and the app's session and journey are exported,
 * so the test can watch and close them. The API key and webhook secret reach the backend through its own
 * `process.env` reads; the app's relative `fetch("/session")` resolves against the backend, as in a page the
 * backend serves. A README edit that breaks either example, or their fit, fails here.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { JourneyRuntime } from "../../src/runtime/index.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import type { JourneyStore } from "../../src/server/index.js";
import { ENTRY_POINTS, type Snippet, snippetsOf } from "./snippets.js";

const ROOT = new URL("../../", import.meta.url);
const PLATFORM_URL = '"https://api.lender.example"';

/** The README's code block right under the `## …` heading that starts with `heading`. */
function exampleUnder(heading: string): Snippet {
  const lines = readFileSync(new URL("README.md", ROOT), "utf8").split("\n");
  const at = lines.findIndex((line) => line.startsWith(heading));
  const next = lines.findIndex((line, i) => i > at && line.startsWith("## "));
  const snippet = snippetsOf("README.md").find((s) => s.line > at + 1 && (next < 0 || s.line < next + 1));
  if (at < 0 || !snippet) throw new Error(`README.md has no code block under a heading "${heading}…"`);
  return snippet;
}

/** `code` with its one `from` replaced by `to`; throws (naming the example) when `from` is not there exactly once. */
function replaceOnce(code: string, from: string, to: string, example: string): string {
  const at = code.indexOf(from);
  if (at < 0 || code.indexOf(from, at + 1) >= 0)
    throw new Error(`the README's ${example} example should contain ${from} exactly once`);
  return code.slice(0, at) + to + code.slice(at + from.length);
}

/** The example as a module of `dir` (two levels under the root), importing the entry points from source. */
function runnable(snippet: Snippet, example: string, edits: readonly (readonly [string, string])[]): string {
  let code = snippet.code.replace(/from "(credit-journey(?:\/[a-z/]+)?)"/g, (_whole, name: string) => {
    const source = ENTRY_POINTS[name];
    if (!source) throw new Error(`the README's ${example} example imports an unknown entry point ${name}`);
    return `from "../../../${source.replace(/\.ts$/, ".js")}"`;
  });
  for (const [from, to] of edits) code = replaceOnce(code, from, to, example);
  return code;
}

const dir = new URL(`test/docs/.run-${process.pid}-${Date.now()}/`, ROOT);
let sandbox: Sandbox;
let backend: { server: Server; store: JourneyStore };
let backendUrl: string;
let app: {
  session: { token: string; journeyID: string; journey: { status: string } };
  journey: JourneyRuntime;
};
let logged: unknown[][];

beforeAll(async () => {
  const frontendExample = exampleUnder("## In a frontend");
  const backendExample = exampleUnder("## In a backend");
  sandbox = await startSandbox();
  vi.stubEnv("API_KEY", sandbox.apiKey);
  vi.stubEnv("WEBHOOK_SECRET", sandbox.webhookSecret);
  mkdirSync(dir, { recursive: true });

  writeFileSync(
    new URL("backend.ts", dir),
    `${runnable(backendExample, "backend", [
      [PLATFORM_URL, JSON.stringify(sandbox.url)],
      ["\ncreateServer(", "\nconst server = createServer("],
      [".listen(3000)", '.listen(0, "127.0.0.1")'],
    ])}\nexport { server, store };\n`,
  );
  backend = await import(/* @vite-ignore */ new URL("backend.ts", dir).href);
  if (!backend.server.listening) await new Promise((resolve) => backend.server.once("listening", resolve));
  backendUrl = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
  sandbox.control.addWebhookEndpoint(`${backendUrl}/webhooks`);

  // The app's page is served by its backend: a relative URL goes there.
  const realFetch = globalThis.fetch;
  vi.stubGlobal("fetch", (input: string | URL | Request, init?: RequestInit) =>
    realFetch(typeof input === "string" ? new URL(input, backendUrl) : input, init),
  );
  logged = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args));
  writeFileSync(
    new URL("frontend.ts", dir),
    `${runnable(frontendExample, "frontend", [[PLATFORM_URL, JSON.stringify(sandbox.url)]])}\nexport { session, journey };\n`,
  );
  app = await import(/* @vite-ignore */ new URL("frontend.ts", dir).href);
});

afterAll(async () => {
  app?.journey.stop();
  await sandbox?.close();
  backend?.server.closeAllConnections();
  await new Promise((resolve) => (backend ? backend.server.close(resolve) : resolve(undefined)));
  await backend?.store.close();
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** The sandbox's request log as `METHOD path status`, with `journeyID` shortened to `{id}`. */
function wire(journeyID: string): string[] {
  return sandbox.control
    .requests()
    .map(
      (r) => `${r.method} ${r.path.replace("/api/v1/headless", "").replace(journeyID, "{id}")} ${r.status}`,
    );
}

describe("the README's frontend and backend examples, run together against the sandbox", () => {
  it("the backend's /session answers the app exactly { token, journeyID, journey }: the borrower token and the journey it opened on the sandbox", () => {
    const { session } = app;
    expect(Object.keys(session).sort()).toEqual(["journey", "journeyID", "token"]);
    expect(session.token).toMatch(/^[A-Za-z0-9]{43}$/);
    const onPlatform = sandbox.control.journeys();
    expect(onPlatform.map((j) => j.journey.journeyID)).toEqual([session.journeyID]);
    expect(session.journey).toMatchObject({
      journeyID: session.journeyID,
      status: onPlatform[0]?.journey.status,
    });
    // No journey existed at bootstrap: the backend bootstrapped the session, created the journey with the
    // borrower's token and read its first snapshot.
    expect(wire(session.journeyID).slice(0, 3)).toEqual([
      "POST /sessions 201",
      "POST /journeys 201",
      "GET /journeys/{id}/state 200",
    ]);
  });

  it("the app's runtime starts on that snapshot, logs the sandbox journey's screen and polls the sandbox with the token", async () => {
    const { session, journey } = app;
    expect(session.journey.status).toBe("PROFILE_REQUIRED");
    expect(journey.getSnapshot()).toMatchObject({ screen: "profile", nextAction: "SUBMIT_PROFILE" });
    // The example's subscriber: console.log(view.screen, view.nextAction, view.can.selectOffer).
    expect(logged).toContainEqual(["profile", "SUBMIT_PROFILE", false]);
    // The backend's first read, then the runtime's own poll.
    const polls = () =>
      sandbox.control.requests().filter((r) => r.path.endsWith(`/journeys/${session.journeyID}/state`));
    await vi.waitFor(() => expect(polls().length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    expect(polls().map((r) => r.status)).toEqual(polls().map(() => 200));
    expect(polls().at(-1)?.headers.authorization).toBe(`Bearer ${session.token.slice(0, 4)}…`);
    expect(journey.getSnapshot().error).toBeNull();
  });

  it("once the sandbox expires the token, the app renews it through the backend's /session/refresh and the runtime reads on", async () => {
    const { session, journey } = app;
    const expired = session.token;
    const before = sandbox.control.requests().length;
    sandbox.control.expireToken(expired);
    // Pull to refresh (PROFILE_REQUIRED polls only every 10-20 s); it does nothing while a poll is on the wire.
    await vi.waitFor(
      () => {
        journey.refresh();
        expect(wire(session.journeyID).slice(before)).toContain("GET /journeys/{id}/state 200");
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(session.token).not.toBe(expired);
    expect(session.token).toMatch(/^[A-Za-z0-9]{43}$/);
    // Refused with the expired token, renewed by the backend's bootstrap (API key), read with the new token.
    expect(wire(session.journeyID).slice(before, before + 3)).toEqual([
      "GET /journeys/{id}/state 401",
      "POST /sessions 201",
      "GET /journeys/{id}/state 200",
    ]);
    expect(sandbox.control.requests().at(-1)?.headers.authorization).toBe(
      `Bearer ${session.token.slice(0, 4)}…`,
    );
    expect(journey.getSnapshot()).toMatchObject({ screen: "profile", error: null });
  });

  it("the backend's /webhooks accepts (200) every signed webhook the sandbox sends for the journey and stores its state; it refuses (401) an unsigned one", async () => {
    const { journeyID } = app.session;
    await vi.waitFor(
      () => {
        const deliveries = sandbox.control
          .webhookDeliveries()
          .filter((d) => d.body.borrower.journeys[0].journeyID === journeyID);
        expect(deliveries.length).toBeGreaterThanOrEqual(1);
        expect(deliveries.map((d) => d.state)).toEqual(deliveries.map(() => "delivered"));
      },
      { timeout: 5_000 },
    );
    const attempts = sandbox.control.webhookAttempts().filter((a) => a.journeyID === journeyID);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.map((a) => [a.endpoint, a.status])).toEqual(
      attempts.map(() => [`${backendUrl}/webhooks`, 200]),
    );
    const stored = await backend.store.get(journeyID);
    expect(stored?.status).toBe(sandbox.control.journey(journeyID).journey.status);

    const last = sandbox.control.webhookDeliveries().at(-1);
    const unsigned = await fetch(`${backendUrl}/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(last?.body),
    });
    expect(unsigned.status).toBe(401);
  });
});
