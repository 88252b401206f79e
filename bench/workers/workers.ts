/**
 * Benchmark 7: webhook ingest on PostgreSQL with 1, 2 and 4 worker processes (node:cluster, one shared port),
 * each figure beside the single worker's of the same run. Signed `journey.snapshot` deliveries over loopback HTTP
 * (autocannon), as benchmark 2, into `createPostgresJourneyStore` on the embedded PostgreSQL (or `DATABASE_URL`).
 * On a 2-core machine the load generator, PostgreSQL and the workers share the cores: the scaling is reported as
 * measured.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createInterface } from "node:readline";
import pg from "pg";
import { createPostgresJourneyStore } from "../../src/server/index.js";
import { signDeliveries } from "../ingest/deliveries.js";
import { runBenchmark, secondsSince } from "../lib/child.js";
import { type BenchReport, type Figure, figure } from "../lib/figure.js";
import { CONNECTIONS, loadDeliveries } from "../lib/load-deliveries.js";

const WORKER_COUNTS = [1, 2, 4] as const;
const WARMUP_SEC = 1;
const DURATION_SEC = 5;
const JOURNEYS = 2_000;

/** The PostgreSQL to use: `DATABASE_URL`, else the embedded one the tests use, started for this run. */
async function postgres(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const script = new URL("../../test/support/embedded-postgres.mjs", import.meta.url).pathname;
  const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
  const [line] = await once(createInterface({ input: child.stdout }), "line");
  const { url } = JSON.parse(String(line)) as { url: string };
  return {
    url,
    async stop() {
      child.stdin.end();
      await once(child, "exit");
    },
  };
}

/** A fresh database on the server, migrated; its connection string. */
async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await (await createPostgresJourneyStore({ connectionString: url.toString() })).close();
  return url.toString();
}

async function serve(workers: number, connectionString: string, secret: string) {
  const child: ChildProcess = fork(new URL("./cluster.ts", import.meta.url).pathname, [String(workers)], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_DATABASE_URL: connectionString, BENCH_WEBHOOK_SECRET: secret },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`the cluster exited with ${code}`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send("stop");
      }),
  };
}

async function main(): Promise<BenchReport> {
  const started = performance.now();
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  const pool = await signDeliveries(JOURNEYS, secret);
  const server = await postgres();
  const runs: { workers: number; rps: number; non2xx: number; sent: number; stored: number }[] = [];
  try {
    for (const workers of WORKER_COUNTS) {
      const connectionString = await freshDatabase(server.url, `bench7_${workers}_${Date.now()}`);
      const cluster = await serve(workers, connectionString, secret);
      try {
        const cursor = { next: 0 };
        await loadDeliveries(cluster.port, pool, cursor, WARMUP_SEC);
        const result = await loadDeliveries(cluster.port, pool, cursor, DURATION_SEC);
        const check = new pg.Client({ connectionString });
        await check.connect();
        const { rows } = await check.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM credit_journey.webhook_deliveries",
        );
        await check.end();
        runs.push({
          workers,
          rps: result.requests.average,
          non2xx: result.non2xx + result.errors + result.timeouts,
          sent: cursor.next,
          stored: rows[0]?.n ?? 0,
        });
      } finally {
        await cluster.stop();
      }
    }
  } finally {
    await server.stop();
  }
  const single = runs[0]!;
  const figures: Figure[] = runs.map((run) =>
    figure({
      bench: 7,
      name: `webhook ingest on PostgreSQL, ${run.workers} worker${run.workers === 1 ? "" : "s"}, req/s`,
      value: run.rps,
      unit: "req/s",
      ...(run.workers === 1
        ? {}
        : { baseline: { name: "1 worker, same run", value: single.rps, unit: "req/s" } }),
      note: `${run.sent} deliveries sent, ${run.stored} event ids recorded`,
    }),
  );
  return {
    bench: 7,
    title: "Webhook ingest on PostgreSQL with 1, 2 and 4 workers",
    seconds: secondsSince(started),
    checks: runs.flatMap((run) => [
      {
        name: `${run.workers} worker(s): every delivery answered 2xx`,
        ok: run.non2xx === 0,
        detail: `${run.non2xx} non-2xx/errors/timeouts`,
      },
      {
        // Requests still in flight when the load stops may be cut off: at most one per connection is missing.
        name: `${run.workers} worker(s): every delivery's event id recorded, once (the pool did not wrap)`,
        ok: run.sent <= pool.length && run.stored <= run.sent && run.stored >= run.sent - CONNECTIONS,
        detail: `${run.stored} recorded of ${run.sent} sent (pool ${pool.length}, ${CONNECTIONS} connections)`,
      },
    ]),
    figures,
    details: { warmupSeconds: WARMUP_SEC, durationSeconds: DURATION_SEC, journeys: JOURNEYS, runs },
  };
}

runBenchmark(main);
