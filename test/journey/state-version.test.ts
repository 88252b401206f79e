import { describe, expect, it } from "vitest";
import { ContractError } from "../../src/contract/index.js";
import { journey } from "../../src/journey/index.js";
import { migrateState, STATE_VERSION, versioned } from "../../src/journey/state-version.js";
import { createJourney, createManualClock, steadySignals } from "../../src/runtime/index.js";
import { createWebhookHandler } from "../../src/server/index.js";
import { createMemoryJourneyStore } from "../../src/server/store/memory.js";
import { journeyFixture, offerFixture, snapshotFixture } from "../../src/testing/fixtures.js";
import { createFakeClient } from "../runtime/fake-client.js";
import { signedDelivery } from "../server/deliveries.js";

const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
const NOW = Date.UTC(2026, 10, 26, 10, 0, 0);

function stateAt(status: "KYC_PENDING" | "OFFERS_PENDING" = "KYC_PENDING") {
  return journey.initial({
    journeyID: JOURNEY,
    snapshot: snapshotFixture({ journeyID: JOURNEY, asOf: NOW - 60_000, status, nextAction: "WAIT" }),
    at: NOW,
  });
}

const OFFERS = ["a", "b", "c", "d"].map((c) =>
  offerFixture({ id: `0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a9${c}`, expiresAt: "2026-12-11T10:00:00Z" }),
);

/** A journey at OFFERS_AVAILABLE with its four offers read (and `lockedOfferID` when given), polling again. */
function offersState(lockedOfferID?: string) {
  const snapshot = snapshotFixture({
    journeyID: JOURNEY,
    asOf: NOW - 60_000,
    status: "OFFERS_AVAILABLE",
    nextAction: "SELECT_OFFER",
    ...(lockedOfferID === undefined ? {} : { lockedOfferID }),
  });
  const loaded = journey.reduce(journey.initial({ journeyID: JOURNEY, snapshot, at: NOW }), {
    type: "journey.loaded",
    journey: journeyFixture({ ...snapshot, offers: OFFERS, steps: [] }),
    at: NOW + 1,
  }).state;
  expect(loaded.context.offers).toHaveLength(4);
  expect(loaded.value.sync).toBe("polling");
  return loaded;
}

describe("the kept state leaves out the offers the platform gives again", () => {
  it("at OFFERS_AVAILABLE: kept without offers; taken up, it re-reads the journey at once and shows them all again", () => {
    const state = offersState();
    const kept = JSON.parse(JSON.stringify(versioned(state)));
    expect(kept.context.offers).toBeNull();
    const restored = migrateState(kept)!;
    expect(restored.context.refetch).toBe("offers");
    expect(restored.value.sync).toBe("loadingJourney");
    expect(journey.commandsOf(restored)).toContainEqual({
      type: "fetchJourney",
      journeyID: JOURNEY,
      reason: "offers",
    });
    const reread = journey.reduce(restored, {
      type: "journey.loaded",
      journey: journeyFixture({ ...state.context.snapshot!, offers: OFFERS, steps: [] }),
      at: NOW + 2,
    }).state;
    expect(journey.view(reread).offers.map((o) => o.id)).toEqual(journey.view(state).offers.map((o) => o.id));
    expect(reread.value).toEqual(state.value);
  });

  it("after an offer is locked: only the locked offer is kept, and the restored view still shows it", () => {
    const locked = OFFERS[2]!.id;
    const state = journey.reduce(offersState(locked), {
      type: "snapshot.received",
      snapshot: snapshotFixture({
        journeyID: JOURNEY,
        asOf: NOW - 30_000,
        status: "KYC_PENDING",
        nextAction: "WAIT",
        lockedOfferID: locked,
      }),
      source: "poll",
      at: NOW + 3,
    }).state;
    const kept = JSON.parse(JSON.stringify(versioned(state)));
    expect(kept.context.offers.map((o: { id: string }) => o.id)).toEqual([locked]);
    const restored = migrateState(kept)!;
    expect(restored.value).toEqual(state.value);
    expect(journey.view(restored).offers.find((o) => o.id === locked)).toEqual(
      journey.view(state).offers.find((o) => o.id === locked),
    );
  });

  it("a version 2 state, which kept every offer, is read with them as it is", () => {
    const state = offersState();
    const v2 = { ...JSON.parse(JSON.stringify(state)), version: 2 };
    expect(migrateState(v2)).toEqual(state);
  });
});

describe("the reducer state's schema version", () => {
  it("stamps a kept state with STATE_VERSION and reads it back as the very state", () => {
    const state = stateAt();
    const kept = JSON.parse(JSON.stringify(versioned(state)));
    expect(kept.version).toBe(STATE_VERSION);
    expect(migrateState(kept)).toEqual(state);
  });

  it("migrates a state kept before versions (version 1): its cadence key re-arms polling at the next event", () => {
    const state = stateAt();
    const v1 = JSON.parse(JSON.stringify(state));
    v1.context.polling.armedFor = '[false,{"band":"active"}]';
    const migrated = migrateState(v1)!;
    expect(migrated.context.polling.armedFor).toBe("");
    const next = journey.reduce(migrated, { type: "app.visible", at: NOW + 1 });
    expect(next.commands).toContainEqual(
      expect.objectContaining({ type: "startPolling", journeyID: JOURNEY }),
    );
  });

  it("refuses a state a newer version wrote, or one not of the reducer's shape", () => {
    expect(migrateState({ ...stateAt(), version: STATE_VERSION + 1 })).toBeNull();
    expect(migrateState({ value: 1, context: null } as never)).toBeNull();
  });

  it("runtime: persist() carries the version; a newer one is refused naming `version`; an unversioned one restores", () => {
    const clock = createManualClock(NOW);
    const make = (initial: unknown) =>
      createJourney({
        client: createFakeClient().client,
        journeyID: JOURNEY,
        initial,
        clock,
        signals: steadySignals,
      });
    const persisted = make(stateAt()).persist();
    expect(persisted.version).toBe(STATE_VERSION);
    let refusal: unknown;
    try {
      make({ ...persisted, version: STATE_VERSION + 1 });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ContractError);
    expect((refusal as ContractError).issues.map((i) => i.path)).toEqual(["version"]);
    const { version: _v, ...unversioned } = persisted;
    expect(make(unversioned).getState().context.snapshot?.status).toBe("KYC_PENDING");
  });

  it("server kit: writes states stamped with the version, and rebuilds one a newer version wrote from its snapshot", async () => {
    const store = createMemoryJourneyStore({ now: () => new Date(NOW), onCorruptRecord: () => {} });
    await store.applySnapshot({
      snapshot: snapshotFixture({
        journeyID: JOURNEY,
        asOf: NOW - 60_000,
        status: "KYC_PENDING",
        nextAction: "WAIT",
      }),
      state: JSON.parse(JSON.stringify({ ...stateAt(), version: STATE_VERSION + 1 })),
    });
    const errors: unknown[] = [];
    const handler = await createWebhookHandler({
      secrets: "al_wh_version",
      store,
      now: () => NOW,
      onError: (error) => errors.push(error),
    });
    const d = signedDelivery(
      "evt_version",
      [{ status: "BANK_MANDATE_PENDING", nextAction: "COMPLETE_STEP" }],
      { generatedAt: NOW - 20_000 },
      { secret: "al_wh_version", now: NOW, journeyID: JOURNEY },
    );
    expect(await handler.handle(d.body, d.headers)).toMatchObject({ status: 200, outcome: "applied" });
    const row = await store.get(JOURNEY);
    const kept = row?.state as { version?: number; context: { snapshot: { status: string } } };
    expect(kept.version).toBe(STATE_VERSION);
    expect(kept.context.snapshot.status).toBe("BANK_MANDATE_PENDING");
    expect(errors.some((e) => String(e).includes("state.version"))).toBe(true);
  });
});
