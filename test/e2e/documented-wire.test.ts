/**
 * J's acceptance: every request the SDK sends in a whole journey through the live runtime against the sandbox,
 * with every sandbox extension switched off, checked against PLATFORM.md; every answer against the documented
 * envelope and error body.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BASE_PATH, ENDPOINTS, Envelope, ErrorBody, Profile, safeParse } from "../../src/contract/index.js";
import { createJourney, type JourneyRuntime } from "../../src/runtime/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { matchRoute } from "../../src/sandbox/router.js";
import { type Exchange, type Harness, startHarness } from "./support/harness.js";
import { playBorrower } from "./support/script.js";

let harness: Harness | undefined;
let runtime: JourneyRuntime | undefined;
afterEach(async () => {
  runtime?.stop();
  await harness?.close();
  harness = undefined;
  runtime = undefined;
});

const header = (e: Exchange, name: string) =>
  Object.entries(e.requestHeaders).find(([key]) => key.toLowerCase() === name)?.[1];
const pathOf = (e: Exchange) => new URL(e.url).pathname;
const bodyOf = (e: Exchange) => (e.requestBody === undefined ? undefined : JSON.parse(e.requestBody));

describe("the documented wire, end to end, with the sandbox's extensions off", () => {
  it("bootstrap, create, profile upsert and submit, offers, proceed, steps, DISBURSED: each call as PLATFORM.md says", async () => {
    harness = await startHarness({
      extensions: { etag: false, idempotentReplayedHeader: false, refreshEndpoint: false },
    });
    const borrower = await harness.borrower("wire-happy");
    runtime = createJourney({
      client: borrower.client,
      journeyID: borrower.journeyID,
      initial: borrower.snapshot,
      clock: harness.clock,
    });
    runtime.start();
    const end = await playBorrower(harness, runtime, borrower.journeyID, { redirect: "control" });
    expect(end.status).toBe("DISBURSED");
    const lockedOfferID = harness.sandbox.control.journey(borrower.journeyID).journey.lockedOfferID as string;
    expect((await borrower.client.listSteps(lockedOfferID)).steps.length).toBeGreaterThan(0);

    const wire = harness.exchanges.filter((e) => e.status !== 0);
    const calls = wire.map((e) => ({ e, route: matchRoute(e.method, pathOf(e).slice(BASE_PATH.length)) }));

    // Every call is an endpoint of the catalogue under /api/v1/headless [L2].
    for (const { e, route } of calls) {
      expect(pathOf(e).startsWith(`${BASE_PATH}/`), e.url).toBe(true);
      expect(route, `${e.method} ${pathOf(e)}`).toBeDefined();
    }
    const named = calls.map(({ e, route }) => ({ e, name: route?.name as keyof typeof ENDPOINTS }));
    const first = (name: string) => named.findIndex((c) => c.name === name);

    // The documented order of the partner flow [L3] [L4].
    const order = ["createSession", "createJourney", "upsertProfile", "submitProfile", "proceedOffer"];
    const positions = order.map(first);
    // The offers were read (the runtime reads them with the journey) before one was proceeded.
    const offersRead = named.findIndex((c) => c.name === "getJourney" || c.name === "listOffers");
    expect(offersRead).toBeGreaterThan(first("submitProfile"));
    expect(offersRead).toBeLessThan(first("proceedOffer"));
    expect(
      positions.every((p) => p >= 0),
      JSON.stringify(positions),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(named.some((c) => c.name === "getJourneyState")).toBe(true);
    expect(named.some((c) => c.name === "listSteps")).toBe(true);

    for (const { e, name } of named) {
      const endpoint = ENDPOINTS[name];
      const bearer = header(e, "authorization") ?? "";
      // Authorization on every call [L2]; the API key only where the partner calls, never on a borrower API [S].
      expect(bearer, `${name} authorization`).toMatch(/^Bearer \S+$/);
      if (endpoint.scope === "partner") expect(bearer, name).toMatch(/^Bearer sk_/);
      else expect(bearer, name).not.toMatch(/^Bearer sk_/);
      // X-Correlation-ID on every call, Idempotency-Key on every mutation [S] [L3].
      expect(header(e, "x-correlation-id"), `${name} X-Correlation-ID`).toMatch(/^.{1,128}$/);
      if (e.method !== "GET")
        expect(header(e, "idempotency-key"), `${name} Idempotency-Key`).toMatch(/^.{1,255}$/);
      else expect(header(e, "idempotency-key"), name).toBeUndefined();
      // No extension is leaned on: with the sandbox's ETag off, nothing conditional is ever sent.
      expect(header(e, "if-none-match"), name).toBeUndefined();
      expect(e.status, name).not.toBe(304);
      // Every answer is the documented envelope [L3] [L4]; an error one the error body [L3] [L7].
      const answer = JSON.parse(e.responseBody);
      const envelope = safeParse(Envelope, answer, "Envelope");
      expect(
        envelope.ok && typeof answer.requestID === "string" && typeof answer.timestamp === "string",
        name,
      ).toBe(true);
      if (e.status >= 400) expect(safeParse(ErrorBody, answer, "ErrorBody").ok, name).toBe(true);
      else expect([answer.error, "data" in answer], name).toEqual([null, true]);
    }

    // The documented bodies, key for key.
    const session = bodyOf(named[first("createSession")]!.e);
    expect(session.borrowerExternalID).toBe("wire-happy");
    expect(
      Object.keys(session).every((k) =>
        ["borrowerExternalID", "journeyType", "profile", "returnUrl"].includes(k),
      ),
    ).toBe(true);
    expect(bodyOf(named[first("createJourney")]!.e)).toEqual({ type: "PERSONAL_LOAN" });
    const upsert = bodyOf(named[first("upsertProfile")]!.e);
    expect(safeParse(Profile, upsert, "Profile").ok).toBe(true);
    const documentedProfileKeys = [
      "contactNumber",
      "pan",
      "panName",
      "dob",
      "gender",
      "personalemail",
      "workProfile",
      "address",
      "bankingInformation",
    ];
    expect(
      Object.keys(upsert).every((k) => documentedProfileKeys.includes(k)),
      JSON.stringify(upsert),
    ).toBe(true);
    expect(upsert.workProfile.employmentType).toMatch(/^(salaried|selfEmployed)$/);
    expect(bodyOf(named[first("submitProfile")]!.e)).toEqual({ bureauConsent: true });
    expect(pathOf(named[first("listSteps")]!.e)).toBe(`${BASE_PATH}/offers/${lockedOfferID}/steps`);
    expect(pathOf(named[first("getJourneyState")]!.e)).toBe(
      `${BASE_PATH}/journeys/${borrower.journeyID}/state`,
    );
  });

  it("switched-off extensions are gone from the wire: no ETag, no Idempotent-Replayed, no refresh endpoint", async () => {
    harness = await startHarness({
      extensions: { etag: false, idempotentReplayedHeader: false, refreshEndpoint: false },
    });
    const { url, apiKey } = harness.sandbox;
    const post = (path: string, body: unknown, key: string, token = apiKey) =>
      fetch(`${url}${BASE_PATH}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "idempotency-key": key,
          "content-type": "application/json",
        },
        body: JSON.stringify(body),
      });
    const bootstrap = await post("/sessions", { borrowerExternalID: "wire-ext" }, "k-1");
    const again = await post("/sessions", { borrowerExternalID: "wire-ext" }, "k-1");
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    // The replayed answer (with this request's ids: a replay is a request of its own).
    const {
      requestID: _r,
      correlationID: _c,
      ...first
    } = (await bootstrap.json()) as Record<string, unknown>;
    const {
      requestID: _r2,
      correlationID: _c2,
      ...replayed
    } = (await again.json()) as Record<string, unknown>;
    expect(replayed).toEqual(first);
    const { data } = (await (await post("/sessions", { borrowerExternalID: "wire-ext" }, "k-2")).json()) as {
      data: { sessionToken: string; refreshToken: string };
    };
    const created = (await (
      await post("/journeys", { type: "PERSONAL_LOAN" }, "k-3", data.sessionToken)
    ).json()) as {
      data: { journeyID: string };
    };
    const state = await fetch(`${url}${BASE_PATH}/journeys/${created.data.journeyID}/state`, {
      headers: { authorization: `Bearer ${data.sessionToken}` },
    });
    expect([state.status, state.headers.get("etag")]).toEqual([200, null]);
    const refresh = await post("/sessions/refresh", { refreshToken: data.refreshToken }, "k-4");
    expect(refresh.status).toBe(404);
  });

  it("refuses a switch that is not a boolean, naming it, before listening", async () => {
    await expect(startSandbox({ extensions: { etag: "off" as never } })).rejects.toThrow(/extensions\.etag/);
  });
});
