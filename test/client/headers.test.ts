import { afterEach, describe, expect, it } from "vitest";
import { ScopeError } from "../../src/client/index.js";
import { journeyFixture, snapshotFixture } from "../../src/testing/fixtures.js";
import { API_KEY, borrowerOn, rejectionOf, SESSION_TOKEN } from "./harness.js";
import {
  inOrder,
  problemReply,
  SCRIPTED_REQUEST_ID,
  SCRIPTED_TIMESTAMP,
  type ScriptedServer,
  startScriptedServer,
} from "./scripted-server.js";

const J = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("scope of the borrower client", () => {
  it("refuses an sk_ API key with a ScopeError before any request", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    const { client } = borrowerOn(server, { getSessionToken: () => API_KEY });
    const error = await rejectionOf(client.getJourney(J));
    expect(error).toBeInstanceOf(ScopeError);
    expect(error).toMatchObject({ _tag: "ScopeError", reason: "API_KEY_IN_BORROWER_CLIENT" });
    expect(await rejectionOf(client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91"))).toBeInstanceOf(
      ScopeError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('refuses an sk_ API key with surrounding whitespace (" sk_test_…") before any request', async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    for (const pasted of [` ${API_KEY}`, `${API_KEY} `, `\t${API_KEY}\n`]) {
      const { client } = borrowerOn(server, { getSessionToken: async () => pasted });
      const error = await rejectionOf(client.getJourney(J));
      expect(error).toBeInstanceOf(ScopeError);
      expect(error).toMatchObject({ _tag: "ScopeError", reason: "API_KEY_IN_BORROWER_CLIENT" });
    }
    expect(server.requests).toHaveLength(0);
  });

  it("checks the token before each request, so a later sk_ is refused too", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    let token = SESSION_TOKEN;
    const { client } = borrowerOn(server, { getSessionToken: () => token });
    await client.getJourney(J);
    token = API_KEY;
    expect(await rejectionOf(client.getJourney(J))).toBeInstanceOf(ScopeError);
    expect(server.requests).toHaveLength(1);
  });
});

describe("Idempotency-Key", () => {
  it("is a fresh UUID per logical mutation: two mutations never share one", async () => {
    server = await startScriptedServer(inOrder({ status: 202, body: snapshotFixture() }));
    const { client } = borrowerOn(server);
    await client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91");
    await client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91");
    const [first, second] = server.requests.map((r) => r.headers["idempotency-key"]);
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });

  it("is reused by every retry of the same mutation", async () => {
    server = await startScriptedServer(
      inOrder(problemReply(503, "INTERNAL"), { drop: true }, problemReply(409, "IDEMPOTENCY_IN_PROGRESS"), {
        status: 202,
        body: snapshotFixture(),
      }),
    );
    const { client } = borrowerOn(server);
    await client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91");
    const keys = server.requests.map((r) => r.headers["idempotency-key"]);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(UUID);
  });

  it("uses the caller's key when given one", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    const { client } = borrowerOn(server);
    await client.resumeJourney(J, { idempotencyKey: "resume-once-42" });
    expect(server.requests[0]?.headers["idempotency-key"]).toBe("resume-once-42");
  });

  it("is sent on every mutating method and on no read", async () => {
    server = await startScriptedServer((request) =>
      request.method === "GET"
        ? { status: 200, body: journeyFixture() }
        : request.method === "PATCH"
          ? { status: 200, body: journeyFixture() }
          : { status: 202, body: snapshotFixture() },
    );
    const { client } = borrowerOn(server);
    await client.getJourney(J);
    await client.resumeJourney(J);
    await client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91");
    for (const request of server.requests)
      expect(request.headers["idempotency-key"] !== undefined).toBe(request.method !== "GET");
  });
});

describe("X-Correlation-ID", () => {
  it("is on every call and stable across the client's flow by default", async () => {
    server = await startScriptedServer((request) =>
      request.method === "GET"
        ? { status: 200, body: journeyFixture() }
        : { status: 202, body: snapshotFixture() },
    );
    const { client } = borrowerOn(server);
    await client.getJourney(J);
    await client.proceedOffer(J, "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91");
    await client.getJourney(J);
    const ids = server.requests.map((r) => r.headers["x-correlation-id"]);
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(1);
  });

  it("takes the client's default, a per-call override, and is kept across retries", async () => {
    server = await startScriptedServer(
      inOrder(problemReply(503, "INTERNAL"), { status: 200, body: journeyFixture() }),
    );
    const { client } = borrowerOn(server, { correlationID: "flow-checkout" });
    await client.getJourney(J);
    await client.getJourney(J, { correlationID: "flow-other" });
    expect(server.requests.map((r) => r.headers["x-correlation-id"])).toEqual([
      "flow-checkout",
      "flow-checkout",
      "flow-other",
    ]);
  });

  it("asks a function default once per call", async () => {
    server = await startScriptedServer(inOrder({ status: 200, body: journeyFixture() }));
    let n = 0;
    const { client } = borrowerOn(server, { correlationID: () => `flow-${++n}` });
    await client.getJourney(J);
    await client.getJourney(J);
    expect(server.requests.map((r) => r.headers["x-correlation-id"])).toEqual(["flow-1", "flow-2"]);
  });
});

describe("conditional GET of the state", () => {
  it("sends If-None-Match and resolves a 304 to notModified without a body", async () => {
    server = await startScriptedServer(
      inOrder(
        { status: 200, body: snapshotFixture(), headers: { etag: '"v5"' } },
        { status: 304, headers: { etag: '"v5"' } },
      ),
    );
    const { client, events } = borrowerOn(server, { correlationID: "flow-etag" });
    const first = await client.getJourneyState(J);
    expect(first).toEqual({
      kind: "snapshot",
      snapshot: snapshotFixture(),
      meta: { requestID: SCRIPTED_REQUEST_ID, correlationID: "flow-etag", timestamp: SCRIPTED_TIMESTAMP },
      etag: '"v5"',
    });
    const second = await client.getJourneyState(J, { etag: '"v5"' });
    expect(second).toEqual({ kind: "notModified", etag: '"v5"' });
    expect(server.requests[0]?.headers["if-none-match"]).toBeUndefined();
    expect(server.requests[1]?.headers["if-none-match"]).toBe('"v5"');
    expect(events.filter((e) => e.type === "response").map((e) => "status" in e && e.status)).toEqual([
      200, 304,
    ]);
  });
});
