/**
 * The sandbox where a careful user would assume it holds: an unexpected failure is answered and reported, a
 * redirect is no delivery, the control API and a subscription on one URL keep each other's registrations,
 * close() drops a request still waiting out an injected latency, and a seed gives the same ids whoever listens.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HANDLERS } from "../../src/sandbox/api.js";
import { type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";

const BASE = "/api/v1/headless";
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const it of opened.splice(0)) await it.close();
  vi.restoreAllMocks();
});

async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await startSandbox({ clock: "manual", ...options });
  opened.push(sb);
  return sb;
}

/** A POST with a fresh Idempotency-Key; the answer's status and parsed body. */
async function post(sb: Sandbox, path: string, token: string, body?: unknown) {
  const response = await fetch(sb.url + path, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "idempotency-key": crypto.randomUUID(),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

/** A receiver answering `respond(path)`; what it got, by method and path. */
async function receiver(respond: (path: string) => { status: number; headers?: Record<string, string> }) {
  const got: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      got.push(`${req.method} ${req.url}`);
      const { status, headers } = respond(req.url ?? "");
      res.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  opened.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, got };
}

/** A borrower session and a journey: two snapshots, so two webhook events. */
async function startJourney(sb: Sandbox, customer = "CUST_1") {
  const session = (await post(sb, `${BASE}/sessions`, sb.apiKey, { borrowerExternalID: customer })).body.data;
  const journey = (await post(sb, `${BASE}/journeys`, session.sessionToken, { type: "PERSONAL_LOAN" })).body
    .data;
  return { session, journey };
}

describe("sandbox robustness", () => {
  it("answers an unexpected failure after the body was read 500 INTERNAL, and reports it", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const handlers = HANDLERS as Record<string, unknown>;
    const original = handlers.createSession;
    handlers.createSession = () => {
      throw new RangeError("a bug in a handler");
    };
    try {
      const sb = await sandbox();
      const answer = await post(sb, `${BASE}/sessions`, sb.apiKey, { borrowerExternalID: "CUST_1" });
      expect(answer.status).toBe(500);
      expect(answer.body.error.code).toBe("INTERNAL");
      expect(errors.mock.calls.some((call) => String(call.join(" ")).includes("a bug in a handler"))).toBe(
        true,
      );
    } finally {
      handlers.createSession = original;
    }
  });

  it("counts a redirect as a failed delivery, retried, and never follows it", async () => {
    const rx = await receiver((path) =>
      path === "/hooks" ? { status: 302, headers: { location: "/login" } } : { status: 200 },
    );
    const sb = await sandbox({ webhooks: [{ url: rx.url }] });
    await startJourney(sb);
    await sb.control.settle();
    expect(rx.got.every((line) => line === "POST /hooks")).toBe(true);
    expect(sb.control.webhookAttempts().map((a) => a.status)).toEqual(rx.got.map(() => 302));
    expect(sb.control.webhookDeliveries().every((d) => d.state !== "delivered")).toBe(true);
  });

  it("keeps the subscription delivering when the control API removes or adds its URL, and never brings a removed endpoint back", async () => {
    const rx = await receiver(() => ({ status: 204 }));
    const sb = await sandbox({ webhooks: [{ url: rx.url, secrets: ["control-secret"] }] });
    const subscription = `/api/tenants/${sb.tenantID}/applications/${sb.applicationID}/webhooks`;
    expect((await post(sb, `${subscription}/subscribe`, sb.apiKey, { url: rx.url })).status).toBe(200);
    expect(sb.control.removeWebhookEndpoint(rx.url)).toBe(true);
    await startJourney(sb);
    await sb.control.settle();
    expect(rx.got.length).toBeGreaterThan(0);
    const secret = sb.control.subscriptionSecret();
    // Added back while subscribed: the subscription still signs with its own secret.
    sb.control.addWebhookEndpoint(rx.url, ["other-secret"]);
    expect(sb.control.webhookEndpoints().find((e) => e.url === rx.url)?.secrets).toEqual([secret]);
    sb.control.removeWebhookEndpoint(rx.url);
    await post(sb, `${subscription}/unsubscribe`, sb.apiKey);
    expect(sb.control.webhookEndpoints()).toEqual([]);
  });

  it("drops a request still waiting out an injected latency when it closes: nothing of it is applied", async () => {
    const sb = await sandbox({ faults: { latencyMs: 300 } });
    const pending = post(sb, `${BASE}/sessions`, sb.apiKey, { borrowerExternalID: "CUST_1" }).catch(
      () => "hung up",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sb.close();
    expect(await pending).toBe("hung up");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sb.control.mutations()).toEqual([]);
  });

  it("gives the same seeded ids whether or not a webhook endpoint listens", async () => {
    const ids = async (options: SandboxOptions) => {
      const sb = await sandbox({ seed: 7, ...options });
      const first = await startJourney(sb, "CUST_1");
      const second = await startJourney(sb, "CUST_2");
      return [
        first.session.borrowerID,
        first.journey.journeyID,
        second.session.borrowerID,
        second.journey.journeyID,
      ];
    };
    const rx = await receiver(() => ({ status: 204 }));
    expect(await ids({ webhooks: [{ url: rx.url }] })).toEqual(await ids({}));
  });
});
