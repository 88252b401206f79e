import { describe, expect, it } from "vitest";
import {
  type AnyActorRef,
  type AnyStateNode,
  createActor,
  createMachine,
  fromCallback,
  fromPromise,
  type InspectionEvent,
} from "xstate";
import { createTestModel } from "xstate/graph";
import { cadenceKey, initialContext } from "../../../machines/journey/journey.actions.js";
import * as guards from "../../../machines/journey/journey.guards.js";
import { journeyMachine } from "../../../machines/journey/journey.machine.js";
import type { JourneyContext, JourneyEvent } from "../../../machines/journey/journey.types.js";
import {
  isEnded,
  isExpectedEdge,
  JOURNEY_STATUSES,
  type JourneySnapshot,
  type JourneyStatus,
} from "../../../src/contract/index.js";
import { journey } from "../../../src/journey/index.js";
import { journeyFixture, offerFixture, snapshotFixture } from "../../../src/testing/fixtures.js";

const T0 = Date.parse("2026-11-26T10:00:00Z");
const JID = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";
const snap = (asOf: number, status: JourneyStatus, extra: Partial<JourneySnapshot> = {}) =>
  snapshotFixture({ asOf, status, ...extra });
const ctx = (over: Partial<JourneyContext> = {}): JourneyContext => ({
  ...initialContext({ journeyID: JID, snapshot: snap(5, "OFFERS_AVAILABLE"), at: T0 }),
  // The offers read: nothing asked for any more (an offer is never proceeded while a re-read is).
  offers: [offerFixture({ id: "ofr_A" })],
  refetch: null,
  ...over,
});
const received = (asOf: number, status: JourneyStatus): JourneyEvent => ({
  type: "snapshot.received",
  snapshot: snap(asOf, status),
  source: "poll",
  at: T0 + 1,
});

function lifecycleOf(state: { value: { lifecycle: string | { ended: string } } }): string {
  const l = state.value.lifecycle;
  return typeof l === "string" ? l : l.ended;
}

describe("lifecycle edges (every pair of statuses)", () => {
  const open = JOURNEY_STATUSES.filter((s) => !isEnded(s));
  for (const from of open) {
    it(`from ${from}: expected edges apply, unexpected ones are held and re-fetched`, () => {
      const s0 = journey.initial({ journeyID: JID, snapshot: snap(5, from), at: T0 });
      for (const to of JOURNEY_STATUSES) {
        const r = journey.reduce(s0, {
          type: "snapshot.received",
          snapshot: snap(6, to),
          source: "webhook",
          at: T0 + 1,
        });
        if (isExpectedEdge(from, to)) {
          expect(lifecycleOf(r.state), `${from} → ${to}`).toBe(to);
          expect(r.state.context.asOf).toBe(6);
          // The same state seen later only moves the key on: the held snapshot is the first sighting.
          expect(r.state.context.snapshot?.asOf).toBe(to === from ? 5 : 6);
        } else {
          expect(lifecycleOf(r.state), `${from} → ${to}`).toBe(from);
          expect(r.state.context.held?.snapshot.status).toBe(to);
          expect(r.commands.some((c) => c.type === "fetchJourney")).toBe(true);
        }
      }
    });
  }
  it("ends accept nothing", () => {
    for (const end of ["REJECTED", "EXPIRED", "CLOSED"] as const) {
      const s0 = journey.initial({ journeyID: JID, snapshot: snap(5, end), at: T0 });
      for (const to of JOURNEY_STATUSES) {
        const r = journey.reduce(s0, {
          type: "snapshot.received",
          snapshot: snap(6, to),
          source: "poll",
          at: T0 + 1,
        });
        expect(r.state).toBe(s0);
        expect(r.rejected?.reason).toBe("JOURNEY_ENDED");
      }
    }
  });
});

describe("guards, both ways", () => {
  it("isNewerSnapshot", () => {
    expect(guards.isNewerSnapshot(ctx(), received(6, "OFFERS_AVAILABLE"))).toBe(true);
    expect(guards.isNewerSnapshot(ctx(), received(5, "OFFERS_AVAILABLE"))).toBe(false);
    expect(guards.isNewerSnapshot(ctx(), received(4, "OFFERS_AVAILABLE"))).toBe(false);
  });
  it("isExpectedEdge / isUnexpectedEdge / isSnapshotTo", () => {
    expect(guards.isExpectedSnapshotEdge(ctx(), received(6, "KYC_PENDING"))).toBe(true);
    expect(guards.isExpectedSnapshotEdge(ctx(), received(6, "STARTED"))).toBe(false);
    expect(guards.isUnexpectedEdge(ctx(), received(6, "STARTED"))).toBe(true);
    expect(guards.isUnexpectedEdge(ctx(), received(6, "KYC_PENDING"))).toBe(false);
    expect(guards.isUnexpectedEdge(ctx(), received(4, "STARTED"))).toBe(false);
    expect(guards.isSnapshotTo(ctx(), received(6, "KYC_PENDING"), "KYC_PENDING")).toBe(true);
    expect(guards.isSnapshotTo(ctx(), received(6, "KYC_PENDING"), "AA_REQUIRED")).toBe(false);
    expect(guards.isNewerSameStatus(ctx(), received(6, "OFFERS_AVAILABLE"))).toBe(true);
    expect(guards.isNewerSameStatus(ctx(), received(6, "KYC_PENDING"))).toBe(false);
  });
  it("isOfferSelectable", () => {
    const select = (offerID: string, at = T0 + 1, key = "k1"): JourneyEvent => ({
      type: "offer.select",
      offerID,
      idempotencyKey: key,
      at,
    });
    expect(guards.isOfferSelectable(ctx(), select("ofr_A"))).toBe(true);
    expect(guards.isOfferSelectable(ctx(), select("ofr_Z"))).toBe(false);
    expect(guards.isOfferSelectable(ctx(), select("ofr_A", Date.parse("2027-01-01T00:00:00Z")))).toBe(false);
    expect(guards.isOfferSelectable(ctx({ claimedOfferID: "ofr_B" }), select("ofr_A"))).toBe(false);
    for (const refetch of ["anomaly", "resync"] as const)
      expect(guards.isOfferSelectable(ctx({ refetch }), select("ofr_A")), refetch).toBe(false);
    // A read asked for the offers alone (a count that disagrees with the list, on every poll) holds nothing up.
    expect(guards.isOfferSelectable(ctx({ refetch: "offers" }), select("ofr_A"))).toBe(true);
    expect(
      guards.isOfferSelectable(
        ctx({ offers: [offerFixture({ id: "ofr_A", status: "BLOCKED" })] }),
        select("ofr_A"),
      ),
    ).toBe(false);
    expect(
      guards.isOfferSelectable(
        ctx({ pendingMutation: { kind: "resumeJourney", idempotencyKey: "r" } }),
        select("ofr_A"),
      ),
    ).toBe(false);
    expect(guards.isOfferSelectable(ctx({ issuedKeys: ["k1"] }), select("ofr_A"))).toBe(false);
  });
  it("isEnded", () => {
    expect(guards.isJourneyEnded(ctx({ snapshot: snap(9, "EXPIRED") }))).toBe(true);
    expect(guards.isJourneyEnded(ctx())).toBe(false);
    expect(guards.isJourneyEnded(ctx({ snapshot: null }))).toBe(false);
  });
  it("isPendingMutationResult, isRetryOf, canStartMutation, needsJourney, isLoadedJourneyIn", () => {
    const pending = ctx({
      pendingMutation: { kind: "proceedOffer", idempotencyKey: "k1", offerID: "ofr_A" },
    });
    expect(
      guards.isPendingMutationResult(pending, { type: "mutation.succeeded", idempotencyKey: "k1", at: 1 }),
    ).toBe(true);
    expect(
      guards.isPendingMutationResult(pending, { type: "mutation.succeeded", idempotencyKey: "k2", at: 1 }),
    ).toBe(false);
    const retry = ctx({ retryableMutation: { kind: "createConsent", idempotencyKey: "c1" } });
    expect(guards.isRetryOf(retry, { type: "mutation.retry", at: 1 }, "createConsent")).toBe(true);
    expect(guards.isRetryOf(retry, { type: "mutation.retry", at: 1 }, "proceedOffer")).toBe(false);
    const profileCtx = ctx({ snapshot: snap(2, "PROFILE_REQUIRED") });
    const submit: JourneyEvent = {
      type: "profile.submit",
      bureauConsent: true,
      profile: {} as never,
      idempotencyKey: "p",
      at: 1,
    };
    expect(guards.canStartMutation(profileCtx, submit)).toBe(true);
    expect(guards.canStartMutation(ctx(), submit)).toBe(false);
    expect(guards.needsJourney(ctx({ refetch: "offers" }))).toBe(true);
    expect(guards.needsJourney(ctx({ refetch: null }))).toBe(false);
    const loaded: JourneyEvent = {
      type: "journey.loaded",
      journey: journeyFixture({ asOf: 6, status: "STARTED" }),
      at: 1,
    };
    expect(guards.isLoadedJourneyIn(ctx(), loaded, "STARTED")).toBe(true);
    expect(guards.isLoadedJourneyIn(ctx({ snapshot: snap(9, "CLOSED") }), loaded, "STARTED")).toBe(false);
  });
});

describe("every guard named in setup(), both ways", () => {
  type GuardFn = (args: { context: JourneyContext; event: JourneyEvent }, params?: unknown) => boolean;
  const impl = journeyMachine.implementations.guards as unknown as Record<string, GuardFn>;
  const call = (name: string, context: JourneyContext, event: JourneyEvent, params?: unknown) =>
    impl[name]!({ context, event }, params);
  const tick: JourneyEvent = { type: "poll.notModified", at: T0 };
  const cases: Array<
    [string, [JourneyContext, JourneyEvent, unknown?], [JourneyContext, JourneyEvent, unknown?]]
  > = [
    [
      "isSnapshotTo",
      [ctx(), received(6, "KYC_PENDING"), { status: "KYC_PENDING" }],
      [ctx(), received(6, "STARTED"), { status: "STARTED" }],
    ],
    ["isNewerSameStatus", [ctx(), received(6, "OFFERS_AVAILABLE")], [ctx(), received(5, "OFFERS_AVAILABLE")]],
    ["isUnexpectedEdge", [ctx(), received(6, "STARTED")], [ctx(), received(6, "KYC_PENDING")]],
    [
      "isLoadedJourneyIn",
      [
        ctx(),
        { type: "journey.loaded", journey: journeyFixture({ asOf: 6, status: "STARTED" }), at: T0 },
        { status: "STARTED" },
      ],
      [
        ctx(),
        { type: "journey.loaded", journey: journeyFixture({ asOf: 4, status: "STARTED" }), at: T0 },
        { status: "STARTED" },
      ],
    ],
    ["isStatus", [ctx(), tick, { status: "OFFERS_AVAILABLE" }], [ctx(), tick, { status: "KYC_PENDING" }]],
    ["isEnded", [ctx({ snapshot: snap(9, "CLOSED") }), tick], [ctx(), tick]],
    [
      "isOfferSelectable",
      [ctx(), { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k", at: T0 }],
      [
        ctx({ claimedOfferID: "ofr_B" }),
        { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k", at: T0 },
      ],
    ],
    [
      "canStartMutation",
      [
        ctx({ snapshot: snap(5, "KYC_PENDING", { nextAction: "RESUME" }) }),
        { type: "journey.resume", idempotencyKey: "r", at: T0 },
      ],
      [ctx(), { type: "journey.resume", idempotencyKey: "r", at: T0 }],
    ],
    [
      "isRetryOf",
      [
        ctx({ retryableMutation: { kind: "resumeJourney", idempotencyKey: "r" } }),
        { type: "mutation.retry", at: T0 },
        { kind: "resumeJourney" },
      ],
      [ctx(), { type: "mutation.retry", at: T0 }, { kind: "resumeJourney" }],
    ],
    [
      "isPendingMutationResult",
      [
        ctx({ pendingMutation: { kind: "createConsent", idempotencyKey: "c" } }),
        { type: "mutation.succeeded", idempotencyKey: "c", at: T0 },
      ],
      [
        ctx({ pendingMutation: { kind: "createConsent", idempotencyKey: "c" } }),
        { type: "mutation.succeeded", idempotencyKey: "x", at: T0 },
      ],
    ],
    [
      "needsJourney",
      [ctx({ refetch: "resync" }), tick],
      [ctx({ refetch: "resync", polling: { ...ctx().polling, failures: 2 } }), tick],
    ],
    [
      "isCadenceOutdated",
      [ctx(), tick],
      [ctx({ polling: { ...ctx().polling, armedFor: cadenceKey(ctx()) } }), tick],
    ],
    ["isOffline", [ctx({ online: false }), tick], [ctx(), tick]],
  ];
  it("covers every guard in setup()", () => {
    expect(cases.map(([name]) => name).sort()).toEqual(Object.keys(impl).sort());
  });
  for (const [name, yes, no] of cases) {
    it(`${name}: true and false`, () => {
      expect(call(name, ...yes)).toBe(true);
      expect(call(name, ...no)).toBe(false);
    });
  }
});

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((n) => allNodes(n as AnyStateNode))];
}

describe("live actor with provided actors (what the runtime does)", () => {
  it("invokes the provided poller and mutation actors with their command payloads, and handles done and error", async () => {
    const polls: unknown[] = [];
    const proceeds: unknown[] = [];
    const live = journeyMachine.provide({
      actors: {
        pollJourneyState: fromCallback(({ input }) => {
          polls.push(input);
        }),
        fetchJourney: fromCallback(({ input, sendBack }) => {
          sendBack({
            type: "journey.loaded",
            journey: journeyFixture({
              asOf: 5,
              offers: [offerFixture({ id: "ofr_A" }), offerFixture({ id: "ofr_B" })],
            }),
            at: T0 + 1,
          });
          return () => input;
        }),
        proceedOffer: fromPromise(async ({ input }) => {
          proceeds.push(input);
          if ((input as { offerID: string }).offerID === "ofr_B")
            throw { code: "OFFER_LOCK_CONFLICT", status: 409 };
          return null;
        }),
      },
    });
    const actor = createActor(live, {
      input: { journeyID: JID, snapshot: snap(5, "OFFERS_AVAILABLE"), at: T0 },
    });
    actor.start();
    expect(actor.getSnapshot().value).toMatchObject({ lifecycle: "OFFERS_AVAILABLE", sync: "polling" });
    actor.send({ type: "offer.select", offerID: "ofr_A", idempotencyKey: "k1", at: T0 + 2 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(proceeds).toEqual([{ journeyID: JID, offerID: "ofr_A", idempotencyKey: "k1" }]);
    expect(actor.getSnapshot().value).toMatchObject({ mutation: "idle" });
    expect(actor.getSnapshot().context.polling.awaitingReaction).toBe(true);
    expect(polls.at(-1)).toMatchObject({ journeyID: JID, inMs: expect.any(Number) });
    actor.stop();

    const failing = createActor(live, {
      input: { journeyID: JID, snapshot: snap(5, "OFFERS_AVAILABLE"), at: T0 },
    });
    failing.start();
    failing.send({ type: "offer.select", offerID: "ofr_B", idempotencyKey: "k9", at: T0 + 2 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failing.getSnapshot().context.error).toMatchObject({
      origin: "mutation",
      code: "OFFER_LOCK_CONFLICT",
    });
    expect(failing.getSnapshot().context.claimedOfferID).toBeNull();
    failing.stop();
  });
});

describe("inspector readiness", () => {
  it("the definition an inspect observer receives names every guard, action and actor and describes every state", () => {
    const definitions: unknown[] = [];
    const actor = createActor(journeyMachine, {
      input: { journeyID: JID, snapshot: snap(5, "OFFERS_AVAILABLE"), at: T0 },
      inspect: (event: InspectionEvent) => {
        const ref = event.actorRef as AnyActorRef & { logic: unknown };
        if (event.type === "@xstate.actor" && ref.logic === journeyMachine) {
          definitions.push((ref.logic as typeof journeyMachine).toJSON());
        }
      },
    });
    actor.start();
    actor.send({ type: "journey.loaded", journey: journeyFixture({ asOf: 5 }), at: T0 + 1 });
    actor.stop();
    expect(definitions).toHaveLength(1);
    const impl = journeyMachine.implementations;
    const problems: string[] = [];
    const visit = (node: Record<string, unknown>) => {
      const id = String(node.id);
      if (typeof node.description !== "string" || node.description === "")
        problems.push(`${id}: no description`);
      for (const inv of (node.invoke ?? []) as Array<{ id: string; src: unknown }>) {
        if (typeof inv.src !== "string" || !(inv.src in impl.actors)) problems.push(`${id}: unnamed actor`);
        if (!inv.id || inv.id.includes(".")) problems.push(`${id}: invoke without an id`);
      }
      const actions = [
        ...((node.entry ?? []) as unknown[]),
        ...((node.exit ?? []) as unknown[]),
        ...((node.transitions ?? []) as Array<{ actions: unknown[] }>).flatMap((t) => t.actions),
      ];
      for (const a of actions) {
        const type = (a as { type?: unknown }).type;
        if (typeof type !== "string" || !(type in impl.actions))
          problems.push(`${id}: unnamed action ${String(type)}`);
      }
      for (const t of (node.transitions ?? []) as Array<{ guard?: unknown }>) {
        if (t.guard === undefined) continue;
        const type = typeof t.guard === "string" ? t.guard : (t.guard as { type?: unknown }).type;
        if (typeof type !== "string" || !(type in impl.guards)) problems.push(`${id}: unnamed guard`);
      }
      for (const child of Object.values((node.states ?? {}) as Record<string, Record<string, unknown>>))
        visit(child);
    };
    visit(definitions[0] as Record<string, unknown>);
    // Eventless transitions are not part of the JSON definition; check them on the state nodes.
    for (const node of allNodes(journeyMachine.root)) {
      for (const t of node.always ?? []) {
        const g = t.guard as { type?: unknown } | string | undefined;
        const type = typeof g === "string" ? g : g?.type;
        if (typeof type !== "string" || !(type in impl.guards))
          problems.push(`${node.id}: unnamed always guard`);
      }
    }
    expect(problems).toEqual([]);
    expect(journeyMachine.id).toBe("journey");
  });
});

/** What tells two model states apart: the state value, offers loaded, what can be retried, the next action. */
function stateKey(value: unknown, c: JourneyContext): string {
  return JSON.stringify([
    value,
    c.offers !== null,
    c.retryableMutation?.kind ?? null,
    c.snapshot?.nextAction ?? null,
  ]);
}

const STEP_STATUSES: ReadonlySet<JourneyStatus> = new Set([
  "AA_REQUIRED",
  "KYC_PENDING",
  "BANK_MANDATE_PENDING",
  "E_MANDATE_PENDING",
  "LOAN_AGREEMENT_PENDING",
]);

function nextEvents(asOf: number): JourneyEvent[] {
  const at = T0 + 10;
  const key = `k${asOf}`;
  return [
    ...JOURNEY_STATUSES.map(
      (status): JourneyEvent => ({
        type: "snapshot.received",
        // A step status carries its step, as the platform sends it (a step without its resource yet).
        snapshot: snap(
          asOf + 1,
          status,
          STEP_STATUSES.has(status)
            ? { nextAction: "COMPLETE_STEP", actionRequired: { stepID: "stp_1", kind: "REDIRECT" } }
            : {},
        ),
        source: "poll",
        at,
      }),
    ),
    {
      type: "snapshot.received",
      snapshot: snap(asOf + 1, "KYC_PENDING", { nextAction: "RESUME" }),
      source: "poll",
      at,
    },
    {
      type: "journey.loaded",
      journey: journeyFixture({
        asOf,
        status: "OFFERS_AVAILABLE",
        offers: [offerFixture({ id: "ofr_A" })],
      }),
      at,
    },
    { type: "journey.loaded", journey: journeyFixture({ asOf: asOf + 1, status: "STARTED" }), at },
    { type: "journey.loadFailed", at },
    { type: "profile.submit", bureauConsent: true, profile: {} as never, idempotencyKey: key, at },
    { type: "offer.select", offerID: "ofr_A", idempotencyKey: key, at },
    { type: "step.start", stepID: "stp_1", idempotencyKey: key, at },
    { type: "consent.create", idempotencyKey: key, at },
    { type: "journey.resume", idempotencyKey: key, at },
    { type: "mutation.retry", at },
    { type: "poll.failed", at },
    { type: "poll.notModified", at },
    { type: "network.offline", at },
    { type: "network.online", at },
    { type: "session.expired", at },
    { type: "session.refreshed", at },
  ];
}

/**
 * `createTestModel` refuses machines with invocations, so the model runs on the same config and
 * implementations with every `invoke` removed (actors are the host's side; transitions are all here).
 */
function withoutInvokes(config: Record<string, unknown>): Record<string, unknown> {
  const { invoke: _invoke, states, ...rest } = config;
  if (states === undefined) return rest;
  const stripped = Object.entries(states as Record<string, Record<string, unknown>>).map(
    ([key, child]) => [key, withoutInvokes(child)] as const,
  );
  return { ...rest, states: Object.fromEntries(stripped) };
}
const testableMachine = createMachine(
  withoutInvokes(journeyMachine.config as unknown as Record<string, unknown>) as never,
  journeyMachine.implementations as never,
) as unknown as typeof journeyMachine;

describe("model-based (xstate/graph)", () => {
  const input = { journeyID: JID, at: T0 };
  const model = createTestModel(testableMachine, {
    input,
    events: (snapshot) => {
      const context = snapshot.context as JourneyContext;
      const pending = context.pendingMutation;
      const results: JourneyEvent[] =
        pending === null
          ? []
          : [
              { type: "mutation.succeeded", idempotencyKey: pending.idempotencyKey, at: T0 + 10 },
              {
                type: "mutation.failed",
                idempotencyKey: pending.idempotencyKey,
                problem: { code: "NETWORK" },
                at: T0 + 10,
              },
            ];
      return [...nextEvents(context.snapshot?.asOf ?? 0), ...results];
    },
    serializeState: (snapshot) => {
      const c = snapshot.context as JourneyContext;
      return stateKey(snapshot.value, c);
    },
  });
  const paths = model.getShortestPaths();

  it("shortest paths reach every state node", () => {
    const reached = new Set<string>();
    for (const path of paths) {
      for (const step of path.steps)
        for (const id of (step.state as { _nodes: AnyStateNode[] })._nodes.map((n) => n.id)) reached.add(id);
    }
    const all = allNodes(journeyMachine.root).map((n) => n.id);
    expect(paths.length).toBeGreaterThan(all.length);
    expect(all.filter((id) => !reached.has(id))).toEqual([]);
  });

  it("no reachable state is stuck: an end is reachable from every one", () => {
    const adjacency = model.getAdjacencyMap() as unknown as Record<
      string,
      { transitions: Record<string, { state: { value: unknown; context: unknown } }> }
    >;
    const keys = Object.keys(adjacency);
    const endedKeys = new Set(keys.filter((k) => k.includes('"ended"')));
    const canEnd = new Set(endedKeys);
    let grew = true;
    while (grew) {
      grew = false;
      for (const key of keys) {
        if (canEnd.has(key)) continue;
        const next = Object.values(adjacency[key]!.transitions).map((t) =>
          stateKey(t.state.value, t.state.context as JourneyContext),
        );
        if (next.some((k) => canEnd.has(k))) {
          canEnd.add(key);
          grew = true;
        }
      }
    }
    expect(endedKeys.size).toBeGreaterThan(0);
    expect(keys.length).toBeGreaterThan(100);
    expect(keys.filter((k) => !canEnd.has(k))).toEqual([]);
  });
});
