import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
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

    // Webhooks: duplicated and reordered, yet a receiver deduplicating by event_id and keeping the latest
    // state (`snapshot_generated_at`, the order key) converges on each journey's final snapshot.
    const ids = receiver.received.map((r) => String(r.headers["x-al-event-id"]));
    expect(new Set(ids).size).toBeLessThan(ids.length);
    // A duplicate is the same event: the same id always carries the same bytes.
    const rawById = new Map<string, string>();
    for (const [i, r] of receiver.received.entries()) {
      const id = ids[i] as string;
      expect(rawById.get(id) ?? r.raw).toBe(r.raw);
      rawById.set(id, r.raw);
    }
    const bodies = receiver.received.map((r) => JSON.parse(r.raw));
    expect(bodies.every((b, i) => b.event_id === ids[i])).toBe(true);
    const journeyOf = (b: { borrower: { journeys: { journeyID: string }[] } }) =>
      b.borrower.journeys[0]?.journeyID;
    const arrival = bodies.map((b) => Date.parse(b.snapshot_generated_at) as number);
    const inversions = arrival.filter(
      (v, i) => i > 0 && journeyOf(bodies[i]) === journeyOf(bodies[i - 1]) && v < (arrival[i - 1] as number),
    );
    expect(inversions.length).toBeGreaterThan(0);
    // `sequence` is inverted the same way (it is the stamp's epoch ms).
    expect(bodies.every((b, i) => b.sequence === arrival[i])).toBe(true);
    const held = new Map<string, { asOf: number; eventID: string; status: string; nextAction: unknown }>();
    const seen = new Set<string>();
    for (const body of bodies) {
      if (seen.has(body.event_id)) continue;
      seen.add(body.event_id);
      const journey = body.borrower.journeys[0];
      const current = held.get(journey.journeyID);
      const asOf = Date.parse(body.snapshot_generated_at);
      if (!current || asOf > current.asOf)
        held.set(journey.journeyID, { ...journey, eventID: body.event_id, asOf });
    }
    const emitted = sandbox.control.webhookDeliveries().map((d) => d.body);
    for (const journeyID of journeys) {
      const server = sandbox.control.journey(journeyID).journey;
      const last = emitted.filter((b) => b.borrower.journeys[0].journeyID === journeyID).at(-1);
      expect(held.get(journeyID)).toMatchObject({
        eventID: last?.event_id,
        status: "DISBURSED",
        nextAction: server.nextAction,
      });
    }
  });
});

describe("fault settings", () => {
  it("refuses a bad setting when the sandbox starts and when it is changed, naming the field; the old settings stay", async () => {
    await expect(startSandbox({ faults: { errorRate: 2 } })).rejects.toThrow(/faults\.errorRate/);
    await expect(
      startSandbox({ faults: { routes: { proceedOffer: { lostResponseRate: -1 } } } }),
    ).rejects.toThrow(/faults\.routes\.proceedOffer\.lostResponseRate/);
    await expect(startSandbox({ faults: { webhooks: { duplicateRate: Number.NaN } } })).rejects.toThrow(
      /faults\.webhooks\.duplicateRate/,
    );
    await expect(startSandbox({ faults: { latencyMs: [50, 10] } })).rejects.toThrow(/faults\.latencyMs/);
    // A misspelt route or setting would be kept and never fire: refused, naming it.
    await expect(
      startSandbox({ faults: { routes: { proceedOfer: { errorRate: 1 } } } as never }),
    ).rejects.toThrow(/faults\.routes\.proceedOfer/);
    await expect(startSandbox({ faults: { errorRte: 1 } as never })).rejects.toThrow(/faults\.errorRte/);
    await expect(
      startSandbox({ faults: { routes: { proceedOffer: { errorRte: 1 } } } as never }),
    ).rejects.toThrow(/faults\.routes\.proceedOffer\.errorRte/);
    await expect(startSandbox({ faults: { webhooks: { dupRate: 1 } } as never })).rejects.toThrow(
      /faults\.webhooks\.dupRate/,
    );
    // Past a timer's most (2^31 - 1 ms) node fires at once: such a "hang" is refused, not answered in 1 ms.
    await expect(startSandbox({ faults: { latencyMs: 2 ** 31 } })).rejects.toThrow(/faults\.latencyMs/);
    await expect(startSandbox({ faults: { webhooks: { delayMs: 1e12 } } })).rejects.toThrow(
      /faults\.webhooks\.delayMs/,
    );
    const sandbox = await startSandbox({ clock: "manual", faults: { errorRate: 0.1 } });
    try {
      expect(() => sandbox.control.setFaults({ errorRate: 1.5 })).toThrow(/faults\.errorRate/);
      expect(sandbox.control.faults()).toEqual({ errorRate: 0.1 });
      const answer = await fetch(`${sandbox.url}/_sandbox/faults`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: '{"errorRate":7}',
      });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { error: { fields: { path: string }[] } }).error.fields[0]?.path).toBe(
        "errorRate",
      );
    } finally {
      await sandbox.close();
    }
  });
});
