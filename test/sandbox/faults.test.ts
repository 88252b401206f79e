import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  type CallOptions,
  openSession,
  type Reply,
  type Sandbox,
  startManual,
  TestClient,
  toDisbursed,
} from "./helpers.js";
import { startReceiver } from "./receiver.js";

let sandbox: Sandbox | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sandbox?.close();
  await receiver?.close();
  sandbox = undefined;
  receiver = undefined;
});

/** A client that retries lost responses and 5xx with the same Idempotency-Key and body. */
class RetryingClient extends TestClient {
  readonly succeededKeys: string[] = [];
  retries = 0;

  override async call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const key = method === "GET" ? options.key : (options.key ?? randomUUID());
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        const reply = await super.call(method, path, { ...options, key });
        if (reply.status >= 500) {
          this.retries++;
          continue;
        }
        if (method !== "GET" && reply.status < 300 && key) this.succeededKeys.push(key);
        return reply;
      } catch {
        this.retries++;
      }
    }
    throw new Error(`${method} ${path}: still failing after 30 attempts`);
  }
}

describe("under faults", () => {
  it("applies each logical mutation exactly once despite lost responses and 5xx", async () => {
    receiver = await startReceiver();
    sandbox = await startManual({
      seed: 7,
      webhooks: [{ url: receiver.url }],
      faults: {
        lostResponseRate: 0.2,
        errorRate: 0.1,
        webhooks: { duplicateRate: 0.3, reorderWindowMs: 400 },
      },
    });
    const client = new RetryingClient(sandbox);
    const journeys: string[] = [];
    for (const borrowerExternalID of ["fault-a", "fault-b", "sbx-kyc-retry-fault"]) {
      const { token, journeyID } = await openSession(client, borrowerExternalID);
      journeys.push(journeyID);
      expect((await toDisbursed(client, token, journeyID)).status).toBe("DISBURSED");
    }
    for (let i = 0; i < 5; i++) {
      sandbox.clock.advance(1000);
      await sandbox.control.settle();
    }

    const requests = sandbox.control.requests();
    expect(requests.some((r) => r.fault === "lost")).toBe(true);
    expect(requests.some((r) => r.fault === "error")).toBe(true);
    expect(requests.some((r) => r.replayed)).toBe(true);
    expect(client.retries).toBeGreaterThan(0);

    // The server's own log: every logical mutation once, and exactly the ones the client saw succeed.
    const mutations = sandbox.control.mutations();
    const byKey = new Map<string, number>();
    for (const m of mutations)
      byKey.set(
        `${m.principal} ${m.idempotencyKey}`,
        (byKey.get(`${m.principal} ${m.idempotencyKey}`) ?? 0) + 1,
      );
    expect([...byKey.values()].every((n) => n === 1)).toBe(true);
    expect(mutations.map((m) => m.idempotencyKey).sort()).toEqual([...client.succeededKeys].sort());
    expect(client.violations).toEqual([]);

    // Webhooks: duplicated and reordered, yet a receiver deduplicating by id and keeping the latest
    // event (`createdAt`, the order key) converges on each journey's final snapshot.
    const ids = receiver.received.map((r) => String(r.headers["webhook-id"]));
    expect(new Set(ids).size).toBeLessThan(ids.length);
    const bodies = receiver.received.map((r) => JSON.parse(r.raw));
    const arrival = bodies.map((b) => Date.parse(b.createdAt) as number);
    const inversions = arrival.filter(
      (v, i) =>
        i > 0 && bodies[i].data.journeyID === bodies[i - 1].data.journeyID && v < (arrival[i - 1] as number),
    );
    expect(inversions.length).toBeGreaterThan(0);
    const held = new Map<string, { asOf: number; updatedAt: string; status: string }>();
    const seen = new Set<string>();
    for (const body of bodies) {
      if (seen.has(body.id)) continue;
      seen.add(body.id);
      const current = held.get(body.data.journeyID);
      const asOf = Date.parse(body.createdAt);
      if (!current || asOf > current.asOf) held.set(body.data.journeyID, { ...body.data, asOf });
    }
    for (const journeyID of journeys) {
      const server = sandbox.control.journey(journeyID).journey;
      expect(held.get(journeyID)).toMatchObject({ updatedAt: server.updatedAt, status: "DISBURSED" });
    }
  });
});
