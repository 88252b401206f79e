import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
  createPostgresJourneyStore,
  createWebhookHandler,
  type JourneyStore,
  pgDatabase,
  StoreConfigError,
  StoreUnavailableError,
  signWebhook,
} from "../../../src/server/index.js";
import { webhookFixture } from "../../../src/testing/fixtures.js";
import { runPostgres } from "../../support/postgres.js";
import { snapshotOf } from "../store-conformance.js";
import { type Delivery, shuffledDuplicatedStream } from "./concurrency.js";

const server = runPostgres();
const WRITER = fileURLToPath(new URL("./fixtures/fault-writer.ts", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

/** A loopback TCP server that accepts connections and never answers: a paused or black-holed database. */
async function silentServer() {
  const sockets = new Set<Socket>();
  const tcp = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    socket.resume(); // reads (and drops) what comes, so a client's close is seen
  });
  const port = await listen(tcp);
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => tcp.close(resolve));
  });
  return { port, sockets };
}

/** A loopback proxy to the test server that can be paused: it then holds every byte, both ways, and new connections. */
async function pausableProxy(targetPort: number) {
  let paused = false;
  const pairs = new Set<[Socket, Socket | undefined]>();
  const held: (() => void)[] = [];
  const tcp = createServer((client) => {
    const pair: [Socket, Socket | undefined] = [client, undefined];
    pairs.add(pair);
    client.on("error", () => {});
    client.on("close", () => {
      pair[1]?.destroy();
      pairs.delete(pair);
    });
    const open = () => {
      const upstream = new Socket();
      pair[1] = upstream;
      upstream.on("error", () => client.destroy());
      upstream.on("close", () => client.destroy());
      upstream.connect(targetPort, "127.0.0.1");
      client.pipe(upstream);
      upstream.pipe(client);
    };
    if (paused) {
      client.pause();
      held.push(open);
    } else open();
  });
  const port = await listen(tcp);
  cleanups.push(async () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b?.destroy();
    }
    await new Promise((resolve) => tcp.close(resolve));
  });
  return {
    port,
    pause() {
      paused = true;
      for (const [a, b] of pairs) {
        a.pause();
        b?.pause();
      }
    },
    resume() {
      paused = false;
      for (const [a, b] of pairs) {
        a.resume();
        b?.resume();
      }
      for (const open of held.splice(0)) open();
    },
  };
}

function withPort(connectionString: string, port: number): string {
  const url = new URL(connectionString);
  url.port = String(port);
  return url.toString();
}

async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error("expected a rejection");
}

async function openStore(options: Parameters<typeof createPostgresJourneyStore>[0]): Promise<JourneyStore> {
  const store = await createPostgresJourneyStore(options);
  cleanups.push(() => store.close());
  return store;
}

/** Spawns a writer process; resolves once it is connected and waiting for "go". */
async function spawnWriter(connectionString: string, file: string) {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", WRITER, connectionString, file], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const lines = createInterface({ input: child.stdout! });
  const received: string[] = [];
  let notify = () => {};
  lines.on("line", (line) => {
    received.push(line);
    notify();
  });
  const exited = once(child, "exit").then(([code, signal]) => ({ code, signal, stderr }));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const take = () => {
        const line = received.shift();
        if (line !== undefined) resolve(line);
      };
      notify = take;
      take();
      void exited.then(({ code }) => reject(new Error(`writer exited (${code}) early: ${stderr}`)));
    });
  expect(JSON.parse(await nextLine())).toEqual({ ready: true });
  return { child, nextLine, exited };
}

interface WriterReport {
  outcomes: { webhookId: string; duplicate: boolean; applied: boolean; attempts: number; failed?: true }[];
  failures: Record<string, number>;
  fatal: string[];
}

describe("PostgreSQL store under faults", () => {
  it("3 processes, 1,000 concurrent deliveries, backends killed repeatedly: no crash, nothing lost or applied twice", async () => {
    const connectionString = await server.createDatabase();
    await (await createPostgresJourneyStore({ connectionString })).close(); // migrate once, up front

    const stream = shuffledDuplicatedStream(7);
    const deliveries: Delivery[] = stream.deliveries.slice(0, 1_000);
    const highest = new Map<string, number>();
    for (const d of deliveries) {
      highest.set(d.snapshot.journeyID, Math.max(highest.get(d.snapshot.journeyID) ?? 0, d.snapshot.asOf));
    }
    const distinct = new Set(deliveries.map((d) => d.webhookId));

    const dir = mkdtempSync(join(tmpdir(), "credit-journey-faults-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const writers = await Promise.all(
      [0, 1, 2].map((w) => {
        const file = join(dir, `writer-${w}.json`);
        writeFileSync(file, JSON.stringify(deliveries.filter((_, i) => i % 3 === w)));
        return spawnWriter(connectionString, file);
      }),
    );
    cleanups.push(() => {
      for (const { child } of writers) if (child.exitCode === null) child.kill("SIGKILL");
    });

    // The killer sits in another database, so it cannot terminate itself.
    const killer = new pg.Client({ connectionString: server.connectionString() });
    await killer.connect();
    cleanups.push(() => killer.end());
    const database = new URL(connectionString).pathname.slice(1);
    let running = writers.length;
    const reports = writers.map(async ({ child, nextLine, exited }) => {
      child.stdin!.end("go\n");
      const line = await nextLine();
      const exit = await exited;
      running--;
      return { report: JSON.parse(line) as WriterReport, exit };
    });
    for (const report of reports) report.catch(() => {}); // awaited below; a failure before then is the test's

    // Several rounds of terminating every backend of the writers while their transactions are in flight.
    const killed: number[] = [];
    for (let round = 0; round < 6 && running > 0; round++) {
      await sleep(round === 0 ? 5 : 40);
      const { rows } = await killer.query<{ n: number }>(
        // Materialised first: in a plain WHERE the planner may call pg_terminate_backend before the filter.
        `WITH targets AS MATERIALIZED (
           SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'
         )
         SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM targets`,
        [database],
      );
      killed.push(rows[0]!.n);
    }

    const results = await Promise.all(reports);
    for (const { exit } of results) {
      expect(exit.stderr).not.toMatch(/Unhandled|uncaught/i);
      expect(exit).toMatchObject({ code: 0, signal: null });
    }
    expect(killed.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    const all = results.flatMap(({ report }) => report.outcomes);
    const failures = results.flatMap(({ report }) => Object.entries(report.failures));
    expect(results.flatMap(({ report }) => report.fatal)).toEqual([]);
    // The kills hit work in flight, and every failure they caused was a typed, retryable one.
    expect(failures.length).toBeGreaterThan(0);
    for (const [key] of failures) expect(key).toMatch(/^StoreUnavailableError:/);

    expect(all).toHaveLength(1_000);
    // 0 applied twice: per webhook id, exactly one delivery was processed as first (the others are duplicates,
    // including a retry whose first attempt committed but lost its answer).
    const firsts = all.filter((o) => !o.duplicate).map((o) => o.webhookId);
    expect(new Set(firsts).size).toBe(firsts.length);
    expect(firsts.length).toBeLessThanOrEqual(distinct.size);

    // 0 lost: every webhook id is recorded once, and every journey ends at its highest asOf.
    const check = new pg.Client({ connectionString });
    await check.connect();
    cleanups.push(() => check.end());
    const seen = await check.query<{ webhook_id: string }>(
      "SELECT webhook_id FROM credit_journey.webhook_deliveries",
    );
    expect(seen.rows.map((r) => r.webhook_id).sort()).toEqual([...distinct].sort());
    const journeys = await check.query<{ journey_id: string; as_of: string; state: { asOf: number } }>(
      "SELECT journey_id, as_of, state FROM credit_journey.journeys",
    );
    expect(journeys.rows).toHaveLength(highest.size);
    for (const row of journeys.rows) {
      expect(Number(row.as_of), row.journey_id).toBe(highest.get(row.journey_id));
      expect(row.state, row.journey_id).toEqual({ asOf: highest.get(row.journey_id) });
    }
  });

  it("survives a connection killed inside a transaction, and discards that connection", async () => {
    const pool = new pg.Pool({ connectionString: await server.createDatabase(), max: 2 });
    pool.on("error", () => {});
    cleanups.push(() => pool.end());
    const db = pgDatabase(pool, false);
    const killer = new pg.Client({ connectionString: server.connectionString() });
    await killer.connect();
    cleanups.push(() => killer.end());

    const inTransaction = db.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      await killer.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
      await sleep(50); // the FATAL arrives while the transaction is idle: an 'error' event, not a query error
      await tx.query("SELECT 1");
    });
    const { error } = await rejection(inTransaction);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ _tag: "StoreUnavailableError", code: "CONNECTION_LOST", retryable: true });
    expect(pool.totalCount).toBe(0);
    await expect(db.query("SELECT 1 AS one")).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });

  it("ends a transaction left idle past idleInTransactionTimeoutMs, with a retryable error and no crash", async () => {
    const pool = new pg.Pool({
      connectionString: await server.createDatabase(),
      idle_in_transaction_session_timeout: 100,
    });
    pool.on("error", () => {});
    cleanups.push(() => pool.end());
    const { error } = await rejection(
      pgDatabase(pool, false).transaction(async (tx) => {
        await tx.query("SELECT 1");
        await sleep(400);
        await tx.query("SELECT 1");
      }),
    );
    expect(error).toMatchObject({ _tag: "StoreUnavailableError", code: "CONNECTION_LOST" });
    expect(pool.totalCount).toBe(0);
  });

  it("fails a delivery within the query timeout when the database stops answering, and recovers after", async () => {
    const target = await server.createDatabase();
    const proxy = await pausableProxy(server.port);
    const store = await openStore({
      connectionString: withPort(target, proxy.port),
      connectTimeoutMs: 400,
      statementTimeoutMs: 300,
      queryTimeoutMs: 500,
    });
    expect(await store.applyWebhook({ webhookId: "msg_1", record: { snapshot: snapshotOf(1, 1) } })).toEqual({
      duplicate: false,
      applied: true,
      appliedJourneyIDs: ["jrn_c1"],
    });

    proxy.pause();
    // The pooled connection is open but nothing comes back: the client's query timeout fails it.
    const hung = await rejection(
      store.applyWebhook({ webhookId: "msg_2", record: { snapshot: snapshotOf(1, 2) } }),
    );
    expect(hung.error).toBeInstanceOf(StoreUnavailableError);
    expect(hung.error).toMatchObject({ code: "QUERY_TIMEOUT", retryable: true });
    expect(hung.ms).toBeGreaterThanOrEqual(450);
    expect(hung.ms).toBeLessThan(2_000);
    // That connection was discarded; a new one cannot open while paused: the connect timeout fails it.
    const connecting = await rejection(
      store.applyWebhook({ webhookId: "msg_2", record: { snapshot: snapshotOf(1, 2) } }),
    );
    expect(connecting.error).toMatchObject({ _tag: "StoreUnavailableError", code: "CONNECT_TIMEOUT" });
    expect(connecting.ms).toBeLessThan(2_000);

    proxy.resume();
    expect(await store.applyWebhook({ webhookId: "msg_2", record: { snapshot: snapshotOf(1, 2) } })).toEqual({
      duplicate: false,
      applied: true,
      appliedJourneyIDs: ["jrn_c1"],
    });
    expect((await store.get("jrn_c1"))?.asOf).toBe(2);
  });

  it("cancels a statement blocked past statementTimeoutMs; nothing is written and the webhook handler answers 503", async () => {
    const connectionString = await server.createDatabase();
    const store = await openStore({ connectionString, statementTimeoutMs: 300 });
    await store.applySnapshot({ snapshot: snapshotOf(1, 1) });
    const locker = new pg.Client({ connectionString });
    await locker.connect();
    cleanups.push(() => locker.end());
    await locker.query("BEGIN");
    await locker.query("SELECT 1 FROM credit_journey.journeys WHERE journey_id = 'jrn_c1' FOR UPDATE");

    const blocked = await rejection(
      store.applyWebhook({ webhookId: "msg_locked", record: { snapshot: snapshotOf(1, 2) } }),
    );
    expect(blocked.error).toMatchObject({
      _tag: "StoreUnavailableError",
      code: "QUERY_TIMEOUT",
      retryable: true,
    });
    expect(blocked.ms).toBeLessThan(2_000);

    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const now = Date.UTC(2026, 10, 26, 10, 0, 0);
    const handler = await createWebhookHandler({ secrets: secret, store, now: () => now });
    const body = JSON.stringify(
      webhookFixture({
        event_id: "evt_handler1",
        borrower: {
          journeys: [{ journeyID: "jrn_c1", status: "OFFERS_AVAILABLE", nextAction: "VIEW_OFFERS" }],
        },
      }),
    );
    const headers = await signWebhook({
      eventID: "evt_handler1",
      timestamp: new Date(now),
      body,
      secrets: secret,
    });
    const answer = await handler.handle(body, headers);
    expect(answer).toMatchObject({ status: 503, outcome: "storeFailed" });
    expect(answer.detail).toContain("StoreUnavailableError");

    await locker.query("ROLLBACK");
    expect(
      await store.applyWebhook({ webhookId: "msg_locked", record: { snapshot: snapshotOf(1, 2) } }),
    ).toEqual({
      duplicate: false,
      applied: true,
      appliedJourneyIDs: ["jrn_c1"],
    });
  });

  it("rejects within connectTimeoutMs when created against a port that accepts and never answers", async () => {
    const silent = await silentServer();
    const { error, ms } = await rejection(
      createPostgresJourneyStore({
        connectionString: `postgres://user:pw@127.0.0.1:${silent.port}/db`,
        connectTimeoutMs: 300,
      }),
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ _tag: "StoreUnavailableError", code: "CONNECT_TIMEOUT", retryable: true });
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(1_500);
    await sleep(20);
    expect(silent.sockets.size).toBe(0); // the attempt's socket was closed, not left behind
  });

  it("rejects at once with CONNECT_FAILED when nothing listens", async () => {
    const tcp = createServer();
    const port = await listen(tcp);
    await new Promise((resolve) => tcp.close(resolve));
    const { error, ms } = await rejection(
      createPostgresJourneyStore({ connectionString: `postgres://user:pw@127.0.0.1:${port}/db` }),
    );
    expect(error).toMatchObject({ _tag: "StoreUnavailableError", code: "CONNECT_FAILED", retryable: true });
    expect(ms).toBeLessThan(1_000);
  });

  it("checks its options when called, naming the field, before opening anything", async () => {
    const silent = await silentServer();
    const connectionString = `postgres://user:pw@127.0.0.1:${silent.port}/db`;
    const pool = {
      query: async () => ({ rows: [] }),
      connect: async () => ({}) as never,
      end: async () => {},
    };
    const cases: [unknown, string][] = [
      [{ connectionString, connectTimeoutMs: -1 }, "connectTimeoutMs"],
      [{ connectionString, connectTimeoutMs: "5000" }, "connectTimeoutMs"],
      [{ connectionString, connectTimeoutMs: 0 }, "connectTimeoutMs"],
      [{ connectionString, statementTimeoutMs: 1.5 }, "statementTimeoutMs"],
      [{ connectionString, statementTimeoutMs: Number.NaN }, "statementTimeoutMs"],
      [{ connectionString, idleInTransactionTimeoutMs: 2 ** 31 }, "idleInTransactionTimeoutMs"],
      [{ connectionString, queryTimeoutMs: null }, "queryTimeoutMs"],
      [{ connectionString, max: 0 }, "max"],
      [{ connectionString, max: "10" }, "max"],
      [{ connectionString, migrate: "yes" }, "migrate"],
      [{ connectionString, now: Date.now() }, "now"],
      [{ connectionString, onPoolError: true }, "onPoolError"],
      [{ connectionString: "" }, "connectionString"],
      [{}, "connectionString"],
      [undefined, "options"],
      [{ pool: {} }, "pool"],
      [{ pool, max: 3 }, "max"],
      [{ pool, connectionString }, "connectionString"],
    ];
    for (const [options, field] of cases) {
      const { error, ms } = await rejection(
        createPostgresJourneyStore(options as Parameters<typeof createPostgresJourneyStore>[0]),
      );
      expect(error, JSON.stringify(options)).toBeInstanceOf(StoreConfigError);
      expect(error).toMatchObject({ _tag: "StoreConfigError", field });
      expect((error as Error).message.startsWith(`${field}: `)).toBe(true);
      expect(ms).toBeLessThan(100);
    }
    expect(silent.sockets.size).toBe(0);
  });
});
