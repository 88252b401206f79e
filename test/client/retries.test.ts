import { afterEach, describe, expect, it } from "vitest";
import { ApiError, createBorrowerClient, type RetryEvent } from "../../src/client/index.js";
import { journeyFixture, snapshotFixture } from "../../src/testing/fixtures.js";
import { borrowerOn, rejectionOf, SESSION_TOKEN } from "./harness.js";
import { inOrder, problemReply, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

const J = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
const OK = { status: 200, body: journeyFixture() } as const;

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("retries of transient failures", () => {
  it("honours Retry-After (seconds) on 503 and 429", async () => {
    server = await startScriptedServer(
      inOrder(
        problemReply(503, "INTERNAL", { "retry-after": "2" }),
        problemReply(429, "RATE_LIMITED", { "retry-after": "1" }),
        OK,
      ),
    );
    const { client, delays, events } = borrowerOn(server);
    await expect(client.getJourney(J)).resolves.toEqual(journeyFixture());
    expect(delays).toEqual([2000, 1000]);
    expect(server.requests).toHaveLength(3);
    const retries = events.filter((e): e is RetryEvent => e.type === "retry");
    expect(retries.map((e) => [e.attempt, e.status, e.delayMs, e.fromRetryAfter])).toEqual([
      [1, 503, 2000, true],
      [2, 429, 1000, true],
    ]);
  });

  it("backs off exponentially with full jitter when there is no Retry-After", async () => {
    server = await startScriptedServer(
      inOrder(
        problemReply(500, "INTERNAL"),
        problemReply(502, "INTERNAL"),
        { status: 504 },
        { status: 408 },
        OK,
      ),
    );
    const { client, delays } = borrowerOn(server, {
      retry: {
        baseDelayMs: 100,
        maxDelayMs: 300,
        random: () => 0.5,
        sleep: async (ms) => void delays.push(ms),
      },
    });
    await client.getJourney(J);
    // Ceilings 100, 200, 300 (capped), 300; full jitter at 0.5 halves each.
    expect(delays).toEqual([50, 100, 150, 150]);
  });

  it("retries network errors (a dropped connection)", async () => {
    server = await startScriptedServer(inOrder({ drop: true }, { drop: true }, OK));
    const { client } = borrowerOn(server);
    await expect(client.getJourney(J)).resolves.toEqual(journeyFixture());
    expect(server.requests).toHaveLength(3);
  });

  it("retries 409 IDEMPOTENCY_IN_PROGRESS but not 409 OFFER_LOCK_CONFLICT", async () => {
    server = await startScriptedServer(
      inOrder(problemReply(409, "IDEMPOTENCY_IN_PROGRESS"), problemReply(409, "OFFER_LOCK_CONFLICT")),
    );
    const { client, delays } = borrowerOn(server);
    const error = await rejectionOf(client.proceedOffer(J, "ofr_fixture02"));
    expect(error).toMatchObject({ code: "OFFER_LOCK_CONFLICT", status: 409, retryable: false });
    expect(server.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
  });

  it.each([
    [400, "VALIDATION_FAILED"],
    [400, "IDEMPOTENCY_KEY_REQUIRED"],
    [422, "IDEMPOTENCY_KEY_REUSED"],
    [409, "INVALID_STATE"],
    [410, "OFFER_EXPIRED"],
    [404, "NOT_FOUND"],
    [413, "PAYLOAD_TOO_LARGE"],
    [401, "AUTH_INVALID_API_KEY"],
  ])("never retries %i %s", async (status, code) => {
    server = await startScriptedServer(inOrder(problemReply(status, code), OK));
    const { client, delays } = borrowerOn(server);
    const error = await rejectionOf(client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91"));
    expect(error).toMatchObject({ code, status, retryable: false });
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("gives up after maxRetries with the last error, marked retryable", async () => {
    server = await startScriptedServer(inOrder(problemReply(503, "INTERNAL")));
    const { client, delays } = borrowerOn(server, {
      retry: { maxRetries: 2, sleep: async (ms) => void delays.push(ms) },
    });
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toMatchObject({ code: "INTERNAL", status: 503, retryable: true });
    expect(server.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it("does not wait out a Retry-After longer than maxRetryAfterMs", async () => {
    server = await startScriptedServer(
      inOrder(problemReply(429, "RATE_LIMITED", { "retry-after": "120" }), OK),
    );
    const { client, delays } = borrowerOn(server);
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toMatchObject({ code: "RATE_LIMITED", retryable: true, retryAfterMs: 120_000 });
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("waits on Effect's clock when no sleep is injected", async () => {
    server = await startScriptedServer(inOrder(problemReply(503, "INTERNAL"), OK));
    const client = createBorrowerClient({
      baseUrl: server.baseUrl,
      getSessionToken: () => SESSION_TOKEN,
      refreshSession: async () => SESSION_TOKEN,
      retry: { baseDelayMs: 2 },
    });
    await expect(client.getJourney(J)).resolves.toEqual(journeyFixture());
    expect(server.requests).toHaveLength(2);
  });
});

describe("timeouts and abort", () => {
  it("times out an attempt that gets no answer, retries it with the same key, then fails with TIMEOUT", async () => {
    server = await startScriptedServer(inOrder({ hang: true }));
    const { client, delays } = borrowerOn(server, {
      timeoutMs: 40,
      retry: { maxRetries: 1, sleep: async (ms) => void delays.push(ms) },
    });
    const error = await rejectionOf(client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91"));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "TIMEOUT", status: undefined, retryable: true });
    expect(server.requests).toHaveLength(2);
    expect(new Set(server.requests.map((r) => r.headers["idempotency-key"])).size).toBe(1);
  });

  it("rejects with ABORTED and sends nothing when the signal is already aborted", async () => {
    server = await startScriptedServer(inOrder(OK));
    const { client } = borrowerOn(server);
    const error = await rejectionOf(client.getJourney(J, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ _tag: "ApiError", code: "ABORTED", retryable: false });
    expect(server.requests).toHaveLength(0);
  });

  it("aborts a request in flight with ABORTED", async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    server = await startScriptedServer(() => {
      arrived();
      return { hang: true };
    });
    const { client } = borrowerOn(server);
    const controller = new AbortController();
    const pending = client.getJourney(J, { signal: controller.signal });
    await requestArrived;
    controller.abort();
    expect(await rejectionOf(pending)).toMatchObject({ code: "ABORTED" });
    expect(server.requests).toHaveLength(1);
  });

  it("an abort during the backoff wait stops the retries", async () => {
    server = await startScriptedServer(inOrder(problemReply(503, "INTERNAL"), OK));
    const controller = new AbortController();
    let sleepSignal: AbortSignal | undefined;
    const { client } = borrowerOn(server, {
      retry: {
        sleep: (_ms, signal) => {
          sleepSignal = signal;
          controller.abort();
          return new Promise<void>(() => {});
        },
      },
    });
    const error = await rejectionOf(client.getJourney(J, { signal: controller.signal }));
    expect(error).toMatchObject({ code: "ABORTED" });
    expect(sleepSignal?.aborted).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});

describe("observer", () => {
  it("reports request and response of every attempt with method, path, attempt, key, correlation id and duration", async () => {
    server = await startScriptedServer(
      inOrder(problemReply(503, "INTERNAL", { "retry-after": "0" }), {
        status: 202,
        body: snapshotFixture(),
      }),
    );
    const { client, events } = borrowerOn(server, { correlationID: "flow-obs" });
    await client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91", { idempotencyKey: "key-obs" });
    const common = {
      endpoint: "proceedOffer",
      method: "POST",
      path: `/journeys/${J}/offers/0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91/proceed`,
      idempotencyKey: "key-obs",
      correlationID: "flow-obs",
    };
    expect(events.map((e) => e.type)).toEqual(["request", "response", "retry", "request", "response"]);
    expect(events[0]).toEqual({ type: "request", ...common, attempt: 1 });
    expect(events[1]).toMatchObject({
      type: "response",
      ...common,
      attempt: 1,
      status: 503,
      code: "INTERNAL",
    });
    expect(events[4]).toMatchObject({
      type: "response",
      ...common,
      attempt: 2,
      status: 202,
      code: undefined,
    });
    expect(events[4]).toHaveProperty("durationMs", expect.any(Number));
  });

  it("an observer that throws fails neither the call nor the host: its error goes to onObserverError", async () => {
    server = await startScriptedServer(inOrder(OK));
    const reported: [unknown, string][] = [];
    const { client } = borrowerOn(server, {
      observer: () => {
        throw new Error("observer bug");
      },
      onObserverError: (error, event) => {
        reported.push([error, event.type]);
        throw new Error("and the reporter fails too");
      },
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      await expect(client.getJourney(J)).resolves.toEqual(journeyFixture());
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(uncaught).toEqual([]);
    expect(reported.map(([, type]) => type)).toEqual(["request", "response"]);
    expect(reported[0]?.[0]).toMatchObject({ message: "observer bug" });
    expect(() => borrowerOn(server as ScriptedServer, { onObserverError: "log" as never })).toThrow(
      /onObserverError/,
    );
  });
});
