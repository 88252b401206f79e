/**
 * The server side of benchmark 7, run as a child process: a node:cluster primary forking `argv[2]` workers that
 * share one port (the primary hands connections out round-robin), each the webhook handler over a PostgreSQL
 * store on `BENCH_DATABASE_URL`. The primary sends `{ port }` over IPC once every worker listens, and on
 * `"stop"` ends them.
 */
import cluster from "node:cluster";
import { createServer } from "node:http";
import { createPostgresJourneyStore, createWebhookHandler } from "../../src/server/index.js";

const connectionString = process.env.BENCH_DATABASE_URL ?? "";
const secret = process.env.BENCH_WEBHOOK_SECRET ?? "";

if (cluster.isPrimary) {
  const workers = Number(process.argv[2] ?? 1);
  cluster.schedulingPolicy = cluster.SCHED_RR;
  let listening = 0;
  let port = 0;
  cluster.on("listening", (_worker, address) => {
    port = address.port;
    if (++listening === workers) process.send?.({ port });
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on("message", (message) => {
    if (message !== "stop") return;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  });
} else {
  const store = await createPostgresJourneyStore({ connectionString, max: 8, migrate: false });
  const handler = await createWebhookHandler({ secrets: secret, store, onError: () => {} });
  const server = createServer((req, res) => void handler.node(req, res));
  server.keepAliveTimeout = 30_000;
  // Port 0 in a cluster worker: the primary picks one port and shares it among the workers.
  server.listen(0, "127.0.0.1");
}
