/**
 * The change feed (issue N, item 1): workers sharing one PostgreSQL tell each other what they stored through
 * `LISTEN/NOTIFY`, so a borrower watching through one worker hears a webhook another verified, and a dropped
 * LISTEN connection loses no change (the watched journeys are read again once it is back).
 */
import { createServer, type Socket } from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
  ChangeFeedConfigError,
  createPostgresChangeFeed,
  createPostgresJourneyStore,
  createPushRelay,
  createWebhookHandler,
  type JourneyChangeFeed,
  type JourneyStore,
  type PushRelay,
} from "../../src/server/index.js";
import { runPostgres } from "../support/postgres.js";
import { stepDeliveries } from "./deliveries.js";
import { watchRelay } from "./relay-watcher.js";

const server = runPostgres();
const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
const SECRET = "al_wh_change_feed";
const T0 = Date.parse("2026-11-26T10:00:00Z");

const closing: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

/** One worker: its own store connections, push relay, change feed and webhook handler, on the shared database. */
async function worker(connectionString: string, errors: unknown[] = [], reconnectMs = 50) {
  const store: JourneyStore = await createPostgresJourneyStore({ connectionString, max: 2 });
  const relay: PushRelay = createPushRelay({
    authorize: () => true,
    latest: async (journeyID) => (await store.get(journeyID))?.snapshot,
  });
  const feed: JourneyChangeFeed = await createPostgresChangeFeed({
    connectionString,
    store,
    onChange: relay.publish,
    watched: relay.watched,
    onError: (error) => errors.push(error),
    reconnectMs,
  });
  const handler = await createWebhookHandler({
    secrets: SECRET,
    store,
    now: () => T0,
    onSnapshot: (snapshot) => feed.notify(snapshot),
  });
  closing.push(
    () => store.close(),
    () => relay.close(),
    () => feed.close(),
  );
  return { store, relay, feed, handler };
}

/** A watcher of the journey on `relay`: the asOfs of the snapshot frames it has received so far. */
const watch = (relay: PushRelay) => watchRelay(relay, JOURNEY, closing);

/** A signed delivery of the journey at one status, as the platform sends it. */
const delivery = stepDeliveries({ secret: SECRET, now: T0, journeyID: JOURNEY });

describe("the PostgreSQL change feed across workers", () => {
  it("a borrower watching through worker B hears the webhook worker A verified", async () => {
    const connectionString = await server.createDatabase();
    const a = await worker(connectionString);
    const b = await worker(connectionString);
    const onB = await watch(b.relay);
    await expect.poll(() => b.relay.watched()).toEqual([JOURNEY]);
    const d = delivery("evt_feed_1", "KYC_PENDING", T0 - 60_000);
    expect(await a.handler.handle(d.body, d.headers)).toMatchObject({ outcome: "applied" });
    await expect.poll(() => onB, { timeout: 5_000 }).toEqual([T0 - 60_000]);
    // The same delivery retried at B is a duplicate: nothing more is relayed.
    expect(await b.handler.handle(d.body, d.headers)).toMatchObject({ outcome: "duplicate" });
    const later = delivery("evt_feed_2", "BANK_MANDATE_PENDING", T0 - 30_000);
    expect(await b.handler.handle(later.body, later.headers)).toMatchObject({ outcome: "applied" });
    await expect.poll(() => onB, { timeout: 5_000 }).toEqual([T0 - 60_000, T0 - 30_000]);
  });

  it("a LISTEN connection dropped while a change is stored loses nothing: the watched journey is read again", async () => {
    const connectionString = await server.createDatabase();
    const errors: unknown[] = [];
    const a = await worker(connectionString);
    // B re-opens its LISTEN connection 400 ms after losing it: the change below is stored before that.
    const b = await worker(connectionString, errors, 400);
    const onB = await watch(b.relay);
    await expect.poll(() => b.relay.watched()).toEqual([JOURNEY]);
    // Every LISTEN connection dropped by the server (B's among them): A's notification finds no listener at B.
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    closing.push(() => admin.end());
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
    );
    const d = delivery("evt_feed_lost", "KYC_PENDING", T0 - 60_000);
    expect(await a.handler.handle(d.body, d.headers)).toMatchObject({ outcome: "applied" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onB).toEqual([]);
    // Back, B reads the watched journey again and relays what it missed.
    await expect.poll(() => onB, { timeout: 5_000 }).toEqual([T0 - 60_000]);
    expect(errors.length).toBeGreaterThan(0);
    // Listening again: the next change arrives as any other.
    const later = delivery("evt_feed_after", "BANK_MANDATE_PENDING", T0 - 30_000);
    expect(await a.handler.handle(later.body, later.headers)).toMatchObject({ outcome: "applied" });
    await expect.poll(() => onB, { timeout: 5_000 }).toEqual([T0 - 60_000, T0 - 30_000]);
  });

  it("reads a burst of notifications at most 4 at a time, repeats of one journey merged into its newest", async () => {
    const connectionString = await server.createDatabase();
    let active = 0;
    let peak = 0;
    const heard = new Map<string, number>();
    const store = {
      get: async (journeyID: string) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 2));
        active--;
        const asOf = Number(journeyID.split("-")[1]);
        return { snapshot: { journeyID, asOf } } as never;
      },
    } as unknown as JourneyStore;
    const feed = await createPostgresChangeFeed({
      connectionString,
      store,
      onChange: (snapshot) => void heard.set(snapshot.journeyID, snapshot.asOf),
    });
    closing.push(() => feed.close());
    // 20 journeys, each notified 10 times: 200 notifications.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        feed.notify({ journeyID: `j${i % 20}-${1000}`, asOf: i } as never),
      ),
    );
    await expect.poll(() => heard.size, { timeout: 5_000 }).toBe(20);
    expect(peak).toBeLessThanOrEqual(4);
  });

  it("keeps one LISTEN connection when watched() throws during the catch-up after a drop, and reports it", async () => {
    const connectionString = await server.createDatabase();
    const errors: unknown[] = [];
    const feed = await createPostgresChangeFeed({
      connectionString,
      store: { get: async () => undefined } as unknown as JourneyStore,
      onChange: () => {},
      watched: () => {
        throw new Error("watched failed");
      },
      onError: (error) => errors.push(error),
      reconnectMs: 50,
    });
    closing.push(() => feed.close());
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    closing.push(() => admin.end());
    const listening = async () =>
      Number(
        (
          await admin.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
          )
        ).rows[0].n,
      );
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
    );
    await expect
      .poll(() => errors.some((e) => String(e).includes("watched failed")), { timeout: 5_000 })
      .toBe(true);
    // Re-opened once, and not again and again: one LISTEN connection.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await listening()).toBe(1);
  });

  it("drops a LISTEN connection gone silent (no reset: the heartbeat's SELECT 1 times out), re-opens it and catches up", async () => {
    // B reaches PostgreSQL through a proxy that can stop passing bytes on the connections it holds, closing none.
    const { connectionString, viaProxy, proxy } = await proxiedDatabase();
    const a = await worker(connectionString);
    const store = await createPostgresJourneyStore({ connectionString, max: 2 });
    closing.push(() => store.close());
    const relay = createPushRelay({
      authorize: () => true,
      latest: async (journeyID) => (await store.get(journeyID))?.snapshot,
    });
    closing.push(() => relay.close());
    const errors: unknown[] = [];
    const feed = await createPostgresChangeFeed({
      connectionString: viaProxy,
      store,
      onChange: relay.publish,
      watched: relay.watched,
      onError: (error) => errors.push(error),
      reconnectMs: 50,
      silentMs: 200,
    });
    closing.push(() => feed.close());
    const onB = await watch(relay);
    await expect.poll(() => relay.watched()).toEqual([JOURNEY]);
    proxy.silence();
    const d = delivery("evt_feed_silent", "KYC_PENDING", T0 - 60_000);
    expect(await a.handler.handle(d.body, d.headers)).toMatchObject({ outcome: "applied" });
    // The silent connection hears nothing; within a heartbeat and a timeout it is dropped, and the new one
    // (through the proxy, which passes new connections) reads the watched journey again.
    await expect.poll(() => onB, { timeout: 5_000 }).toEqual([T0 - 60_000]);
    expect(errors.map(String).join("\n")).toMatch(/timeout/i);
    const later = delivery("evt_feed_silent_after", "BANK_MANDATE_PENDING", T0 - 30_000);
    expect(await a.handler.handle(later.body, later.headers)).toMatchObject({ outcome: "applied" });
    await expect.poll(() => onB, { timeout: 5_000 }).toEqual([T0 - 60_000, T0 - 30_000]);
  });

  it("close() on a connection gone silent does not hang: the socket is cut after silentMs", async () => {
    const { viaProxy, proxy } = await proxiedDatabase();
    const feed = await createPostgresChangeFeed({
      connectionString: viaProxy,
      store: { get: async () => undefined } as unknown as JourneyStore,
      onChange: () => {},
      onError: () => {},
      silentMs: 200,
    });
    // The sender's connection is opened too, so both ends are waited for.
    await feed.notify({ journeyID: JOURNEY, asOf: T0 });
    expect(proxy.open()).toBe(4);
    // The feed's own sockets: the process's, less the proxy's.
    const feedSockets = () => tcpSockets() - proxy.open();
    const before = feedSockets();
    proxy.silence();
    const hung = new Promise((resolve) => setTimeout(() => resolve("hung"), 10_000).unref());
    expect(await Promise.race([feed.close().then(() => "closed"), hung])).toBe("closed");
    // Both connections cut, not left to the OS's timeouts (they would keep the host process alive).
    await expect.poll(feedSockets, { timeout: 2_000 }).toBe(before - 2);
  });

  it("checks its options when created, naming the field", async () => {
    const store = { get: async () => undefined };
    for (const [options, field] of [
      [{ connectionString: "mysql://x", store, onChange: () => {} }, "connectionString"],
      [{ connectionString: "postgres://x", store: {}, onChange: () => {} }, "store"],
      [{ connectionString: "postgres://x", store }, "onChange"],
      [{ connectionString: "postgres://x", store, onChange: () => {}, reconnectMs: 0 }, "reconnectMs"],
      [{ connectionString: "postgres://x", store, onChange: () => {}, silentMs: 1.5 }, "silentMs"],
      [{ connectionString: "postgres://x", store, onChange: () => {}, silentMs: 86_400_000 }, "silentMs"],
    ] as const) {
      const error = await createPostgresChangeFeed(options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChangeFeedConfigError);
      expect((error as ChangeFeedConfigError).field).toBe(field);
    }
  });
});

/**
 * A loopback TCP proxy to `port` whose `silence()` turns every connection it holds into a black hole: bytes and
 * the end of either side are swallowed, nothing is closed (a path that drops packets, without a reset);
 * connections opened after it pass as usual.
 */
async function silenceableProxy(port: number) {
  const held = new Set<Socket>();
  const silenced = new WeakSet<Socket>();
  const proxy = createServer({ allowHalfOpen: true }, (inbound) => {
    const outbound = new (inbound.constructor as typeof Socket)({ allowHalfOpen: true });
    outbound.connect(port, "127.0.0.1");
    const pair = [inbound, outbound] as const;
    for (const socket of pair) {
      held.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        held.delete(socket);
        for (const other of pair) other.destroy();
      });
      socket.on("end", () => {
        if (!silenced.has(socket)) for (const other of pair) other.end();
      });
    }
    inbound.pipe(outbound, { end: false });
    outbound.pipe(inbound, { end: false });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    port: (proxy.address() as { port: number }).port,
    /** The proxy's own sockets still open (both ends of each connection). */
    open: () => held.size,
    silence() {
      for (const socket of held) {
        silenced.add(socket);
        socket.unpipe();
        socket.on("data", () => {});
        socket.resume();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of held) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

/** A fresh database, and its connection string through a {@link silenceableProxy} (closed after the test). */
async function proxiedDatabase() {
  const connectionString = await server.createDatabase();
  const proxy = await silenceableProxy(server.port);
  closing.push(() => proxy.close());
  const url = new URL(connectionString);
  url.port = String(proxy.port);
  return { connectionString, viaProxy: url.toString(), proxy };
}

/** The TCP sockets open in this process (the proxy's among them). */
function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "TCPSocketWrap").length;
}
