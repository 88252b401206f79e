/**
 * One partner-backend worker process for the multi-worker tests (`test/e2e/workers.test.ts`): node:http with the
 * kit's worker in multi-worker mode on the shared PostgreSQL (`DATABASE_URL`): the webhook handler, the push
 * relay and the change feed between them, and, with `RECONCILE_MS`, the reconciler polling the sandbox
 * (`PLATFORM_URL`, `API_KEY`) every that many ms. With `HANG_FETCH`, its polls never get an answer (a worker stuck
 * mid-pass, to be killed). Sends `{ port, startup }` over IPC once listening and `{ fetching }` for each poll it
 * starts; answers `"outcomes"` with each event id's outcomes here.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createPartnerClient } from "../../../src/client/index.js";
import type { JourneySnapshot } from "../../../src/contract/index.js";
import { createJourneyWorker, readRawBody, type WebhookOutcome } from "../../../src/server/index.js";

const env = process.env;
const partner = env.PLATFORM_URL
  ? createPartnerClient({ baseUrl: env.PLATFORM_URL, apiKey: env.API_KEY ?? "", serverSide: true })
  : undefined;
async function fetchState(journeyID: string): Promise<JourneySnapshot> {
  process.send?.({ fetching: journeyID });
  if (env.HANG_FETCH || !partner) return new Promise<never>(() => {});
  const state = await partner.getJourneyState(journeyID);
  if (state.kind !== "snapshot") throw new Error("a 304 without an ETag sent");
  return state.snapshot;
}
const worker = await createJourneyWorker({
  mode: "multi",
  databaseUrl: env.DATABASE_URL ?? "",
  pool: { max: 4 },
  webhooks: {
    secrets: env.WEBHOOK_SECRET ?? "",
    // The sandbox runs on a virtual clock, days ahead of this process's: its timestamps are not checked here.
    toleranceSec: 365 * 86_400,
    onError: () => {},
  },
  push: { authorize: () => true, heartbeatMs: 1_000 },
  ...(env.RECONCILE_MS
    ? {
        reconcile: {
          intervalMs: Number(env.RECONCILE_MS),
          fetchState,
          staleAfterMs: 60 * 60_000,
          leaseMs: Number(env.LEASE_MS ?? 1_000),
          batchSize: Number(env.BATCH ?? 100),
        },
      }
    : {}),
  onError: () => {},
  log: () => {},
});
const outcomes: Record<string, WebhookOutcome[]> = {};
const server = createServer(async (req, res) => {
  const push = req.url?.match(/^\/push\/([^/]+)$/);
  if (req.method === "GET" && push?.[1]) return worker.relay.handleNode(req, res, push[1]);
  if (req.method !== "POST") return void res.writeHead(404).end();
  const result = await worker.webhooks.handle(await readRawBody(req), req.headers as Record<string, string>);
  if (result.eventID) outcomes[result.eventID] = [...(outcomes[result.eventID] ?? []), result.outcome];
  res.writeHead(result.status, { "content-type": "application/json" }).end(JSON.stringify(result));
});
server.listen(0, "127.0.0.1", () =>
  process.send?.({ port: (server.address() as AddressInfo).port, startup: worker.startup }),
);
process.on("message", (message) => {
  if (message === "outcomes") process.send?.({ outcomes });
  if (message === "stop") {
    worker.relay.close();
    server.closeAllConnections();
    server.close(() => void worker.close().then(() => process.exit(0)));
  }
});
