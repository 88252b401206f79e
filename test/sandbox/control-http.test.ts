import { afterEach, describe, expect, it } from "vitest";
import { redactSecret } from "../../src/sandbox/redact.js";
import {
  openSession,
  profileFor,
  type Sandbox,
  startManual,
  stateOf,
  TestClient,
  toOffers,
} from "./helpers.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sandbox?.url}/_sandbox${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  return { status: response.status, body: await response.json() };
}

describe("JSON control API over HTTP", () => {
  it("reports the sandbox, its scenarios and clock, and advances the clock", async () => {
    sandbox = await startManual({ startAt: Date.UTC(2026, 0, 1) });
    // The key itself never leaves over HTTP: only its redacted form (the full one is sandbox.apiKey).
    expect((await control("GET", "")).body).toMatchObject({
      url: sandbox.url,
      apiKey: redactSecret(sandbox.apiKey),
    });
    expect((await control("GET", "/scenarios")).body.scenarios).toHaveLength(7);
    const advanced = await control("POST", "/clock/advance", { ms: 60_000 });
    expect(advanced.body.now).toBe("2026-01-01T00:01:00.000Z");
    expect((await control("POST", "/clock/advance", { ms: -1 })).status).toBe(400);
  });

  it("drives steps, expires journeys and tokens, and reads journeys and logs", async () => {
    sandbox = await startManual();
    const client = new TestClient(sandbox);
    const { token, journeyID } = await openSession(client, "sbx-no-aa-control");
    await toOffers(client, token, journeyID);
    const [offer] = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    await client.call("POST", `/journeys/${journeyID}/offers/${offer.id}/proceed`, { token });
    await control("POST", "/clock/advance", { ms: 1000 });
    const completed = await control("POST", `/journeys/${journeyID}/steps/current/complete`);
    expect(completed.body).toMatchObject({ kind: "KYC", status: "IN_PROGRESS" });
    await control("POST", "/clock/advance", { ms: 1000 });
    expect((await stateOf(client, token, journeyID)).status).toBe("BANK_MANDATE_PENDING");
    const failed = await control("POST", `/journeys/${journeyID}/steps/current/fail`, {
      reasonCode: "MANDATE_REJECTED",
    });
    expect(failed.body).toMatchObject({
      status: "FAILED",
      failure: { reasonCode: "MANDATE_REJECTED", retryable: true },
    });
    const view = await control("GET", `/journeys/${journeyID}`);
    expect(view.body).toMatchObject({ scenario: "no-aa", journey: { status: "BANK_MANDATE_PENDING" } });
    expect((await control("GET", "/journeys")).body.journeys).toHaveLength(1);
    expect((await control("POST", `/journeys/${journeyID}/expire`)).body.status).toBe("EXPIRED");
    expect((await control("POST", `/journeys/${journeyID}/expire`)).status).toBe(409);
    expect((await control("GET", "/journeys/jrn_nope")).status).toBe(404);
    await control("POST", "/tokens/expire", { token });
    expect((await client.call("GET", "/journeys", { token })).body.error.code).toBe("AUTH_INVALID_SESSION");
    const mutations = (await control("GET", "/mutations")).body.mutations;
    expect(mutations.map((m: { endpoint: string }) => m.endpoint)).toEqual([
      "createSession",
      "createJourney",
      "upsertProfile",
      "submitProfile",
      "proceedOffer",
    ]);
    const requests = (await control("GET", "/requests")).body.requests;
    expect(requests.length).toBeGreaterThan(5);
  });

  it("sets faults, the rate limit and webhook endpoints", async () => {
    sandbox = await startManual();
    const client = new TestClient(sandbox);
    const { token, journeyID } = await openSession(client, "faulty");
    await control("PUT", "/faults", { routes: { submitProfile: { errorRate: 1 } } });
    expect((await control("GET", "/faults")).body.routes.submitProfile.errorRate).toBe(1);
    await client.call("PUT", "/profile", { token, body: profileFor() });
    const failed = await client.call("POST", "/profile/submit", { token, body: { bureauConsent: true } });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(sandbox.control.journey(journeyID).journey.status).toBe("PROFILE_REQUIRED");
    await control("PUT", "/faults", {});
    await control("PUT", "/rate-limit", { perSecond: 1 });
    await client.call("GET", "/journeys", { token });
    const limited = await client.call("GET", "/journeys", { token });
    expect(limited.status).toBe(429);
    await control("PUT", "/rate-limit", { perSecond: null });
    const added = await control("POST", "/webhooks/endpoints", { url: "http://127.0.0.1:9/hooks" });
    expect(added.status).toBe(201);
    expect(added.body.secrets).toEqual([redactSecret(sandbox.webhookSecret)]);
    expect(sandbox.control.webhookEndpoints()[0]?.secrets).toEqual([sandbox.webhookSecret]);
    expect((await control("POST", "/webhooks/endpoints", { url: "nope" })).status).toBe(400);
    expect((await control("GET", "/webhooks/endpoints")).body.endpoints).toHaveLength(1);
    expect((await control("GET", "/webhooks/attempts")).body.attempts).toEqual([]);
    const removed = await fetch(
      `${sandbox.url}/_sandbox/webhooks/endpoints?url=${encodeURIComponent("http://127.0.0.1:9/hooks")}`,
      {
        method: "DELETE",
      },
    );
    expect((await removed.json()).removed).toBe(true);
    expect((await control("GET", "/nowhere")).status).toBe(404);
  });
});

describe("hosted pages", () => {
  it("serves the return page, lender logos and a 404 page for unknown links", async () => {
    sandbox = await startManual();
    expect((await fetch(`${sandbox.url}/hosted/return`)).status).toBe(200);
    const logo = await fetch(`${sandbox.url}/hosted/lenders/sandbox-bank.svg`);
    expect(logo.headers.get("content-type")).toBe("image/svg+xml");
    expect((await fetch(`${sandbox.url}/hosted/r/unknown`)).status).toBe(404);
  });
});
