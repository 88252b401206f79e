import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { JourneySnapshot, WebhookBody } from "../../src/contract/index.js";
import * as edge from "../../src/server/edge.js";
import {
  createWebhookHandler,
  WebhookHandlerConfigError,
  type WebhookHandlerOptions,
} from "../../src/server/index.js";
import { CorruptRecordError, StoreInputError } from "../../src/server/store/errors.js";
import { createMemoryJourneyStore } from "../../src/server/store/memory.js";
import { checkStoredJourney } from "../../src/server/store/record.js";
import type { JourneyStore } from "../../src/server/store/types.js";
import { journeyFixture, snapshotFixture } from "../../src/testing/fixtures.js";
import { signedDelivery } from "./deliveries.js";

const SECRET = "al_wh_handler_tests";
const NOW = Date.UTC(2026, 10, 26, 10, 0, 0);
const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
const OTHER = "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";

/** A signed delivery of the fixture journey at `NOW` (see test/server/deliveries.ts). */
function delivery(
  eventID: string,
  journeys: Parameters<typeof signedDelivery>[1],
  at: Parameters<typeof signedDelivery>[2],
  secret = SECRET,
) {
  return signedDelivery(eventID, journeys, at, { secret, now: NOW, journeyID: JOURNEY });
}

/** A handler over `store` with this file's secret and clock, and `options`. */
function handlerFor(store: JourneyStore, options: Partial<WebhookHandlerOptions> = {}) {
  return createWebhookHandler({ secrets: SECRET, store, now: () => NOW, ...options });
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
  it("stores a delivery built exactly as PLATFORM.md §7 describes at its status, and tells onSnapshot", async () => {
    const store = createMemoryJourneyStore();
    const seen: JourneySnapshot[] = [];
    const handler = await handlerFor(store, {
      onSnapshot: (s) => void seen.push(s),
    });
    const d = delivery("evt_01JB2X4CE6", [{ status: "OFFERS_AVAILABLE", nextAction: "VIEW_OFFERS" }], {
      generatedAt: NOW - 1_000,
      sequence: 1741179022100,
    });
    const result = await handler.handle(d.body, d.headers);
    expect(result).toMatchObject({
      status: 200,
      outcome: "applied",
      eventID: "evt_01JB2X4CE6",
      journeys: [
        { journeyID: JOURNEY, asOf: NOW - 1_000, sequence: 1741179022100, applied: true, complete: false },
      ],
    });
    const stored = await store.get(JOURNEY);
    // Thin, and nothing held before: the stored record says it lacks the full state.
    expect(stored).toMatchObject({
      status: "OFFERS_AVAILABLE",
      asOf: NOW - 1_000,
      sequence: 1741179022100,
      complete: false,
    });
    expect(stored?.snapshot).toEqual({
      journeyID: JOURNEY,
      status: "OFFERS_AVAILABLE",
      nextAction: "VIEW_OFFERS",
      asOf: NOW - 1_000,
    });
    expect((stored!.state as { context: { snapshot: JourneySnapshot } }).context.snapshot.status).toBe(
      "OFFERS_AVAILABLE",
    );
    expect(seen.map((s) => s.status)).toEqual(["OFFERS_AVAILABLE"]);
  });

  it("applies a redelivered event_id once, and a late lower sequence changes nothing", async () => {
    const store = createMemoryJourneyStore();
    const handler = await handlerFor(store);
    const newer = delivery("evt_B", [{ status: "OFFER_SELECTED", nextAction: "WAIT" }], {
      generatedAt: NOW - 1_000,
      sequence: 20,
    });
    expect((await handler.handle(newer.body, newer.headers)).outcome).toBe("applied");
    expect(await handler.handle(newer.body, newer.headers)).toMatchObject({
      status: 200,
      outcome: "duplicate",
    });
    // Later by its time, lower by its sequence: the platform's order among deliveries is the sequence.
    const late = delivery("evt_A", [{ status: "OFFERS_AVAILABLE" }], {
      generatedAt: NOW - 500,
      sequence: 19,
    });
    expect(await handler.handle(late.body, late.headers)).toMatchObject({ status: 200, outcome: "stale" });
    const older = delivery("evt_C", [{ status: "OFFERS_AVAILABLE" }], {
      generatedAt: NOW - 2_000,
      sequence: 21,
    });
    expect(await handler.handle(older.body, older.headers)).toMatchObject({ status: 200, outcome: "stale" });
    expect(await store.get(JOURNEY)).toMatchObject({ status: "OFFER_SELECTED", sequence: 20 });
    expect(await store.markWebhookSeen("evt_A")).toBe(false);
  });

  it("stores both journeys of a two-journey delivery, in one write", async () => {
    const store = createMemoryJourneyStore();
    const writes: number[] = [];
    const counting: JourneyStore = {
      ...store,
      applyWebhook: async (input) => {
        writes.push(input.records?.length ?? 1);
        return store.applyWebhook(input);
      },
    };
    const handler = await handlerFor(counting);
    const d = delivery(
      "evt_two",
      [
        { status: "KYC_PENDING", nextAction: "COMPLETE_STEP" },
        { journeyID: OTHER, status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" },
      ],
      { generatedAt: NOW - 1_000 },
    );
    expect((await handler.handle(d.body, d.headers)).outcome).toBe("applied");
    expect(writes).toEqual([2]);
    expect((await store.get(JOURNEY))?.status).toBe("KYC_PENDING");
    expect((await store.get(OTHER))?.status).toBe("PROFILE_REQUIRED");
  });

  it("writes neither journey of a two-journey delivery when the store fails, and both on the retry", async () => {
    const memory = createMemoryJourneyStore();
    const handler = await handlerFor(failingOnce(memory));
    const d = delivery("evt_9", [{ status: "KYC_PENDING" }, { journeyID: OTHER, status: "STARTED" }], {
      generatedAt: NOW - 1,
    });
    expect(await handler.handle(d.body, d.headers)).toMatchObject({ status: 503, outcome: "storeFailed" });
    expect(await memory.get(JOURNEY)).toBeUndefined();
    expect(await memory.get(OTHER)).toBeUndefined();
    expect(await handler.handle(d.body, d.headers)).toMatchObject({ status: 200, outcome: "applied" });
    expect((await memory.get(OTHER))?.status).toBe("STARTED");
  });

  it("ends where one-by-one processing ends when two deliveries of a journey run at once, in one handler or two sharing the store (no reopened end, no missed anomaly)", async () => {
    for (const [first, second, third] of [
      ["LENDER_PROCESSING", "REJECTED", "LENDER_PROCESSING"],
      ["OFFERS_AVAILABLE", "KYC_PENDING", "OFFER_SELECTED"],
    ] as const) {
      // One handler taking deliveries one by one, one handler taking two at once, and two (workers on one store).
      const outcome = async (mode: "oneByOne" | "together" | "twoWorkers") => {
        const inner = createMemoryJourneyStore();
        // A store read that takes a while (a database round trip): both deliveries read the same old row.
        const store: JourneyStore = {
          ...inner,
          get: async (id) => {
            const row = await inner.get(id);
            await new Promise((resolve) => setTimeout(resolve, 20));
            return row;
          },
        };
        const handler = await handlerFor(store, {
          onError: () => {},
        });
        const worker = await handlerFor(store, {
          onError: () => {},
        });
        const a = delivery("evt_1", [{ status: first }], { generatedAt: NOW - 3_000, sequence: 1 });
        const b = delivery("evt_2", [{ status: second }], { generatedAt: NOW - 2_000, sequence: 2 });
        const c = delivery("evt_3", [{ status: third }], { generatedAt: NOW - 1_000, sequence: 3 });
        await handler.handle(a.body, a.headers);
        if (mode === "oneByOne") for (const d of [b, c]) await handler.handle(d.body, d.headers);
        else {
          const other = mode === "together" ? handler : worker;
          const answers = await Promise.all([
            handler.handle(b.body, b.headers),
            other.handle(c.body, c.headers),
          ]);
          for (const answer of answers) expect(answer.status).toBe(200);
        }
        const row = await inner.get(JOURNEY);
        const state = row?.state as
          | { context: { held: { snapshot: { status: string } } | null } }
          | undefined;
        const held = state?.context.held;
        return { status: row?.status, held: held?.snapshot.status ?? null };
      };
      const oneByOne = await outcome("oneByOne");
      expect(oneByOne.status, first).toBe(second);
      expect(await outcome("together"), `${first} > ${second} > ${third}`).toEqual(oneByOne);
      expect(await outcome("twoWorkers"), `two workers: ${first} > ${second} > ${third}`).toEqual(oneByOne);
    }
  });

  it("says of a stale journey whether the held row is complete, not the refused record", async () => {
    const store = createMemoryJourneyStore();
    // Held whole (a read), later than the delivery: the thin delivery is stale, and what is held stays complete.
    await store.applySnapshot({ snapshot: snapshotFixture({ journeyID: JOURNEY, asOf: NOW - 1_000 }) });
    const handler = await handlerFor(store, { onError: () => {} });
    const d = delivery("evt_1", [{ status: "KYC_PENDING" }], { generatedAt: NOW - 5_000 });
    const result = await handler.handle(d.body, d.headers);
    expect(result).toMatchObject({ status: 200, outcome: "stale" });
    expect(result.journeys).toEqual([
      { journeyID: JOURNEY, asOf: NOW - 5_000, sequence: NOW - 5_000, applied: false, complete: true },
    ]);
  });

  it("builds a delivery anew from the row as it is now while other workers keep writing the journey first, then answers 503", async () => {
    for (const conflicts of [1, 8]) {
      const inner = createMemoryJourneyStore();
      let reads = 0;
      let writes = 0;
      // The journey moves on between each read and write (a worker writing it first), `conflicts` times.
      const store: JourneyStore = {
        ...inner,
        get: async (id) => {
          reads++;
          return inner.get(id);
        },
        applyWebhook: async (delivered) =>
          ++writes <= conflicts
            ? { duplicate: false, applied: false, appliedJourneyIDs: [], conflict: true }
            : inner.applyWebhook(delivered),
      };
      const handler = await handlerFor(store, {
        onError: () => {},
      });
      const d = delivery("evt_1", [{ status: "KYC_PENDING" }], { generatedAt: NOW - 1_000 });
      const result = await handler.handle(d.body, d.headers);
      if (conflicts < 8) {
        expect(result).toMatchObject({ status: 200, outcome: "applied" });
        expect({ reads, writes }).toEqual({ reads: 2, writes: 2 });
      } else {
        // Given up after eight builds: 503, so the platform delivers it again; nothing of it was written.
        expect(result).toMatchObject({ status: 503, outcome: "storeFailed", eventID: "evt_1" });
        expect({ reads, writes }).toEqual({ reads: 8, writes: 8 });
        expect(await inner.get(JOURNEY)).toBeUndefined();
      }
    }
  });

  it("reads the platform once for all builds of a delivery, and tells only the last build's failures", async () => {
    const inner = createMemoryJourneyStore();
    let writes = 0;
    const store: JourneyStore = {
      ...inner,
      applyWebhook: async (delivered) =>
        ++writes <= 3
          ? { duplicate: false, applied: false, appliedJourneyIDs: [], conflict: true }
          : inner.applyWebhook(delivered),
    };
    let reads = 0;
    const errors: unknown[] = [];
    const handler = await handlerFor(store, {
      onError: (error) => errors.push(error),
      fetchJourney: async () => {
        reads++;
        throw new Error("platform down");
      },
    });
    const d = delivery("evt_1", [{ status: "KYC_PENDING" }], { generatedAt: NOW - 1_000 });
    expect(await handler.handle(d.body, d.headers)).toMatchObject({ status: 200, outcome: "applied" });
    expect(writes).toBe(4);
    expect(reads).toBe(1);
    expect(errors.map(String)).toEqual(["Error: platform down"]);
  });

  it("writes a newer whole journey read for a late delivery: the read is ordered by asOf, not the delivery's sequence", async () => {
    const store = createMemoryJourneyStore();
    let up = false;
    const handler = await handlerFor(store, {
      onError: () => {},
      fetchJourney: async () => {
        if (!up) throw new Error("platform down");
        return journeyFixture({ status: "KYC_PENDING", nextAction: "COMPLETE_STEP", asOf: NOW - 1_000 });
      },
    });
    // The newer delivery first, while the platform cannot be read: stored thin, incomplete.
    const newer = delivery("evt_new", [{ status: "KYC_PENDING" }], {
      generatedAt: NOW - 2_000,
      sequence: 10,
    });
    await handler.handle(newer.body, newer.headers);
    expect(await store.get(JOURNEY)).toMatchObject({ asOf: NOW - 2_000, complete: false });
    // A late, older delivery; its read now works and is later than both.
    up = true;
    const late = delivery("evt_late", [{ status: "OFFER_SELECTED" }], {
      generatedAt: NOW - 3_000,
      sequence: 5,
    });
    expect(await handler.handle(late.body, late.headers)).toMatchObject({ outcome: "applied" });
    expect(await store.get(JOURNEY)).toMatchObject({
      asOf: NOW - 1_000,
      complete: true,
      status: "KYC_PENDING",
    });
  });

  it("never fails (nor repeats) a delivery because onError throws", async () => {
    const store = createMemoryJourneyStore();
    const published: string[] = [];
    const handler = await handlerFor(store, {
      fetchJourney: async () => {
        throw new Error("platform down");
      },
      onSnapshot: (snapshot) => {
        published.push(snapshot.journeyID);
        throw new Error("relay down");
      },
      onError: () => {
        throw new Error("the logger itself failed");
      },
    });
    const d = delivery("evt_1", [{ status: "KYC_PENDING" }, { journeyID: OTHER, status: "STARTED" }], {
      generatedAt: NOW - 1_000,
    });
    expect(await handler.handle(d.body, d.headers)).toMatchObject({ status: 200, outcome: "applied" });
    expect(published).toEqual([JOURNEY, OTHER]);
    expect((await store.get(OTHER))?.status).toBe("STARTED");
  });

  it("refuses a bad signature with 401 and writes nothing", async () => {
    const store = createMemoryJourneyStore();
    const handler = await handlerFor(store);
    const d = delivery("evt_1", [{ status: "STARTED" }], { generatedAt: NOW }, "another secret");
    expect(await handler.handle(d.body, d.headers)).toMatchObject({
      status: 401,
      outcome: "unauthorized",
      reason: "NO_MATCHING_SIGNATURE",
    });
    expect(await store.get(JOURNEY)).toBeUndefined();
    expect(await store.markWebhookSeen("evt_1")).toBe(true);
  });

  it("answers a parsed body 500 misconfigured with reason BODY_NOT_RAW (the platform retries once fixed)", async () => {
    const store = createMemoryJourneyStore();
    const handler = await handlerFor(store);
    const d = delivery("evt_1", [{ status: "STARTED" }], { generatedAt: NOW });
    expect(await handler.handle(JSON.parse(d.body) as never, d.headers)).toMatchObject({
      status: 500,
      outcome: "misconfigured",
      reason: "BODY_NOT_RAW",
    });
    expect(await store.get(JOURNEY)).toBeUndefined();
  });

  it("answers 400 when X-AL-Event-ID and event_id disagree, or the body is no delivery, or gives no time", async () => {
    const handler = await handlerFor(createMemoryJourneyStore());
    const d = delivery("evt_1", [{ status: "STARTED" }], { generatedAt: NOW });
    const other = { ...d.headers, "x-al-event-id": "evt_2" };
    // The signature covers the timestamp and the body, not the event header: the body's id must agree.
    expect(await handler.handle(d.body, other)).toMatchObject({ status: 400, outcome: "invalid" });
    const sign = (raw: string) => ({
      ...d.headers,
      "x-al-webhook-signature": createHmac("sha256", SECRET)
        .update(`${d.headers["x-al-webhook-timestamp"]}.${raw}`)
        .digest("hex"),
    });
    const notADelivery = JSON.stringify({ event_id: "evt_1" });
    expect(await handler.handle(notADelivery, sign(notADelivery))).toMatchObject({
      status: 400,
      outcome: "invalid",
    });
    const { snapshot_generated_at: _s, event_at: _e, ...timeless } = JSON.parse(d.body) as WebhookBody;
    const untimed = JSON.stringify(timeless);
    expect(await handler.handle(untimed, sign(untimed))).toMatchObject({ status: 400, outcome: "invalid" });
  });

  it("acknowledges an event of another type without applying it", async () => {
    const store = createMemoryJourneyStore();
    const handler = await handlerFor(store);
    const raw = JSON.stringify({
      ...JSON.parse(delivery("evt_x", [{ status: "STARTED" }], { generatedAt: NOW }).body),
      event_type: "journey.deleted",
    });
    const timestamp = String(Math.floor(NOW / 1000));
    const headers = {
      "x-al-event-id": "evt_x",
      "x-al-webhook-timestamp": timestamp,
      "x-al-webhook-signature": createHmac("sha256", SECRET).update(`${timestamp}.${raw}`).digest("hex"),
    };
    expect(await handler.handle(raw, headers)).toMatchObject({ status: 200, outcome: "ignored" });
    expect(await store.get(JOURNEY)).toBeUndefined();
  });

  it("keeps the held details when the status and nextAction did not change, and completes with fetchJourney", async () => {
    const store = createMemoryJourneyStore();
    const held = snapshotFixture({
      asOf: NOW - 10_000,
      status: "KYC_PENDING",
      nextAction: "COMPLETE_STEP",
      diagnostics: { reasonCode: "KYC_LINK_SENT" },
    });
    await store.applySnapshot({ snapshot: held });
    const handler = await handlerFor(store);
    const same = delivery("evt_same", [{ status: "KYC_PENDING", nextAction: "COMPLETE_STEP" }], {
      generatedAt: NOW - 5_000,
    });
    await handler.handle(same.body, same.headers);
    expect((await store.get(JOURNEY))?.snapshot).toEqual({ ...held, asOf: NOW - 5_000 });

    const full = journeyFixture({
      asOf: NOW - 100,
      status: "BANK_MANDATE_PENDING",
      nextAction: "COMPLETE_STEP",
      diagnostics: { reasonCode: "MANDATE" },
    });
    const completing = await handlerFor(store, {
      fetchJourney: async () => full,
    });
    const moved = delivery("evt_moved", [{ status: "BANK_MANDATE_PENDING", nextAction: "COMPLETE_STEP" }], {
      generatedAt: NOW - 1_000,
    });
    expect((await completing.handle(moved.body, moved.headers)).journeys).toMatchObject([
      { applied: true, complete: true },
    ]);
    expect((await store.get(JOURNEY))?.complete).toBe(true);
    expect((await store.get(JOURNEY))?.snapshot).toMatchObject({
      status: "BANK_MANDATE_PENDING",
      diagnostics: { reasonCode: "MANDATE" },
      asOf: NOW - 100,
    });
  });

  it("holds a snapshot on an unexpected edge until the re-fetched journey confirms it", async () => {
    const store = createMemoryJourneyStore();
    const fetched: string[] = [];
    const confirmed = journeyFixture({
      asOf: NOW - 10,
      status: "OFFERS_AVAILABLE",
      nextAction: "VIEW_OFFERS",
    });
    const handler = await handlerFor(store, {
      fetchJourney: async (id) => {
        fetched.push(id);
        return confirmed;
      },
    });
    // The first delivery lands on a receiver without a reader: KYC_PENDING is stored thin.
    const thin = await handlerFor(store);
    const ahead = delivery("evt_a", [{ status: "KYC_PENDING", nextAction: "COMPLETE_STEP" }], {
      generatedAt: NOW - 3_000,
    });
    await thin.handle(ahead.body, ahead.headers);
    const back = delivery("evt_b", [{ status: "OFFERS_AVAILABLE", nextAction: "VIEW_OFFERS" }], {
      generatedAt: NOW - 2_000,
    });
    expect(await handler.handle(back.body, back.headers)).toMatchObject({ outcome: "applied" });
    expect(fetched).toEqual([JOURNEY]);
    const context = (
      (await store.get(JOURNEY))!.state as {
        context: { snapshot: JourneySnapshot; held: unknown; anomalies: unknown[] };
      }
    ).context;
    expect(context.snapshot.status).toBe("OFFERS_AVAILABLE");
    expect(context.held).toBeNull();
    expect(context.anomalies.length).toBeGreaterThan(0);
  });

  it("serves node:http with the raw body and Fetch-API requests alike, on node:crypto and on Web Crypto", async () => {
    const store = createMemoryJourneyStore();
    const handler = await handlerFor(store);
    const edgeHandler = await edge.createWebhookHandler({ secrets: SECRET, store, now: () => NOW });
    server = createServer((req, res) => void handler.node(req, res));
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
    const d = delivery("evt_n", [{ status: "STARTED" }], { generatedAt: NOW - 3_000 });
    const res = await fetch(url, {
      method: "POST",
      body: d.body,
      headers: { ...d.headers, "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: "applied" });
    const e = delivery("evt_f", [{ status: "PROFILE_REQUIRED" }], { generatedAt: NOW - 2_000 });
    const viaFetch = await edgeHandler.fetch(
      new Request(url, { method: "POST", body: e.body, headers: e.headers }),
    );
    expect(viaFetch.status).toBe(200);
    expect((await store.get(JOURNEY))?.asOf).toBe(NOW - 2_000);
    expect(
      (await handler.fetch(new Request(url, { method: "POST", body: e.body, headers: e.headers }))).status,
    ).toBe(200);
  });

  it("answers a body something read first 500 misconfigured with the adapter's reason, on node:http and Fetch", async () => {
    const store = createMemoryJourneyStore();
    const handler = await handlerFor(store);
    const d = delivery("evt_read", [{ status: "STARTED" }], { generatedAt: NOW });
    // A body parser that ran before the route: the stream is drained when the handler gets it.
    server = createServer((req, res) => {
      req.resume();
      req.once("end", () => void handler.node(req, res));
    });
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
    const viaNode = await fetch(url, { method: "POST", body: d.body, headers: d.headers });
    expect(viaNode.status).toBe(500);
    expect(await viaNode.json()).toMatchObject({ outcome: "misconfigured", reason: "ALREADY_CONSUMED" });
    const used = new Request(url, { method: "POST", body: d.body, headers: d.headers });
    await used.text();
    const viaFetch = await handler.fetch(used);
    expect(viaFetch.status).toBe(500);
    expect(await viaFetch.json()).toMatchObject({ outcome: "misconfigured", reason: "ALREADY_CONSUMED" });
    // Too large is the delivery's fault: 413 invalid, with its reason.
    const small = await handlerFor(store, { bodyLimit: 16 });
    const big = await small.fetch(new Request(url, { method: "POST", body: d.body, headers: d.headers }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ outcome: "invalid", reason: "TOO_LARGE" });
    expect(await store.get(JOURNEY)).toBeUndefined();
  });

  it("never continues nor publishes another journey's record that a store of the partner's own hands back", async () => {
    const memory = createMemoryJourneyStore();
    await memory.applySnapshot({
      snapshot: snapshotFixture({ journeyID: OTHER, asOf: NOW - 9_000, status: "KYC_PENDING" }),
    });
    const theirs = await memory.get(OTHER);
    // A store of the partner's own that answers every journey with another borrower's record.
    const leaky: JourneyStore = { ...memory, get: async () => theirs };
    const published: JourneySnapshot[] = [];
    const errors: unknown[] = [];
    const handler = await handlerFor(leaky, {
      onSnapshot: (snapshot) => void published.push(snapshot),
      onError: (error) => void errors.push(error),
    });
    const d = delivery("evt_leak", [{ status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" }], {
      generatedAt: NOW - 1_000,
    });
    expect(await handler.handle(d.body, d.headers)).toMatchObject({ status: 200, outcome: "applied" });
    expect(published.map((p) => p.journeyID)).toEqual([JOURNEY]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CorruptRecordError);
    expect(errors[0]).toMatchObject({ journeyID: JOURNEY, scope: "record", field: "snapshot.journeyID" });
    expect(await memory.get(OTHER)).toEqual(theirs);
    expect((await memory.get(JOURNEY))?.snapshot).toMatchObject({
      journeyID: JOURNEY,
      status: "PROFILE_REQUIRED",
    });
  });

  it("stores a state no later than its row when a read finds the held state unchanged after a thin delivery", async () => {
    const store = createMemoryJourneyStore();
    const held = { status: "KYC_PENDING", nextAction: "COMPLETE_STEP" } as const;
    let readAt = NOW - 10_000;
    const errors: unknown[] = [];
    const handler = await handlerFor(store, {
      onError: (error) => void errors.push(error),
      fetchJourney: async () => journeyFixture({ ...held, asOf: readAt }),
    });
    const first = delivery("evt_1", [held], { generatedAt: NOW - 10_000 });
    await handler.handle(first.body, first.headers);
    // The read is newer than the next delivery and says what is held: the reducer's key moves on to it, and so
    // does the row's (the delivery is older than the platform's word at the read).
    readAt = NOW - 100;
    const late = delivery("evt_2", [{ status: "OFFERS_AVAILABLE", nextAction: "VIEW_OFFERS" }], {
      generatedAt: NOW - 5_000,
    });
    expect((await handler.handle(late.body, late.headers)).outcome).toBe("applied");
    const stored = await store.get(JOURNEY);
    expect(stored).toMatchObject({ asOf: NOW - 100, status: "KYC_PENDING" });
    expect((stored!.state as { context: { asOf: number } }).context.asOf).toBe(NOW - 100);
    expect(checkStoredJourney(JOURNEY, stored)?.corruption).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it("stores a state incomplete when a read it still asks for fails, whatever an earlier read completed", async () => {
    const store = createMemoryJourneyStore();
    const errors: unknown[] = [];
    let reads = 0;
    const handler = await handlerFor(store, {
      onError: (error) => void errors.push(error),
      // The first read (a lagging replica) still says OFFERS_PENDING, with no offers; the next one fails.
      fetchJourney: async () => {
        if (++reads > 1) throw new Error("platform unavailable");
        return journeyFixture({ status: "OFFERS_PENDING", nextAction: null, asOf: NOW - 2_000, offers: [] });
      },
    });
    const d = delivery("evt_offers", [{ status: "OFFERS_AVAILABLE", nextAction: "VIEW_OFFERS" }], {
      generatedAt: NOW - 1_000,
    });
    const result = await handler.handle(d.body, d.headers);
    // The newer webhook asked for the offers; that read failed: the row must not claim to be complete.
    expect(reads).toBe(2);
    expect(result).toMatchObject({ outcome: "applied", journeys: [{ applied: true, complete: false }] });
    expect(await store.get(JOURNEY)).toMatchObject({ status: "OFFERS_AVAILABLE", complete: false });
    expect(errors.map(String)).toEqual(["Error: platform unavailable"]);
  });

  it("answers 400 (not a 503 retried for ever) a signed delivery no store can hold, and tells onError", async () => {
    const store = createMemoryJourneyStore();
    const errors: unknown[] = [];
    const handler = await handlerFor(store, {
      onError: (error) => void errors.push(error),
    });
    // Valid JSON and a valid delivery, but PostgreSQL refuses a NUL in jsonb: so does every store.
    const d = delivery("evt_nul", [{ status: "KYC_PENDING", nextAction: "COMPLETE\u0000STEP" }], {
      generatedAt: NOW - 1_000,
    });
    const result = await handler.handle(d.body, d.headers);
    expect(result).toMatchObject({ status: 400, outcome: "invalid", eventID: "evt_nul" });
    expect(result.detail).toMatch(/not storable: .*nextAction/);
    expect(errors[0]).toBeInstanceOf(StoreInputError);
    expect(await store.get(JOURNEY)).toBeUndefined();
    // A lone surrogate (no UTF-8 holds it; jsonb refuses it) the same.
    const half = delivery("evt_half", [{ status: "KYC_PENDING", nextAction: "COMPLETE\ud800" }], {
      generatedAt: NOW - 1_000,
    });
    expect(await handler.handle(half.body, half.headers)).toMatchObject({ status: 400, outcome: "invalid" });
  });

  it("refuses bad options when created, naming the field", async () => {
    const store = createMemoryJourneyStore();
    const cases: [Record<string, unknown>, string][] = [
      [{ secrets: SECRET }, "store"],
      [{ secrets: SECRET, store: {} }, "store"],
      [{ secrets: SECRET, store, toleranceSec: "300" }, "toleranceSec"],
      [{ secrets: SECRET, store, toleranceSec: -1 }, "toleranceSec"],
      [{ secrets: SECRET, store, onSnapshot: "yes" }, "onSnapshot"],
    ];
    for (const [options, field] of cases) {
      const error = await createWebhookHandler(options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebhookHandlerConfigError);
      expect((error as WebhookHandlerConfigError).field).toBe(field);
    }
  });
});
