/**
 * Four partner-backend worker processes on one PostgreSQL (issue N): the sandbox's webhooks go round-robin across
 * them through a balancer, duplicated and reordered; borrowers watch over SSE through every worker. Every watcher
 * hears every journey's final state (fan-out through LISTEN/NOTIFY, p95 within 250 ms), every stored journey ends
 * at the sandbox's final state, and each event id is applied once across the workers.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createJourney } from "../../src/runtime/index.js";
import { createPostgresJourneyStore, type WebhookOutcome } from "../../src/server/index.js";
import { runPostgres } from "../support/postgres.js";
import { type Harness, startHarness } from "./support/harness.js";
import { playBorrower } from "./support/script.js";

const postgres = runPostgres();
const WORKERS = 4;
const children: ChildProcess[] = [];
let balancer: Server | undefined;
const harnesses: Harness[] = [];
const aborts: AbortController[] = [];
afterAll(async () => {
  for (const a of aborts) a.abort();
  balancer?.closeAllConnections();
  balancer?.close();
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.send("stop");
          setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
        }),
    ),
  );
  for (const h of harnesses) await h.close();
});

/** A worker process (`support/worker.ts`) with `env`; resolves once it listens, with what it said at start-up. */
async function startWorker(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; startup: string }> {
  const child = fork(new URL("./support/worker.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  const started = await new Promise<{ port: number; startup: string }>((resolve, reject) => {
    const listening = (m: unknown) => {
      if (typeof (m as { port?: unknown }).port !== "number") return;
      child.off("message", listening);
      resolve(m as { port: number; startup: string });
    };
    child.on("message", listening);
    child.once("exit", (code) => reject(new Error(`a worker exited with ${code}`)));
  });
  return { child, ...started };
}

function outcomesOf(child: ChildProcess): Promise<Record<string, WebhookOutcome[]>> {
  return new Promise((resolve) => {
    const answered = (m: unknown) => {
      const { outcomes } = m as { outcomes?: Record<string, WebhookOutcome[]> };
      if (!outcomes) return;
      child.off("message", answered);
      resolve(outcomes);
    };
    child.on("message", answered);
    child.send("outcomes");
  });
}

/** A watcher over SSE on a worker: each snapshot it received (asOf, status), with the real time it arrived. */
function watch(port: number, journeyID: string) {
  const abort = new AbortController();
  aborts.push(abort);
  const received: { asOf: number; status: string; at: number }[] = [];
  void (async () => {
    const response = await fetch(`http://127.0.0.1:${port}/push/${journeyID}`, { signal: abort.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
      for (let end = text.indexOf("\n\n"); end >= 0; end = text.indexOf("\n\n")) {
        const frame = text.slice(0, end);
        text = text.slice(end + 2);
        const data = frame.match(/^event: snapshot\ndata: (.*)$/m)?.[1] ?? frame.match(/^data: (.*)$/m)?.[1];
        if (!frame.includes("event: snapshot") || data === undefined) continue;
        const snapshot = JSON.parse(data) as { asOf: number; status: string };
        received.push({ asOf: snapshot.asOf, status: snapshot.status, at: performance.now() });
      }
    }
  })().catch(() => {});
  return received;
}

it("4 workers on one PostgreSQL: every watcher hears every final state (p95 ≤ 250 ms), stored states end at the sandbox's, each event id applied once", async () => {
  const connectionString = await postgres.createDatabase();
  // The schema once, before the workers race to migrate it (they would queue on the advisory lock anyway).
  await (await createPostgresJourneyStore({ connectionString })).close();
  const h = await startHarness({ faults: { webhooks: { duplicateRate: 0.3, reorderWindowMs: 3_000 } } });
  harnesses.push(h);
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      startWorker({ DATABASE_URL: connectionString, WEBHOOK_SECRET: h.sandbox.webhookSecret }),
    ),
  );
  // Each said at start-up that it runs in multi-worker mode, on this database.
  for (const w of workers) expect(w.startup).toContain(`multi-worker mode on PostgreSQL 127.0.0.1:`);
  // The balancer: each delivery to the next worker; it notes when a worker answered that it stored a journey.
  let next = 0;
  const storedAt: { journeyID: string; asOf: number; at: number }[] = [];
  balancer = createServer((req, res) => {
    const port = workers[next++ % WORKERS]!.port;
    const upstream = request(
      { host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          const result = JSON.parse(body.toString() || "{}") as {
            journeys?: { journeyID: string; asOf: number; applied: boolean }[];
          };
          for (const j of result.journeys ?? [])
            if (j.applied) storedAt.push({ journeyID: j.journeyID, asOf: j.asOf, at: performance.now() });
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(body);
        });
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => balancer?.listen(0, "127.0.0.1", resolve));
  h.sandbox.control.addWebhookEndpoint(`http://127.0.0.1:${(balancer.address() as AddressInfo).port}/hooks`);

  const journeyIDs: string[] = [];
  const watchers = new Map<string, ReturnType<typeof watch>[]>();
  for (const borrowerExternalID of ["sbx-happy-mw1", "sbx-rejected-mw2", "sbx-closure-mw3"]) {
    const borrower = await h.borrower(borrowerExternalID);
    journeyIDs.push(borrower.journeyID);
    // Watched through every worker: whichever worker a webhook hits, the others' watchers must hear it.
    watchers.set(
      borrower.journeyID,
      workers.map((w) => watch(w.port, borrower.journeyID)),
    );
    const runtime = createJourney({
      client: borrower.client,
      journeyID: borrower.journeyID,
      initial: borrower.snapshot,
      clock: h.clock,
    });
    runtime.start();
    await playBorrower(h, runtime, borrower.journeyID);
    runtime.stop();
  }
  const until = h.clock.now() + 10 * 60_000;
  await h.drive(() => h.clock.now() >= until, { stepMs: 5_000 });

  const store = await createPostgresJourneyStore({ connectionString, migrate: false });
  try {
    for (const journeyID of journeyIDs) {
      const platform = h.sandbox.control.journey(journeyID).journey;
      await expect
        .poll(async () => (await store.get(journeyID))?.snapshot.status, { timeout: 20_000 })
        .toBe(platform.status);
      const final = (await store.get(journeyID))!.snapshot;
      // Every watcher, on every worker, heard the final state.
      for (const received of watchers.get(journeyID)!)
        await expect
          .poll(() => received.some((r) => r.asOf === final.asOf && r.status === platform.status), {
            timeout: 10_000,
          })
          .toBe(true);
    }
  } finally {
    await store.close();
  }
  // Fan-out latency: from a worker answering that it stored a state to each watcher hearing it.
  const latencies: number[] = [];
  for (const stored of storedAt)
    for (const received of watchers.get(stored.journeyID) ?? []) {
      const heard = received.find((r) => r.asOf === stored.asOf);
      if (heard) latencies.push(Math.max(0, heard.at - stored.at));
    }
  latencies.sort((a, b) => a - b);
  expect(latencies.length).toBeGreaterThan(journeyIDs.length * WORKERS);
  const p95 = latencies[Math.floor(latencies.length * 0.95)]!;
  expect(p95).toBeLessThanOrEqual(250);
  // Each event id applied (or found stale) once across all workers; its other deliveries were duplicates.
  const outcomes: Record<string, WebhookOutcome[]> = {};
  for (const w of workers)
    for (const [id, list] of Object.entries(await outcomesOf(w.child)))
      outcomes[id] = [...(outcomes[id] ?? []), ...list];
  const sent = new Set(h.sandbox.control.webhookDeliveries().map((d) => d.body.event_id));
  expect(Object.keys(outcomes).sort()).toEqual([...sent].sort());
  for (const [id, list] of Object.entries(outcomes)) {
    const first = list.filter((o) => o === "applied" || o === "stale");
    expect({ id, first: first.length }).toEqual({ id, first: 1 });
    expect(list.filter((o) => o !== "applied" && o !== "stale").every((o) => o === "duplicate")).toBe(true);
  }
  // The duplicates really went to other workers: some event id was handled by more than one.
  expect(Object.values(outcomes).some((list) => list.length > 1)).toBe(true);
}, 120_000);

it("the reconciler on 4 workers: each stale journey polled once per interval (the sandbox's request log), a killed worker's leases move on", async () => {
  const connectionString = await postgres.createDatabase();
  const h = await startHarness();
  harnesses.push(h);
  // 20 journeys the partner backend stored at session start, then left: nothing but the reconciler reads them.
  const store = await createPostgresJourneyStore({ connectionString, max: 2 });
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  const journeyIDs: string[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const borrower = await h.borrower(`sbx-happy-rc${i}`);
      journeyIDs.push(borrower.journeyID);
      await store.applySnapshot({ snapshot: borrower.snapshot });
    }
    // Stale: last updated two hours ago (the workers count a journey stale after an hour).
    const makeStale = () =>
      admin.query("UPDATE credit_journey.journeys SET updated_at = now() - interval '2 hours'");
    /** Each journey's getJourneyState calls in the sandbox's request log, from the API key (`Bearer sk_…` as logged), since `since`. */
    const readsAt = (since = 0) =>
      journeyIDs.map(
        (id) =>
          h.sandbox.control
            .requests()
            .slice(since)
            .filter(
              (r) =>
                r.endpoint === "getJourneyState" &&
                r.path.includes(id) &&
                /^Bearer sk_/.test(r.headers.authorization ?? ""),
            ).length,
      );
    const before = h.sandbox.control.requests().length;
    const polls = () => readsAt(before);
    await makeStale();
    const env = {
      DATABASE_URL: connectionString,
      WEBHOOK_SECRET: h.sandbox.webhookSecret,
      PLATFORM_URL: h.sandbox.url,
      API_KEY: h.sandbox.apiKey,
      RECONCILE_MS: "50",
      // Long beside a poll (a few ms), so no lease runs out while its worker is still at it, even on a loaded machine.
      LEASE_MS: "5000",
      BATCH: "5",
    };
    // A worker that leases five journeys and never gets its answers: stuck mid-pass.
    const stuck = await startWorker({ ...env, HANG_FETCH: "1" });
    const heldByStuck: string[] = [];
    stuck.child.on("message", (m) => {
      const { fetching } = m as { fetching?: string };
      if (fetching) heldByStuck.push(fetching);
    });
    await expect.poll(() => heldByStuck.length, { timeout: 10_000 }).toBe(4); // concurrency 4 of its batch of 5
    const fetchedBy = [0, 0, 0];
    const healthy = await Promise.all([0, 1, 2].map(() => startWorker(env)));
    for (const [i, w] of healthy.entries())
      w.child.on("message", (m) => {
        if ((m as { fetching?: string }).fetching) fetchedBy[i]!++;
      });
    // Killed while it holds its leases: they run out, and the other workers take its journeys.
    stuck.child.kill("SIGKILL");
    await expect.poll(() => polls().every((n) => n >= 1), { timeout: 20_000 }).toBe(true);
    // 40 more passes on each worker: nobody polls a journey again within the interval.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(polls()).toEqual(journeyIDs.map(() => 1));
    // The stuck worker's journeys were among them, polled by the others.
    expect(heldByStuck.every((id) => journeyIDs.includes(id))).toBe(true);
    // The next interval: all stale again, each polled once more, shared among the workers.
    await makeStale();
    await expect.poll(() => polls().every((n) => n >= 2), { timeout: 20_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(polls()).toEqual(journeyIDs.map(() => 2));
    // Every poll of both intervals came from the three live workers, and more than one of them did some.
    expect(fetchedBy.reduce((a, b) => a + b, 0)).toBe(40);
    expect(fetchedBy.filter((n) => n > 0).length).toBeGreaterThan(1);
  } finally {
    await admin.end();
    await store.close();
  }
}, 120_000);
