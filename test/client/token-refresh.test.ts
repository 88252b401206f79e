import { afterEach, describe, expect, it } from "vitest";
import { ApiError, ScopeError } from "../../src/client/index.js";
import { journeyFixture, snapshotFixture } from "../../src/testing/fixtures.js";
import { API_KEY, borrowerOn, REFRESHED_TOKEN, rejectionOf, SESSION_TOKEN } from "./harness.js";
import {
  inOrder,
  problemReply,
  type Reply,
  type ScriptedServer,
  startScriptedServer,
} from "./scripted-server.js";

const J = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
const EXPIRED = problemReply(401, "AUTH_INVALID_SESSION");

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers 401 AUTH_INVALID_SESSION to the stale token and `ok` to the refreshed one. */
function expiringServer(ok: Reply) {
  return startScriptedServer((request) =>
    request.headers.authorization === `Bearer ${REFRESHED_TOKEN}` ? ok : EXPIRED,
  );
}

describe("401 AUTH_INVALID_SESSION", () => {
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
    await client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91", { correlationID: "flow-r" });
    expect(refreshCalls()).toBe(1);
    const [stale, fresh] = server.requests;
    expect(fresh?.headers["idempotency-key"]).toBe(stale?.headers["idempotency-key"]);
    expect(fresh?.headers["x-correlation-id"]).toBe("flow-r");
  });

  it("refreshes only once per request: a second AUTH_INVALID_SESSION is the call's error", async () => {
    server = await startScriptedServer(() => EXPIRED);
    const { client, refreshCalls } = borrowerOn(server);
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toMatchObject({ code: "AUTH_INVALID_SESSION", status: 401, retryable: false });
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

  it("requests that left before a refresh failed share its failure (no storm); one sent after it tries again", async () => {
    // Five stale-token requests are held until all are in flight; the first is expired, the other four only once
    // its refresh has failed.
    const held: (() => void)[] = [];
    let allSent!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      allSent = resolve;
    });
    server = await startScriptedServer(() => {
      if (held.length === 5) return EXPIRED;
      return new Promise<Reply>((resolve) => {
        held.push(() => resolve(EXPIRED));
        if (held.length === 5) allSent();
      });
    });
    let calls = 0;
    const { client } = borrowerOn(server, {
      refreshSession: async () => {
        calls++;
        throw new Error("backend down");
      },
    });
    const calls5 = Array.from({ length: 5 }, () => rejectionOf(client.getJourney(J)));
    await inFlight;
    held[0]!();
    const first = await Promise.race(calls5);
    expect(first).toMatchObject({ code: "REFRESH_FAILED" });
    expect(calls).toBe(1);
    for (const release of held.slice(1)) release();
    for (const error of await Promise.all(calls5)) expect(error).toMatchObject({ code: "REFRESH_FAILED" });
    expect(calls).toBe(1);
    // A request sent after the failure (the borrower may have signed in again) refreshes again.
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({ code: "REFRESH_FAILED" });
    expect(calls).toBe(2);
  });

  it("a refreshSession that fails with an ApiError of the app's own call is REFRESH_FAILED, not that call's error", async () => {
    server = await expiringServer({ status: 200, body: journeyFixture() });
    const own = new ApiError({
      code: "INTERNAL",
      status: 503,
      correlationID: "c",
      requestID: undefined,
      errors: [],
      retryAfterMs: 120_000,
      endpoint: "refreshSession",
      message: "refreshSession: 503 INTERNAL: down",
    });
    const { client } = borrowerOn(server, {
      refreshSession: async () => {
        throw own;
      },
    });
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toMatchObject({ code: "REFRESH_FAILED", endpoint: "getJourney", retryable: false });
    expect((error as Error).cause).toBe(own);
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

  it("a 401 AUTH_INVALID_API_KEY does not refresh", async () => {
    server = await startScriptedServer(() => problemReply(401, "AUTH_INVALID_API_KEY"));
    const { client, refreshCalls } = borrowerOn(server);
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({
      code: "AUTH_INVALID_API_KEY",
      status: 401,
      retryable: false,
    });
    expect(refreshCalls()).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it("renews on 401 AUTH_INVALID_SESSION and resends with the new token, but not on 401 AUTH_INVALID_API_KEY", async () => {
    server = await startScriptedServer(
      inOrder(
        problemReply(401, "AUTH_INVALID_SESSION"),
        { status: 200, body: journeyFixture() },
        problemReply(401, "AUTH_INVALID_API_KEY"),
      ),
    );
    const { client, refreshCalls, events } = borrowerOn(server);
    await expect(client.getJourney(J)).resolves.toEqual(journeyFixture());
    expect(refreshCalls()).toBe(1);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${SESSION_TOKEN}`,
      `Bearer ${REFRESHED_TOKEN}`,
    ]);
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({
      code: "AUTH_INVALID_API_KEY",
      status: 401,
    });
    expect(refreshCalls()).toBe(1);
    expect(server.requests).toHaveLength(3);
    expect(events.filter((e) => e.type === "refresh")).toHaveLength(1);
  });

  it("only the code decides: a 401 with an unknown code or no error body does not refresh either", async () => {
    server = await startScriptedServer(
      inOrder(problemReply(401, "LENDER_TIMEOUT"), { status: 401, body: "" }),
    );
    const { client, refreshCalls } = borrowerOn(server);
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({ code: "LENDER_TIMEOUT", status: 401 });
    expect(await rejectionOf(client.getJourney(J))).toMatchObject({ code: "HTTP_ERROR", status: 401 });
    expect(refreshCalls()).toBe(0);
    expect(server.requests).toHaveLength(2);
  });
});

describe("the error body, read leniently", () => {
  const bodyWith = (error: Record<string, unknown>) => ({
    status: error.code === "AUTH_INVALID_SESSION" ? 401 : 400,
    body: { requestID: "r", timestamp: "2026-11-26T10:00:00.000Z", data: null, error },
    raw: true,
  });

  it("keeps the documented code whatever else differs: a null message, field errors as a map or with `field`", async () => {
    for (const [error, fields] of [
      [{ code: "OFFER_LOCK_CONFLICT", message: null }, []],
      [
        { code: "VALIDATION_FAILED", message: "PAN invalid", fields: { "profile.pan": "invalid" } },
        [{ path: "profile.pan", message: "invalid" }],
      ],
      [
        {
          code: "VALIDATION_FAILED",
          message: "x",
          fields: [{ field: "pan", message: "bad", code: "pattern" }, 7],
        },
        [{ path: "pan", message: "bad", code: "pattern" }],
      ],
    ] as const) {
      server = await startScriptedServer(() => bodyWith(error));
      const failure = await rejectionOf(borrowerOn(server).client.getJourney(J));
      expect(failure).toMatchObject({ code: error.code, errors: fields });
      await server.close();
      server = undefined;
    }
  });

  it("refreshes on a 401 AUTH_INVALID_SESSION whose message is null", async () => {
    server = await startScriptedServer((request) =>
      request.headers.authorization === `Bearer ${REFRESHED_TOKEN}`
        ? { status: 200, body: journeyFixture() }
        : bodyWith({ code: "AUTH_INVALID_SESSION", message: null }),
    );
    const { client, refreshCalls } = borrowerOn(server);
    expect(await client.getJourney(J)).toEqual(journeyFixture());
    expect(refreshCalls()).toBe(1);
  });
});

describe("the retry budget across a refresh", () => {
  it("resends once with the new token within what is left of maxRetries, not with a fresh budget", async () => {
    const unavailable = problemReply(503, "INTERNAL");
    server = await startScriptedServer((request, index) =>
      request.headers.authorization === `Bearer ${REFRESHED_TOKEN}`
        ? unavailable
        : index < 4
          ? unavailable
          : EXPIRED,
    );
    const { client, refreshCalls } = borrowerOn(server, {
      retry: { maxRetries: 4, sleep: async () => {}, random: () => 0.5 },
    });
    await rejectionOf(client.getJourney(J));
    expect(refreshCalls()).toBe(1);
    // 1 + 4 retries with the stale token (the fifth answered 401), then the one resend: 6, not 10.
    expect(server.requests).toHaveLength(6);
  });
});

describe("an API key in a wrapper", () => {
  it("is refused before anything is sent, whether quoted or with a Bearer scheme", async () => {
    server = await startScriptedServer(() => ({ status: 200, body: journeyFixture() }));
    for (const wrapped of [`Bearer ${API_KEY}`, `"${API_KEY}"`]) {
      const { client } = borrowerOn(server, { getSessionToken: () => wrapped });
      expect(await rejectionOf(client.getJourney(J))).toBeInstanceOf(ScopeError);
    }
    expect(server.requests).toHaveLength(0);
  });
});
