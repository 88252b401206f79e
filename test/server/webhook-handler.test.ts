import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { JourneySnapshot } from "../../src/contract/index.js";
import { createMemoryJourneyStore } from "../../src/server/store/memory.js";
import type { JourneyStore } from "../../src/server/store/types.js";
import { signWebhook } from "../../src/server/webhook/sign.js";
import { createWebhookHandler } from "../../src/server/webhook-handler.js";
import { journeyFixture, snapshotFixture, webhookFixture, wireState } from "../../src/testing/fixtures.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW = Date.UTC(2026, 10, 26, 10, 0, 0);
const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";

/** A signed delivery of `snapshot`, its event time (`createdAt`, the order key) its `asOf`. */
async function delivery(id: string, snapshot: JourneySnapshot, secret = SECRET) {
  const data = wireState(snapshot);
  const body = JSON.stringify(webhookFixture({ id, createdAt: new Date(snapshot.asOf).toISOString(), data }));
  const headers = await signWebhook({ webhookId: id, timestamp: new Date(NOW), body, secrets: secret });
  return { body, headers };
}

function failingOnce(store: JourneyStore): JourneyStore {
  let fail = true;
  return {
    ...store,
    applyWebhook: async (input) => {
      if (fail) {
        fail = false;
        throw new Error("database unavailable");
      }
      return store.applyWebhook(input);
    },
  };
}

let server: Server | undefined;
afterEach(() => server?.close());

describe("createWebhookHandler", () => {
  it("applies a first delivery, stores snapshot and reducer state, and tells onSnapshot", async () => {
    const store = createMemoryJourneyStore();
    const seen: number[] = [];
    const handler = await createWebhookHandler({
      secrets: SECRET,
      store,
      now: () => NOW,
      onSnapshot: (s) => void seen.push(s.asOf),
    });
    const d = await delivery("evt_1", snapshotFixture({ asOf: 5 }));
    const result = await handler.handle(d.body, d.headers);
    expect(result).toMatchObject({ status: 200, outcome: "applied", journeyID: JOURNEY, asOf: 5 });
    const stored = await store.get(JOURNEY);
    expect(stored?.asOf).toBe(5);
    expect((stored!.state as { context: { snapshot: { asOf: number } } }).context.snapshot.asOf).toBe(5);
    expect(seen).toEqual([5]);
  });

  it("answers a redelivered id as a duplicate and an older asOf as stale, changing nothing", async () => {
    const store = createMemoryJourneyStore();
    const handler = await createWebhookHandler({ secrets: SECRET, store, now: () => NOW });
    const v6 = await delivery(
      "evt_6",
      snapshotFixture({ asOf: 6, status: "OFFER_SELECTED", nextAction: "WAIT" }),
    );
    await handler.handle(v6.body, v6.headers);
    expect((await handler.handle(v6.body, v6.headers)).outcome).toBe("duplicate");
    const v4 = await delivery("evt_4", snapshotFixture({ asOf: 4 }));
    expect(await handler.handle(v4.body, v4.headers)).toMatchObject({ status: 200, outcome: "stale" });
    expect((await store.get(JOURNEY))?.snapshot.status).toBe("OFFER_SELECTED");
    expect(await store.markWebhookSeen("evt_4")).toBe(false);
  });

  it("refuses a bad signature with 401 and writes nothing", async () => {
    const store = createMemoryJourneyStore();
    const handler = await createWebhookHandler({ secrets: SECRET, store, now: () => NOW });
    const d = await delivery("evt_1", snapshotFixture(), "whsec_c2VjcmV0LXRoYXQtaXMtd3Jvbmc=");
    expect(await handler.handle(d.body, d.headers)).toMatchObject({ status: 401, outcome: "unauthorized" });
    expect(await store.get(JOURNEY)).toBeUndefined();
    expect(await store.markWebhookSeen("evt_1")).toBe(true);
  });

  it("refuses a correctly signed body that is not a snapshot envelope with 400", async () => {
    const handler = await createWebhookHandler({
      secrets: SECRET,
      store: createMemoryJourneyStore(),
      now: () => NOW,
    });
    const body = JSON.stringify({ id: "evt_1", type: "journey.snapshot", data: { journeyID: JOURNEY } });
    const headers = await signWebhook({
      webhookId: "evt_1",
      timestamp: new Date(NOW),
      body,
      secrets: SECRET,
    });
    expect(await handler.handle(body, headers)).toMatchObject({ status: 400, outcome: "invalid" });
  });

  it("answers 503 when the store fails, leaves nothing half-written, and applies the platform's retry", async () => {
    const memory = createMemoryJourneyStore();
    const handler = await createWebhookHandler({
      secrets: SECRET,
      store: failingOnce(memory),
      now: () => NOW,
    });
    const d = await delivery("evt_9", snapshotFixture({ asOf: 9 }));
    expect(await handler.handle(d.body, d.headers)).toMatchObject({ status: 503, outcome: "storeFailed" });
    expect(await memory.get(JOURNEY)).toBeUndefined();
    expect(await handler.handle(d.body, d.headers)).toMatchObject({ status: 200, outcome: "applied" });
  });

  it("holds a snapshot on an unexpected edge until the re-fetched journey confirms it", async () => {
    const store = createMemoryJourneyStore();
    const fetched: string[] = [];
    const confirmed = journeyFixture({
      asOf: 7,
      status: "OFFERS_AVAILABLE",
      nextAction: "VIEW_OFFERS",
    });
    const handler = await createWebhookHandler({
      secrets: SECRET,
      store,
      now: () => NOW,
      fetchJourney: async (id) => {
        fetched.push(id);
        return confirmed;
      },
    });
    const ahead = await delivery(
      "evt_a",
      snapshotFixture({ asOf: 6, status: "KYC_PENDING", nextAction: "COMPLETE_STEP" }),
    );
    await handler.handle(ahead.body, ahead.headers);
    const back = await delivery("evt_b", snapshotFixture({ asOf: 7, status: "OFFERS_AVAILABLE" }));
    expect(await handler.handle(back.body, back.headers)).toMatchObject({ outcome: "applied" });
    expect(fetched).toEqual([JOURNEY]);
    const stored = await store.get(JOURNEY);
    const context = (
      stored!.state as { context: { snapshot: JourneySnapshot; held: unknown; anomalies: unknown[] } }
    ).context;
    expect(context.snapshot.status).toBe("OFFERS_AVAILABLE");
    expect(context.held).toBeNull();
    expect(context.anomalies.length).toBeGreaterThan(0);
  });

  it("serves node:http with the raw body and Fetch-API requests alike", async () => {
    const store = createMemoryJourneyStore();
    const handler = await createWebhookHandler({ secrets: SECRET, store, now: () => NOW });
    server = createServer((req, res) => void handler.node(req, res));
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
    const d = await delivery("evt_n", snapshotFixture({ asOf: 3 }));
    const res = await fetch(url, {
      method: "POST",
      body: d.body,
      headers: { ...d.headers, "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: "applied" });
    const e = await delivery("evt_f", snapshotFixture({ asOf: 4 }));
    const viaFetch = await handler.fetch(
      new Request(url, { method: "POST", body: e.body, headers: e.headers }),
    );
    expect(viaFetch.status).toBe(200);
    expect((await store.get(JOURNEY))?.asOf).toBe(4);
  });
});
