import { afterEach, describe, expect, it } from "vitest";
import { type PartnerBackend, startPartnerBackend } from "../../src/demo/partner-backend.js";
import { CSRF_HEADER, DEMO_PASSWORD } from "../../src/demo/sign-in.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import type { WebhookOutcome } from "../../src/server/index.js";
import { rawStatus } from "./raw-request.js";

let sandbox: Sandbox | undefined;
let backend: PartnerBackend | undefined;
afterEach(async () => {
  await backend?.close();
  await sandbox?.close();
});

describe("demo partner backend", () => {
  it("signs in, creates sessions without exposing the refresh token, receives signed webhooks into its store, refreshes", async () => {
    sandbox = await startSandbox({ clock: "manual" });
    const outcomes: WebhookOutcome[] = [];
    backend = await startPartnerBackend({
      platformUrl: sandbox.url,
      apiKey: sandbox.apiKey,
      webhookSecrets: sandbox.webhookSecret,
      now: () => sandbox!.clock.now(),
      onWebhook: (outcome) => outcomes.push(outcome),
    });
    sandbox.control.addWebhookEndpoint(backend.webhookUrl);

    const json = { "content-type": "application/json", [CSRF_HEADER]: "test" };
    const signIn = await fetch(`${backend.url}/sign-in`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ borrowerExternalID: "demo-user-1", password: DEMO_PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const { appToken } = (await signIn.json()) as { appToken: string };
    const res = await fetch(`${backend.url}/session`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${appToken}` },
      body: JSON.stringify({ borrowerExternalID: "demo-user-1" }),
    });
    expect(res.status).toBe(201);
    const context = (await res.json()) as {
      token: string;
      journeyID: string;
      appToken: string;
      refreshToken?: string;
    };
    expect(typeof context.token).toBe("string");
    expect(context.token.length).toBeGreaterThan(0);
    expect(context.refreshToken).toBeUndefined();
    expect(context.appToken).toBe(appToken);
    expect((await backend.store.get(context.journeyID))?.journeyID).toBe(context.journeyID);

    sandbox.clock.advance(1_000);
    await sandbox.control.settle();
    // Bootstrap already stored the snapshot, so the webhooks of this still journey are verified but stale.
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o === "applied" || o === "stale")).toBe(true);
    expect((await backend.store.get(context.journeyID))?.status).toBe(
      sandbox.control.journey(context.journeyID).journey.status,
    );

    const refreshed = await fetch(`${backend.url}/session/refresh`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${context.appToken}` },
    });
    expect(refreshed.status).toBe(200);
    const { token } = (await refreshed.json()) as { token: string };
    expect(token.length).toBeGreaterThan(0);
    expect(token).not.toBe(context.token);

    const unauthenticated = await fetch(`${backend.url}/push/${context.journeyID}`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(unauthenticated.status).toBe(401);
    const push = await fetch(`${backend.url}/push/${context.journeyID}`, {
      headers: { authorization: `Bearer ${context.appToken}` },
    });
    const reader = push.body!.getReader();
    let text = "";
    while (!text.includes("event: snapshot")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain(context.journeyID);
  });
});

/** A demo partner backend on a manual-clock sandbox (both closed after the test). */
async function startBackend(): Promise<PartnerBackend> {
  sandbox = await startSandbox({ clock: "manual" });
  backend = await startPartnerBackend({
    platformUrl: sandbox.url,
    apiKey: sandbox.apiKey,
    webhookSecrets: sandbox.webhookSecret,
  });
  return backend;
}

/** Signs `borrowerExternalID` in on `on`: the app token and the headers every JSON POST takes. */
async function signIn(on: PartnerBackend, borrowerExternalID: string) {
  const json = { "content-type": "application/json", [CSRF_HEADER]: "test" };
  const answer = await fetch(`${on.url}/sign-in`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ borrowerExternalID, password: DEMO_PASSWORD }),
  });
  const { appToken } = (await answer.json()) as { appToken: string };
  return { appToken, json, url: on.url };
}

/** {@link startBackend}, then {@link signIn}. */
async function signedIn(borrowerExternalID: string) {
  return signIn(await startBackend(), borrowerExternalID);
}

describe("demo partner backend: failures it answers", () => {
  it("answers an oversized webhook 413 and a failing platform 500 with no internal detail", async () => {
    const started = await startBackend();
    const big = await fetch(`${started.url}/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(2 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    await big.arrayBuffer();
    const { appToken, json } = await signIn(started, "demo-user-2");
    await sandbox?.close();
    sandbox = undefined;
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const down = await fetch(`${started.url}/session`, {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${appToken}` },
        body: JSON.stringify({ borrowerExternalID: "demo-user-2" }),
      });
      expect(down.status).toBe(500);
      expect(await down.json()).toEqual({ error: "internal error" });
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
  });

  it("answers a borrower's bad phone or returnUrl 400 naming the field, and a target that is no path 400, logging nothing", async () => {
    const { appToken, json, url } = await signedIn("demo-user-3");
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      // Refused by the SDK before it is sent (too long a number, no URL), or by the platform (not digits).
      for (const [input, field] of [
        [{ phone: "12345678901234567" }, "phone"],
        [{ phone: "abc" }, "phone"],
        [{ returnUrl: "not a url" }, "returnUrl"],
      ] as const) {
        const res = await fetch(`${url}/session`, {
          method: "POST",
          headers: { ...json, authorization: `Bearer ${appToken}` },
          body: JSON.stringify(input),
        });
        const body = (await res.json()) as { errors?: { path: string }[] };
        expect(res.status, JSON.stringify(input)).toBe(400);
        expect(
          body.errors?.map((e) => e.path),
          JSON.stringify(body),
        ).toContain(field);
      }
      expect(await rawStatus(url, "//[")).toBe(400);
    } finally {
      console.error = original;
    }
    expect(errors).toEqual([]);
  });
});
