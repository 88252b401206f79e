/**
 * The wired worker (issue N, item 4): PGlite stays the single-process default; multi-worker mode needs the
 * PostgreSQL URL every worker shares, refuses to start without one, and says at start-up which mode it runs in
 * (naming the database, never its credentials). Two multi-mode workers on one PostgreSQL fan pushes out to each
 * other, and a part that fails to start leaves nothing open.
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/runtime/clock.js";
import {
  createJourneyWorker,
  type JourneyWorker,
  type JourneyWorkerOptions,
  ReconcilerConfigError,
  WebhookSecretError,
  WorkerConfigError,
} from "../../src/server/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";
import { runPostgres } from "../support/postgres.js";
import { stepDeliveries } from "./deliveries.js";
import { watchRelay } from "./relay-watcher.js";

const server = runPostgres();
const JOURNEY = "5f0c8f4e-2a57-4d7c-9e61-3b8f2a9d1c40";
const SECRET = "al_wh_worker_mode";
const T0 = Date.parse("2026-11-26T10:00:00Z");

const closing: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

/** A worker with these options over the shared defaults; its start-up lines go to `lines`. */
async function start(options: Partial<JourneyWorkerOptions>, lines: string[] = []): Promise<JourneyWorker> {
  const worker = await createJourneyWorker({
    webhooks: { secrets: SECRET, now: () => T0 },
    push: { authorize: () => true },
    log: (line) => lines.push(line),
    ...options,
  });
  closing.push(() => worker.close());
  return worker;
}

/** A signed delivery of the journey at one status, as the platform sends it. */
const delivery = stepDeliveries({ secret: SECRET, now: T0, journeyID: JOURNEY });

/** Connections to `connectionString`'s database other than the one asking. */
async function connectionsTo(connectionString: string): Promise<number> {
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    return rows[0].n as number;
  } finally {
    await admin.end();
  }
}

describe("the worker's modes", () => {
  it("runs single-process on PGlite by default, says so at start-up, and pushes to its own relay", async () => {
    const lines: string[] = [];
    const worker = await start({}, lines);
    expect(worker.mode).toBe("single");
    expect(lines).toEqual([worker.startup]);
    expect(worker.startup).toMatch(/single-process mode, journeys in PGlite \(in memory\)/);
    expect(worker.startup).toMatch(/mode "multi" and the postgres:\/\/ databaseUrl/);
    const onIt = await watchRelay(worker.relay, JOURNEY, closing);
    const d = delivery("evt_single_1", "KYC_PENDING", T0 - 60_000);
    expect(await worker.webhooks.handle(d.body, d.headers)).toMatchObject({ outcome: "applied" });
    expect((await worker.store.get(JOURNEY))?.snapshot.status).toBe("KYC_PENDING");
    await expect.poll(() => onIt, { timeout: 5_000 }).toEqual([T0 - 60_000]);
  });

  it("refuses multi-worker mode without a PostgreSQL URL, naming databaseUrl, and never says it started", async () => {
    const lines: string[] = [];
    const error = await start({ mode: "multi" }, lines).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerConfigError);
    expect((error as WorkerConfigError).field).toBe("databaseUrl");
    expect((error as Error).message).toMatch(
      /multi-worker mode: give the postgres:\/\/ URL every worker shares/,
    );
    expect(lines).toEqual([]);
  });

  it("checks every option when called, naming the field", async () => {
    const fetchState = async () => {
      throw new Error("not read");
    };
    for (const [options, field] of [
      [{ mode: "cluster" }, "mode"],
      [{ mode: "multi", databaseUrl: "mysql://db/journeys" }, "databaseUrl"],
      [{ mode: "multi", databaseUrl: "postgres://db/journeys", dataDir: "./data" }, "dataDir"],
      [{ webhooks: undefined }, "webhooks"],
      [{ push: null }, "push"],
      [{ reconcile: 5 }, "reconcile"],
      [{ log: "stdout" }, "log"],
      [{ onError: 1 }, "onError"],
      [{ mode: null }, "mode"],
      [{ dataDir: "" }, "dataDir"],
      [{ pool: { max: 2 } }, "pool"],
      // The pass settings too, before any database is opened (an unreachable one would answer first).
      [
        {
          mode: "multi",
          databaseUrl: "postgres://127.0.0.1:1/none",
          reconcile: { intervalMs: -1, fetchState },
        },
        "reconcile.intervalMs",
      ],
      [{ reconcile: { intervalMs: "60s", fetchState } }, "reconcile.intervalMs"],
      [{ reconcile: { intervalMs: 1_000, fetchState, onReport: "log" } }, "reconcile.onReport"],
      [{ reconcile: { intervalMs: 1_000 } }, "reconcile.fetchState"],
    ] as const) {
      const error = await start(options as never).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(WorkerConfigError);
      expect((error as WorkerConfigError).field).toBe(field);
    }
    expect(await createJourneyWorker(null as never).catch((e: unknown) => e)).toBeInstanceOf(
      WorkerConfigError,
    );
  });

  it("refuses a malformed reconciler option (concurrency) before any database is opened", async () => {
    const error = await start({
      mode: "multi",
      // Unreachable: were it opened first, its failure would be the answer.
      databaseUrl: "postgres://127.0.0.1:1/none",
      reconcile: {
        intervalMs: 1_000,
        fetchState: async () => Promise.reject(new Error("not read")),
        concurrency: 0,
      },
    } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconcilerConfigError);
    expect((error as ReconcilerConfigError).field).toBe("concurrency");
  });

  it("in multi-worker mode names the database but never its credentials, and fans pushes out to every worker", async () => {
    const connectionString = await server.createDatabase();
    const url = new URL(connectionString);
    const lines: string[] = [];
    const a = await start({ mode: "multi", databaseUrl: connectionString, pool: { max: 2 } }, lines);
    const b = await start({ mode: "multi", databaseUrl: connectionString, pool: { max: 2 } }, lines);
    expect([a.mode, b.mode]).toEqual(["multi", "multi"]);
    expect(a.startup).toBe(
      `credit-journey worker: multi-worker mode on PostgreSQL ${url.hostname}:${url.port}${url.pathname}: ` +
        "pushes fan out to every worker through LISTEN/NOTIFY, the reconciler leases journeys",
    );
    expect(lines).toEqual([a.startup, b.startup]);
    if (url.password) expect(lines.join("\n")).not.toContain(url.password);
    expect(lines.join("\n")).not.toContain(`${url.username}@`);
    const onB = await watchRelay(b.relay, JOURNEY, closing);
    await expect.poll(() => b.relay.watched()).toEqual([JOURNEY]);
    const d = delivery("evt_multi_1", "KYC_PENDING", T0 - 60_000);
    expect(await a.webhooks.handle(d.body, d.headers)).toMatchObject({ outcome: "applied" });
    await expect.poll(() => onB, { timeout: 5_000 }).toEqual([T0 - 60_000]);
  });

  it("a start-up that fails after the reconciler was made leaves no pass running", async () => {
    const clock = createManualClock();
    let reads = 0;
    const error = await createJourneyWorker({
      webhooks: { secrets: SECRET },
      push: { authorize: () => true },
      reconcile: {
        intervalMs: 10,
        clock,
        fetchState: async () => {
          reads++;
          return snapshotFixture();
        },
      },
      log: () => {
        throw new Error("the log is down");
      },
    }).catch((e: unknown) => e);
    expect(String(error)).toBe("Error: the log is down");
    clock.advance(1_000);
    expect(clock.pending()).toBe(0);
    expect(reads).toBe(0);
  });

  it("close waits for a reconcile pass in flight before closing the store", async () => {
    // A day ahead of the store's own clock: every journey it holds is stale to the reconciler.
    const clock = createManualClock(Date.now() + 86_400_000);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let fetching = 0;
    const reports: unknown[] = [];
    const worker = await start({
      reconcile: {
        intervalMs: 1_000,
        clock,
        staleAfterMs: 1_000,
        fetchState: async () => {
          fetching++;
          await gate;
          return snapshotFixture({ journeyID: JOURNEY, asOf: 1 });
        },
        onReport: (report) => void reports.push(report),
      },
    });
    await worker.store.applySnapshot({ snapshot: snapshotFixture({ journeyID: JOURNEY, asOf: 1 }) });
    clock.advance(1_000);
    await expect.poll(() => fetching).toBe(1);
    let closed = false;
    const closing = worker.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    release();
    await closing;
    // The pass finished against an open store, and told its report.
    expect(reports).toEqual([{ checked: 1, updated: 0, current: 1, failed: [] }]);
  });

  it("a part that fails to start closes what was opened before rejecting", async () => {
    const connectionString = await server.createDatabase();
    const before = await connectionsTo(connectionString);
    const error = await start({
      mode: "multi",
      databaseUrl: connectionString,
      webhooks: { secrets: "" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookSecretError);
    await expect.poll(() => connectionsTo(connectionString), { timeout: 5_000 }).toBe(before);
  });
});
