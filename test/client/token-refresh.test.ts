import { afterEach, describe, expect, it } from "vitest";
import { ScopeError } from "../../src/client/index.js";
import { journeyFixture, snapshotFixture } from "../../src/testing/fixtures.js";
import { API_KEY, borrowerOn, REFRESHED_TOKEN, rejectionOf, SESSION_TOKEN } from "./harness.js";
import { problemReply, type Reply, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

const J = "jrn_fixture01";
const EXPIRED = problemReply(401, "TOKEN_EXPIRED");

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers 401 TOKEN_EXPIRED to the stale token and `ok` to the refreshed one. */
function expiringServer(ok: Reply) {
  return startScriptedServer((request) =>
    request.headers.authorization === `Bearer ${REFRESHED_TOKEN}` ? ok : EXPIRED,
  );
}

describe("401 TOKEN_EXPIRED", () => {
  it("5 concurrent requests share exactly one refresh, and each is sent once more", async () => {
    const held: (() => void)[] = [];
    server = await startScriptedServer((request) => {
      if (request.headers.authorization === `Bearer ${REFRESHED_TOKEN}`)
        return { status: 200, body: journeyFixture() };
      // Hold the stale-token requests until all five are in flight, then expire them together.
      return new Promise<Reply>((resolve) => {
        held.push(() => resolve(EXPIRED));
        if (held.length === 5) for (const release of held) release();
      });
    });
    const { client, refreshCalls, events } = borrowerOn(server);
    const results = await Promise.all(Array.from({ length: 5 }, () => client.getJourney(J)));
    expect(results).toEqual(Array.from({ length: 5 }, () => journeyFixture()));
    expect(refreshCalls()).toBe(1);
    const byToken = (token: string) =>
      server!.requests.filter((r) => r.headers.authorization === `Bearer ${token}`).length;
    expect(byToken(SESSION_TOKEN)).toBe(5);
    expect(byToken(REFRESHED_TOKEN)).toBe(5);
    expect(events.filter((e) => e.type === "refresh")).toEqual([
      { type: "refresh", ok: true, durationMs: expect.any(Number) },
    ]);
  });

  it("a mutation resent after the refresh keeps its Idempotency-Key and correlation id", async () => {
    server = await expiringServer({ status: 202, body: snapshotFixture() });
    const { client, refreshCalls } = borrowerOn(server);
    await client.proceedOffer(J, "ofr_fixture01", { correlationID: "flow-r" });
    expect(refreshCalls()).toBe(1);
    const [stale, fresh] = server.requests;
    expect(fresh?.headers["idempotency-key"]).toBe(stale?.headers["idempotency-key"]);
    expect(fresh?.headers["x-correlation-id"]).toBe("flow-r");
  });

  it("refreshes only once per request: a second TOKEN_EXPIRED is the call's error", async () => {
    server = await startScriptedServer(() => EXPIRED);
    const { client, refreshCalls } = borrowerOn(server);
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toMatchObject({ code: "TOKEN_EXPIRED", status: 401, retryable: false });
    expect(refreshCalls()).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it("a failing refresh rejects every waiting call with REFRESH_FAILED", async () => {
    server = await expiringServer({ status: 200, body: journeyFixture() });
    let calls = 0;
    const { client } = borrowerOn(server, {
      refreshSession: async () => {
        calls++;
        throw new Error("backend down");
      },
    });
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toMatchObject({ code: "REFRESH_FAILED", retryable: false });
    expect(calls).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it("refuses an sk_ key handed back by refreshSession before resending", async () => {
    server = await expiringServer({ status: 200, body: journeyFixture() });
    const { client } = borrowerOn(server, { refreshSession: async () => API_KEY });
    expect(await rejectionOf(client.getJourney(J))).toBeInstanceOf(ScopeError);
    expect(server.requests).toHaveLength(1);
  });

  it("a caller that aborts while the refresh runs leaves it running for the others", async () => {
    server = await expiringServer({ status: 200, body: journeyFixture() });
    let finishRefresh!: (token: string) => void;
    let refreshStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      refreshStarted = resolve;
    });
    let calls = 0;
    const { client } = borrowerOn(server, {
      refreshSession: () => {
        calls++;
        refreshStarted();
        return new Promise<string>((resolve) => {
          finishRefresh = resolve;
        });
      },
    });
    const controller = new AbortController();
    const leaving = client.getJourney(J, { signal: controller.signal });
    const staying = client.getJourney(J);
    await started;
    controller.abort();
    expect(await rejectionOf(leaving)).toMatchObject({ code: "ABORTED" });
    finishRefresh(REFRESHED_TOKEN);
    await expect(staying).resolves.toEqual(journeyFixture());
    expect(calls).toBe(1);
  });

  it("an UNAUTHENTICATED 401 does not refresh", async () => {
    server = await startScriptedServer(() => problemReply(401, "UNAUTHENTICATED"));
    const { client, refreshCalls } = borrowerOn(server);
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(refreshCalls()).toBe(0);
  });
});
