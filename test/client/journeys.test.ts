import { afterEach, describe, expect, it } from "vitest";
import { ClientConfigError, openJourney, startOrResumeJourney } from "../../src/client/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";
import { borrowerOn, rejectionOf } from "./harness.js";
import { inOrder, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

const J = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("starting the journey after a session bootstrap [L3] [L4]", () => {
  it("resumes the active journey without a request", async () => {
    server = await startScriptedServer(inOrder({ status: 500 }));
    const { client } = borrowerOn(server);
    const active = { journeyID: J, status: "OFFERS_AVAILABLE" as const, nextAction: "VIEW_OFFERS" };
    expect(await startOrResumeJourney(client, { activeJourney: active })).toEqual({
      ...active,
      resumed: true,
    });
    expect(server.requests).toEqual([]);
  });

  it("creates a journey of the bootstrap's type with an Idempotency-Key when there is none", async () => {
    server = await startScriptedServer(
      inOrder({ status: 201, body: { journeyID: J, status: "STARTED", nextAction: null } }),
    );
    const { client } = borrowerOn(server);
    const started = await startOrResumeJourney(
      client,
      { activeJourney: null, journeyType: "GOLD_LOAN" },
      { metadata: { source: "web_app" }, idempotencyKey: "start-1" },
    );
    expect(started).toEqual({ journeyID: J, status: "STARTED", nextAction: null, resumed: false });
    const [request] = server.requests;
    expect([request?.method, request?.path]).toEqual(["POST", "/api/v1/headless/journeys"]);
    expect(JSON.parse(request?.body ?? "")).toEqual({ type: "GOLD_LOAN", metadata: { source: "web_app" } });
    expect(request?.headers["idempotency-key"]).toBe("start-1");
  });

  it("openJourney then reads the journey's state for a first snapshot", async () => {
    const snapshot = snapshotFixture({ journeyID: J });
    server = await startScriptedServer(
      inOrder(
        { status: 201, body: { journeyID: J, status: "STARTED", nextAction: null } },
        { status: 200, body: snapshot },
      ),
    );
    const { client } = borrowerOn(server);
    const opened = await openJourney(client, { activeJourney: null });
    expect(opened).toEqual({ journeyID: J, snapshot, resumed: false });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v1/headless/journeys",
      `GET /api/v1/headless/journeys/${J}/state`,
    ]);
    expect(server.requests[1]?.headers["idempotency-key"]).toBeUndefined();
  });

  it("refuses something that is not a session context, naming the field, before any request", async () => {
    server = await startScriptedServer(inOrder({ status: 500 }));
    const { client } = borrowerOn(server);
    const error = await rejectionOf(startOrResumeJourney(client, {} as never));
    expect(error).toBeInstanceOf(ClientConfigError);
    expect((error as ClientConfigError).field).toBe("activeJourney");
    expect(server.requests).toEqual([]);
  });
});
