/**
 * One partner-backend worker process for the multi-worker test (`test/e2e/workers.test.ts`): node:http with the
 * kit on the shared PostgreSQL (`DATABASE_URL`): the webhook handler, the push relay and the change feed between
 * them. Sends `{ port }` over IPC once listening; answers `"outcomes"` with each event id's outcomes here.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createPostgresChangeFeed,
  createPostgresJourneyStore,
  createPushRelay,
  createWebhookHandler,
  readRawBody,
  type WebhookOutcome,
} from "../../../src/server/index.js";

const connectionString = process.env.DATABASE_URL ?? "";
const store = await createPostgresJourneyStore({ connectionString, max: 4 });
const relay = createPushRelay({
  authorize: () => true,
  latest: async (journeyID) => (await store.get(journeyID))?.snapshot,
  heartbeatMs: 1_000,
});
const feed = await createPostgresChangeFeed({
  connectionString,
  store,
  onChange: relay.publish,
  watched: relay.watched,
  reconnectMs: 100,
});
const outcomes: Record<string, WebhookOutcome[]> = {};
const handler = await createWebhookHandler({
  secrets: process.env.WEBHOOK_SECRET ?? "",
  store,
  // The sandbox runs on a virtual clock, days ahead of this process's: its timestamps are not checked here.
  toleranceSec: 365 * 86_400,
  onSnapshot: (snapshot) => feed.notify(snapshot),
  onError: () => {},
});
const server = createServer(async (req, res) => {
  const push = req.url?.match(/^\/push\/([^/]+)$/);
  if (req.method === "GET" && push?.[1]) return relay.handleNode(req, res, push[1]);
  if (req.method !== "POST") return void res.writeHead(404).end();
  const result = await handler.handle(await readRawBody(req), req.headers as Record<string, string>);
  if (result.eventID) outcomes[result.eventID] = [...(outcomes[result.eventID] ?? []), result.outcome];
  res.writeHead(result.status, { "content-type": "application/json" }).end(JSON.stringify(result));
});
server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on("message", (message) => {
  if (message === "outcomes") process.send?.({ outcomes });
  if (message === "stop") {
    relay.close();
    server.closeAllConnections();
    server.close(() => void Promise.all([feed.close(), store.close()]).then(() => process.exit(0)));
  }
});
