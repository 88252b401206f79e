/**
 * The intent registry (machines/journey/journey.intents.ts) is the one place a borrower mutation's facts live.
 * These tests hold every layer to it: the machine, the reducer's command, the runtime's execution, the client, the
 * sandbox and the view. A registered intent that one layer does not handle fails here.
 */
import { describe, expect, it } from "vitest";
import type { JourneyState } from "../../machines/journey/index.js";
import { INTENTS, MUTATING_INTENT_TYPES, MUTATIONS } from "../../machines/journey/journey.intents.js";
import { journeyMachine } from "../../machines/journey/journey.machine.js";
import { createBorrowerClient } from "../../src/client/index.js";
import { ENDPOINTS, type JourneySnapshot } from "../../src/contract/index.js";
import { type JourneyCommand, type JourneyHostEvent, journey } from "../../src/journey/index.js";
import { runCommand } from "../../src/runtime/commands.js";
import { createManualClock, steadySignals } from "../../src/runtime/index.js";
import type { Poller } from "../../src/runtime/poller.js";
import { HANDLERS } from "../../src/sandbox/api.js";
import { journeyFixture, profileFixture, snapshotFixture } from "../../src/testing/fixtures.js";
import { JID, offersState, snap, T0 } from "./support.js";

const STEP = "c4a7e2d9-1f6b-4c3e-8d5a-7b2e9f1c0a46";
const REDIRECT = {
  type: "REDIRECT" as const,
  url: "https://kyc.example/r/1",
  returnUrl: "https://partner.example/return",
  expiresAt: "2026-11-26T11:00:00Z",
};

function at(snapshot: JourneySnapshot): JourneyState {
  return journey.initial({ journeyID: JID, snapshot, at: T0 });
}

/** For each registered intent: a state that asks for it, and the intent as the reducer's event. */
const ASKED: Record<
  (typeof MUTATING_INTENT_TYPES)[number],
  { state: () => JourneyState; event: Record<string, unknown> }
> = {
  "profile.submit": {
    state: () => at(snap(5, "PROFILE_REQUIRED", { nextAction: "SUBMIT_PROFILE" })),
    event: { profile: profileFixture(), bureauConsent: true },
  },
  "offer.select": { state: offersState, event: { offerID: "ofr_A" } },
  "step.start": {
    state: () =>
      at(
        snap(5, "KYC_PENDING", {
          nextAction: "COMPLETE_STEP",
          actionRequired: { stepID: STEP, kind: "REDIRECT" },
        }),
      ),
    event: { stepID: STEP },
  },
  "step.submit": {
    state: () =>
      at(
        snap(5, "BANK_MANDATE_PENDING", {
          nextAction: "COMPLETE_STEP",
          actionRequired: { stepID: STEP, kind: "FORM", resource: { type: "FORM", fields: [] } },
        }),
      ),
    event: { stepID: STEP, data: { accountNumber: "123456789" } },
  },
  "step.returned": {
    state: () =>
      at(
        snap(5, "KYC_PENDING", {
          nextAction: "COMPLETE_STEP",
          actionRequired: { stepID: STEP, kind: "REDIRECT", resource: REDIRECT },
        }),
      ),
    event: { stepID: STEP },
  },
  "consent.create": {
    state: () =>
      at(
        snap(5, "AA_REQUIRED", {
          nextAction: "COMPLETE_STEP",
          actionRequired: { stepID: STEP, kind: "REDIRECT" },
        }),
      ),
    event: {},
  },
  "journey.resume": { state: () => at(snap(5, "KYC_PENDING", { nextAction: "RESUME" })), event: {} },
};

/** The command the reducer returns for `type` in the state that asks for it. */
function commandOf(type: (typeof MUTATING_INTENT_TYPES)[number]): JourneyCommand {
  const { state, event } = ASKED[type];
  const result = journey.reduce(state(), {
    type,
    ...event,
    idempotencyKey: "k-registry",
    at: T0 + 1,
  } as JourneyHostEvent);
  const command = result.commands.find((c) => c.type === INTENTS[type].mutation);
  if (command === undefined)
    throw new Error(`${type}: no ${INTENTS[type].mutation} command (${result.rejected?.reason})`);
  return command;
}

describe("every registered intent is handled by every layer", () => {
  it("every registered mutation is asked for by some intent", () => {
    expect([...new Set(Object.values(INTENTS).map((i) => i.mutation))].sort()).toEqual(
      Object.keys(MUTATIONS).sort(),
    );
  });

  for (const type of MUTATING_INTENT_TYPES) {
    const { mutation, can, fields } = INTENTS[type];
    const facts = MUTATIONS[mutation];

    it(`${type}: the machine starts ${facts.state} from idle, invokes ${facts.actor} there, refuses it while busy`, () => {
      const region = journeyMachine.config.states!.mutation!;
      const start = (region.states!.idle!.on as Record<string, { target: string; actions: string }>)[type]!;
      expect(start).toMatchObject({ target: facts.state, actions: "startMutation" });
      const invoke = region.states![facts.state]!.invoke as { src: string; id: string };
      expect(invoke.src).toBe(facts.actor);
      expect((region.on as Record<string, { actions: string }>)[type]).toEqual({ actions: "rejectIntent" });
    });

    it(`${type}: the view says can.${can}, and the reducer asks for ${mutation} with the intent's fields and key`, () => {
      const state = ASKED[type].state();
      const view = journey.view(state, T0);
      if (type === "offer.select") expect(view.offers.some((o) => o.selectable)).toBe(true);
      expect(view.can[can as keyof typeof view.can]).toBe(true);
      const command = commandOf(type);
      expect(command).toMatchObject({ journeyID: JID, idempotencyKey: "k-registry" });
      for (const field of fields) expect(command).toHaveProperty(field, ASKED[type].event[field]);
    });

    it(`${type}: the runtime runs ${mutation} as ${facts.endpoints.join(" then ")}, endpoints the client and the sandbox both serve`, async () => {
      for (const endpoint of facts.endpoints) {
        expect(ENDPOINTS[endpoint].scope).toBe("borrower");
        expect(HANDLERS[endpoint]).toBeTypeOf("function");
      }
      const real = createBorrowerClient({
        baseUrl: "http://sandbox.invalid",
        getSessionToken: () => "bst_registry",
        refreshSession: async () => "bst_registry",
      }) as unknown as Record<string, unknown>;
      for (const endpoint of facts.endpoints) expect(real[endpoint]).toBeTypeOf("function");
      // Every call recorded; each answers with something of the journey, as the platform would.
      const called: string[] = [];
      const client = new Proxy(
        {},
        {
          get: (_, name: string) => async () => {
            called.push(name);
            return name === "resumeJourney"
              ? journeyFixture({ journeyID: JID })
              : snapshotFixture({ journeyID: JID });
          },
        },
      );
      const events: JourneyHostEvent[] = [];
      const poller: Poller = { start: () => {}, stop: () => {}, wake: () => {}, answered: () => {} };
      runCommand(
        commandOf(type),
        {
          client: client as never,
          clock: createManualClock(T0),
          signals: steadySignals,
          signal: new AbortController().signal,
          isNews: (snapshot) => snapshot.asOf > 0,
          dispatch: (dispatched) => events.push(...("type" in dispatched ? [dispatched] : dispatched)),
        },
        poller,
      );
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(called).toEqual(facts.endpoints);
      expect(events[0]).toMatchObject({ type: "mutation.succeeded", idempotencyKey: "k-registry" });
    });
  }
});
