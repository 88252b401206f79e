/**
 * A webhook on an edge the lifecycle does not expect (here a step back, KYC_PENDING → PROFILE_REQUIRED) is held by
 * the reducer, which asks for the whole journey (`fetchJourney`): server authority. The partner-backend kit runs
 * that command wherever it can, so the stored journey ends at the platform's confirmed state, and the reconciler
 * says truly what it did.
 */
import { describe, expect, it } from "vitest";
import type { JourneyState } from "../../machines/journey/index.js";
import type { Journey } from "../../src/contract/index.js";
import { createReconciler, createWebhookHandler } from "../../src/server/index.js";
import { createMemoryJourneyStore } from "../../src/server/store/memory.js";
import { journeyFixture, snapshotFixture } from "../../src/testing/fixtures.js";
import { signedDelivery } from "./deliveries.js";

const SECRET = "al_wh_held_anomaly";
const NOW = Date.UTC(2026, 10, 26, 10, 0, 0);
const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";

/** The platform's confirmed journey: it did go back to PROFILE_REQUIRED, read after the webhook. */
const confirmed: Journey = journeyFixture({
  journeyID: JOURNEY,
  asOf: NOW - 10_000,
  status: "PROFILE_REQUIRED",
  nextAction: "SUBMIT_PROFILE",
  offers: [],
  steps: [],
});

type Reader = ((journeyID: string) => Promise<Journey>) | undefined;

/** A store holding the journey at KYC_PENDING, then the step-back webhook through a handler with `reader`. */
async function afterStepBack(reader: Reader) {
  const store = createMemoryJourneyStore({ now: () => new Date(NOW) });
  await store.applySnapshot({
    snapshot: snapshotFixture({ journeyID: JOURNEY, asOf: NOW - 60_000, status: "KYC_PENDING" }),
  });
  const errors: unknown[] = [];
  const handler = await createWebhookHandler({
    secrets: SECRET,
    store,
    now: () => NOW,
    onError: (error) => errors.push(error),
    ...(reader ? { fetchJourney: reader } : {}),
  });
  const d = signedDelivery(
    "evt_step_back",
    [{ status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" }],
    { generatedAt: NOW - 20_000 },
    { secret: SECRET, now: NOW, journeyID: JOURNEY },
  );
  const result = await handler.handle(d.body, d.headers);
  return { store, result, errors };
}

async function stored(store: ReturnType<typeof createMemoryJourneyStore>) {
  const row = await store.get(JOURNEY);
  const state = row?.state as JourneyState | null | undefined;
  return { row, status: state?.context.snapshot?.status, held: state?.context.held ?? null };
}

describe("a held anomaly in the partner-backend kit", () => {
  it("with a working fetchJourney: the handler settles it at once at the platform's confirmed state", async () => {
    const { store, result } = await afterStepBack(async () => confirmed);
    expect(result).toMatchObject({ status: 200, outcome: "applied" });
    expect(await stored(store)).toMatchObject({
      status: "PROFILE_REQUIRED",
      held: null,
      row: { complete: true },
    });
  });

  for (const [name, reader] of [
    ["no fetchJourney", undefined],
    [
      "a fetchJourney that fails",
      async () => {
        throw new Error("platform unavailable");
      },
    ],
  ] as const) {
    it(`with ${name}: stored incomplete with the anomaly held, and the reconciler settles it and says so`, async () => {
      const { store } = await afterStepBack(reader);
      const before = await stored(store);
      expect(before.held).not.toBeNull();
      expect(before.row?.complete).toBe(false);
      // The row says what the reducer holds, not the step back it refused, at the delivery's key.
      expect(before.row).toMatchObject({ status: "KYC_PENDING", asOf: NOW - 20_000 });
      expect(before.row?.snapshot.status).toBe("KYC_PENDING");
      // The reconciler with only a state reader cannot settle it: it says so, never "current", and tells (and
      // stores) the held state, not the unconfirmed step back it read again.
      const told: string[] = [];
      const blind = createReconciler({
        store,
        fetchState: async () => ({ ...confirmed, asOf: NOW - 5_000 }),
        now: () => NOW + 120_000,
        onSnapshot: (snapshot) => void told.push(snapshot.status),
      });
      const blindReport = await blind.runOnce();
      expect(blindReport).toMatchObject({ checked: 1, updated: 0, current: 0 });
      expect(blindReport.failed.map((f) => f.journeyID)).toEqual([JOURNEY]);
      expect(told.every((status) => status === "KYC_PENDING")).toBe(true);
      expect((await store.get(JOURNEY))?.status).toBe("KYC_PENDING");
      // With the journey reader it does, and reports the journey updated.
      const reconciler = createReconciler({
        store,
        fetchState: async () => ({ ...confirmed, asOf: NOW - 5_000 }),
        fetchJourney: async () => ({ ...confirmed, asOf: NOW - 4_000 }),
        now: () => NOW + 240_000,
      });
      expect(await reconciler.runOnce()).toMatchObject({ checked: 1, updated: 1, current: 0, failed: [] });
      expect(await stored(store)).toMatchObject({
        status: "PROFILE_REQUIRED",
        held: null,
        row: { complete: true },
      });
      // Settled: the next pass finds it current.
      expect(await reconciler.runOnce()).toMatchObject({ updated: 0, failed: [] });
    });
  }

  /** A store holding the journey at `from`, then a delivery saying `to` through a handler with no reader. */
  async function afterDelivery(
    from: "DISBURSED" | "REJECTED",
    to: { status: "REJECTED" | "KYC_PENDING"; nextAction: "COMPLETE_STEP" | null },
  ) {
    const store = createMemoryJourneyStore({ now: () => new Date(NOW) });
    await store.applySnapshot({
      snapshot: snapshotFixture({ journeyID: JOURNEY, asOf: NOW - 60_000, status: from }),
    });
    const told: string[] = [];
    const handler = await createWebhookHandler({
      secrets: SECRET,
      store,
      now: () => NOW,
      onError: () => {},
      onSnapshot: (snapshot) => void told.push(snapshot.status),
    });
    const d = signedDelivery(
      `evt_${from}_${to.status}`,
      [to],
      { generatedAt: NOW - 20_000 },
      {
        secret: SECRET,
        now: NOW,
        journeyID: JOURNEY,
      },
    );
    await handler.handle(d.body, d.headers);
    return { store, told };
  }

  it("an unconfirmed end (DISBURSED → REJECTED, no reader) leaves the row open, so the reconciler still settles it", async () => {
    const { store, told } = await afterDelivery("DISBURSED", { status: "REJECTED", nextAction: null });
    expect(told).not.toContain("REJECTED");
    expect(await stored(store)).toMatchObject({
      status: "DISBURSED",
      row: { status: "DISBURSED", complete: false },
    });
    expect((await stored(store)).held).not.toBeNull();
    const stale = await store.listStale({ olderThan: new Date(NOW + 1), limit: 5 });
    expect(stale.map((j) => j.journeyID)).toEqual([JOURNEY]);
  });

  it("a move after an end (REJECTED, then KYC_PENDING) leaves the row ended: never reopened, never polled", async () => {
    const { store, told } = await afterDelivery("REJECTED", {
      status: "KYC_PENDING",
      nextAction: "COMPLETE_STEP",
    });
    expect(told).not.toContain("KYC_PENDING");
    expect((await store.get(JOURNEY))?.status).toBe("REJECTED");
    expect(await store.listStale({ olderThan: new Date(NOW + 1), limit: 5 })).toEqual([]);
  });
});
