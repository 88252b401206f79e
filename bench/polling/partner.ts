import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JourneySnapshot } from "../../src/contract/index.js";
import { createMemoryJourneyStore, createPushRelay, createWebhookHandler } from "../../src/server/index.js";

/** A partner backend for the benchmarks: `POST /webhooks` into the server kit, `GET /push/{journeyID}` as SSE. */
export interface BenchPartner {
  readonly url: string;
  /** The newest asOf relayed per journey. */
  readonly published: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Starts the partner backend on loopback: verified webhooks (checked against `now`, the sandbox clock) into a
 * memory store, each applied snapshot published to an SSE push relay.
 * @throws {WebhookSecretError} (rejects) for a malformed secret.
 */
export async function startPartner(secret: string, now: () => number): Promise<BenchPartner> {
  const relay = createPushRelay({ authorize: () => true, heartbeatMs: 3_600_000 });
  const published = new Map<string, number>();
  const handler = await createWebhookHandler({
    secrets: secret,
    store: createMemoryJourneyStore(),
    now,
    onSnapshot: (snapshot: JourneySnapshot) => {
      relay.publish(snapshot);
      published.set(snapshot.journeyID, Math.max(published.get(snapshot.journeyID) ?? 0, snapshot.asOf));
    },
  });
  const server: Server = createServer((req, res) => {
    const url = req.url ?? "";
    if (req.method === "POST" && url === "/webhooks") return void handler.node(req, res);
    const push = /^\/push\/([^/?]+)$/.exec(url);
    if (req.method === "GET" && push) return void relay.handleNode(req, res, push[1]!);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    published,
    async close() {
      relay.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
