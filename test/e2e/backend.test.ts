import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type PartnerBackend, startPartnerBackend } from "../../src/demo/partner-backend.js";
import { CSRF_HEADER, CSRF_HEADER_VALUE, DEMO_PASSWORD } from "../../src/demo/sign-in.js";
import { createJourney, type JourneyRuntime, snapshotStream } from "../../src/runtime/index.js";
import {
  createPGliteJourneyStore,
  createPostgresJourneyStore,
  createWebhookHandler,
  type JourneyStore,
} from "../../src/server/index.js";
import { runPostgres } from "../support/postgres.js";
import { type Harness, startHarness } from "./support/harness.js";
import { playBorrower } from "./support/script.js";
import { statePolls } from "./support/wire.js";

let harness: Harness | undefined;
let server: Server | undefined;
let backend: PartnerBackend | undefined;
const runtimes: JourneyRuntime[] = [];
const closeStores: (() => Promise<void>)[] = [];
const aborts: AbortController[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) r.stop();
  for (const a of aborts.splice(0)) a.abort();
  await backend?.close();
  backend = undefined;
  server?.closeAllConnections();
  server?.close();
  await harness?.close();
  harness = undefined;
  for (const close of closeStores.splice(0)) await close();
});

/** A store whose atomic webhook write fails one time in ten (seeded), and which counts first-time applies per id. */
function flakyStore(
  inner: JourneyStore,
  firstApplies: Map<string, number>,
): JourneyStore & { failures(): number } {
  let seed = 42;
  let failures = 0;
  return {
    ...inner,
    async applyWebhook(delivery) {
      seed = (seed * 16807) % 2147483647;
      if (seed / 2147483647 < 0.1) {
        failures++;
        throw new Error("store unavailable");
      }
      const result = await inner.applyWebhook(delivery);
      if (!result.duplicate)
        firstApplies.set(delivery.webhookId, (firstApplies.get(delivery.webhookId) ?? 0) + 1);
      return result;
    },
    failures: () => failures,
  };
}

const postgres = runPostgres();
const STORES: readonly (readonly [string, () => Promise<JourneyStore>])[] = [
  ["PGlite", () => createPGliteJourneyStore()],
  [
    "PostgreSQL",
    async () => createPostgresJourneyStore({ connectionString: await postgres.createDatabase() }),
  ],
];

describe("the partner-backend kit end to end against the sandbox", () => {
  it.each(STORES)(
    "stores every journey's final state on %s through duplicated, reordered webhooks and 10% store failures, applying each event_id once",
    async (_name, open) => {
      harness = await startHarness({ faults: { webhooks: { duplicateRate: 0.3, reorderWindowMs: 3_000 } } });
      const h = harness;
      const firstApplies = new Map<string, number>();
      const durable = await open();
      closeStores.push(() => durable.close());
      const store = flakyStore(durable, firstApplies);
      const handler = await createWebhookHandler({
        secrets: h.sandbox.webhookSecret,
        store,
        now: () => h.clock.now(),
      });
      server = createServer((req, res) => void handler.node(req, res));
      await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
      h.sandbox.control.addWebhookEndpoint(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
      );

      const journeyIDs: string[] = [];
      for (const borrowerExternalID of [
        "sbx-happy-w1",
        "sbx-rejected-w2",
        "sbx-no-aa-w3",
        "sbx-closure-w4",
      ]) {
        const borrower = await h.borrower(borrowerExternalID);
        journeyIDs.push(borrower.journeyID);
        const runtime = createJourney({
          client: borrower.client,
          journeyID: borrower.journeyID,
          initial: borrower.snapshot,
          clock: h.clock,
        });
        runtimes.push(runtime);
        runtime.start();
        await playBorrower(h, runtime, borrower.journeyID);
        runtime.stop();
      }
      // Let the platform's retries (backoff up to 32 s) deliver what the flaky store refused.
      const until = h.clock.now() + 10 * 60_000;
      await h.drive(() => h.clock.now() >= until, { stepMs: 5_000 });

      expect(store.failures()).toBeGreaterThan(0);
      expect(h.sandbox.control.webhookDeliveries().length).toBeGreaterThan(20);
      for (const journeyID of journeyIDs) {
        const platform = h.sandbox.control.journey(journeyID).journey;
        const stored = await store.get(journeyID);
        // The stored state is the platform's final one as its last webhook says it (status, nextAction), in the
        // row and in the reducer state.
        const final = { status: platform.status, nextAction: platform.nextAction };
        expect({ status: stored?.snapshot.status, nextAction: stored?.snapshot.nextAction }).toEqual(final);
        const held = (
          stored?.state as { context: { snapshot: { status: string; nextAction: unknown } } } | null
        )?.context.snapshot;
        expect({ status: held?.status, nextAction: held?.nextAction }).toEqual(final);
      }
      // Each event_id applied once, and every event the sandbox sent was applied (the retries got through).
      expect([...firstApplies.values()].every((n) => n === 1)).toBe(true);
      const sent = new Set(h.sandbox.control.webhookDeliveries().map((d) => d.body.event_id));
      expect([...firstApplies.keys()].sort()).toEqual([...sent].sort());
    },
  );

  it("a runtime fed by the SSE push relay makes fewer /state requests than one without it, over the same journey", async () => {
    const polls: number[] = [];
    for (const withPush of [false, true]) {
      harness = await startHarness();
      const h = harness;
      backend = await startPartnerBackend({
        platformUrl: h.sandbox.url,
        apiKey: h.sandbox.apiKey,
        webhookSecrets: h.sandbox.webhookSecret,
        now: () => h.clock.now(),
      });
      h.sandbox.control.addWebhookEndpoint(backend.webhookUrl);
      // The demo backend signs the borrower in first (JSON with its CSRF header), then opens the session.
      const demoHeaders = { "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE };
      const signIn = await fetch(`${backend.url}/sign-in`, {
        method: "POST",
        headers: demoHeaders,
        body: JSON.stringify({ borrowerExternalID: "sbx-happy-push", password: DEMO_PASSWORD }),
      });
      const { appToken } = (await signIn.json()) as { appToken: string };
      const res = await fetch(`${backend.url}/session`, {
        method: "POST",
        headers: { ...demoHeaders, authorization: `Bearer ${appToken}` },
        body: JSON.stringify({ borrowerExternalID: "sbx-happy-push" }),
      });
      const session = { ...((await res.json()) as { token: string; journeyID: string }), appToken };
      const borrower = await h.borrower("sbx-happy-push");
      expect(borrower.journeyID).toBe(session.journeyID);
      const abort = new AbortController();
      aborts.push(abort);
      const runtime = createJourney({
        client: borrower.client,
        journeyID: borrower.journeyID,
        initial: borrower.snapshot,
        clock: h.clock,
        ...(withPush
          ? {
              push: snapshotStream({
                url: `${backend.url}/push/${session.journeyID}`,
                headers: { authorization: `Bearer ${session.appToken}` },
                signal: abort.signal,
              }),
            }
          : {}),
      });
      runtimes.push(runtime);
      runtime.start();
      const view = await playBorrower(h, runtime, borrower.journeyID);
      expect(view.status).toBe("DISBURSED");
      polls.push(statePolls(h.sandbox, borrower.journeyID).length);
      runtime.stop();
      abort.abort();
      await backend.close();
      backend = undefined;
      await h.close();
      harness = undefined;
    }
    const [withoutPush, withPush] = polls as [number, number];
    console.log(
      `/state requests over one happy journey: ${withoutPush} without push, ${withPush} with the SSE relay`,
    );
    expect(withPush).toBeLessThan(withoutPush);
  });
});
