/**
 * The journey invariants of DESIGN.md as fast-check properties, each parameterised by the reducer under test,
 * so the suite runs them against `journey.reduce` and against deliberately broken reducers.
 */
import fc from "fast-check";
import { expect } from "vitest";
import type { JourneyState } from "../../machines/journey/index.js";
import { kindOf } from "../../machines/journey/journey.actions.js";
import { STATUS_INFO } from "../../machines/journey/journey.lifecycle.js";
import {
  isEnded,
  isExpectedEdge,
  isRetryableByBorrower,
  isSameState,
  JOURNEY_STATUSES,
  type JourneySnapshot,
  type JourneyStatus,
  type Resource,
  safeParseSnapshot,
} from "../../src/contract/index.js";
import {
  CADENCE,
  type CadenceInput,
  isMutatingCommand,
  type JourneyHostEvent,
  journey,
  type ReduceResult,
} from "../../src/journey/index.js";
import {
  borrowerIntentArb,
  deliveryEvent,
  historyWithScheduleArb,
  ARBITRARY_JOURNEY_ID as JID,
  mutationResultArb,
  serverHistoryArb,
  signalArb,
  snapshotAt,
  ARBITRARY_T0 as T0,
  withTimes,
} from "../../src/testing/arbitraries.js";
import { journeyFixture, offerFixture, wireState } from "../../src/testing/fixtures.js";

/** A reducer with `journey.reduce`'s signature. */
export type Reducer = (state: JourneyState, event: JourneyHostEvent) => ReduceResult;

/** Runs of each property in CI. */
export const RUNS = 1000;

function statusOf(state: JourneyState): JourneyStatus | null {
  return state.context.snapshot?.status ?? null;
}

function lifecycleNode(state: JourneyState): string {
  const l = state.value.lifecycle;
  return typeof l === "string" ? l : l.ended;
}

function fresh(): JourneyState {
  return journey.initial({ journeyID: JID, at: T0 });
}

function stateAt(snapshot: JourneySnapshot): JourneyState {
  return journey.initial({ journeyID: JID, snapshot, at: T0 });
}

/** OFFERS_AVAILABLE with offers A, B, C loaded and nothing in flight. */
export function offersState(): JourneyState {
  const s0 = stateAt(snapshotAt(JID, 5, "OFFERS_AVAILABLE"));
  return journey.reduce(s0, {
    type: "journey.loaded",
    journey: journeyFixture({
      journeyID: JID,
      asOf: 5,
      offers: ["ofr_A", "ofr_B", "ofr_C"].map((id) => offerFixture({ id })),
    }),
    at: T0 + 1,
  }).state;
}

/**
 * 1. Convergence: any delivery schedule ends in the state of the latest `asOf` delivered, and holds that key (the
 * snapshot kept may be an earlier sighting of the same state).
 */
export function convergence(reduce: Reducer) {
  return fc.property(historyWithScheduleArb({ maxLength: 10 }), ({ schedule }) => {
    let state = fresh();
    for (const delivery of schedule) state = reduce(state, deliveryEvent(delivery)).state;
    const best = schedule.reduce<JourneySnapshot | null>(
      (acc, d) => (acc === null || d.snapshot.asOf > acc.asOf ? d.snapshot : acc),
      null,
    );
    const held = state.context.snapshot;
    expect(held === null ? null : wireState(held)).toEqual(best === null ? null : wireState(best));
    expect(state.context.asOf).toBe(best?.asOf ?? 0);
    expect(lifecycleNode(state)).toBe(best?.status ?? "loading");
  });
}

/**
 * 2. Monotonic: the held order key never decreases; a stale or duplicate snapshot returns the very same state and
 * no commands; a later re-read of the held state moves the key on and changes nothing a borrower sees.
 */
export function monotonic(reduce: Reducer) {
  return fc.property(historyWithScheduleArb({ maxLength: 10 }), ({ schedule }) => {
    let state = fresh();
    for (const delivery of schedule) {
      const before = state.context.asOf;
      const result = reduce(state, deliveryEvent(delivery));
      expect(result.state.context.asOf).toBeGreaterThanOrEqual(before);
      if (delivery.snapshot.asOf <= before) {
        expect(result.state).toBe(state);
        expect(result.commands).toEqual([]);
      } else if (state.context.snapshot !== null && isSameState(delivery.snapshot, state.context.snapshot)) {
        expect(result.state.context.asOf).toBe(delivery.snapshot.asOf);
        expect(seenByBorrower(result.state)).toEqual(seenByBorrower(state));
        expect(result.commands.filter((c) => c.type !== "startPolling")).toEqual([]);
      }
      state = result.state;
    }
  });
}

/** What a borrower sees of a state (the view at a fixed time, polling aside). */
function seenByBorrower(state: JourneyState) {
  const { pollInMs: _p, isPolling: _i, ...view } = journey.view(state, T0);
  return view;
}

const anyEventArb = fc.oneof(
  { weight: 3, arbitrary: borrowerIntentArb() },
  { weight: 2, arbitrary: mutationResultArb() },
  { weight: 2, arbitrary: signalArb() },
);

/** 3. Ends are absorbing: after an end, no status change is accepted and nothing polls. */
export function endsAbsorbing(reduce: Reducer) {
  const endedHistory = serverHistoryArb({ maxLength: 8 }).chain((history) => {
    const last = history.at(-1)!;
    const closed = isEnded(last.status)
      ? history
      : [...history, snapshotAt(JID, last.asOf + 1, last.status === "DISBURSED" ? "CLOSED" : "REJECTED")];
    const tail = fc.array(
      fc.oneof(
        fc
          .record({ status: fc.constantFrom(...JOURNEY_STATUSES), gap: fc.integer({ min: 1, max: 3 }) })
          .map(({ status, gap }) => ({
            type: "snapshot.received" as const,
            snapshot: snapshotAt(JID, closed.at(-1)!.asOf + gap, status),
            source: "webhook" as const,
            at: 0,
          })),
        anyEventArb,
      ),
      { maxLength: 8 },
    );
    return tail.map((t) => ({ closed, tail: t }));
  });
  return fc.property(endedHistory, ({ closed, tail }) => {
    let state = fresh();
    const events = withTimes([
      ...closed.map((snapshot) => ({ type: "snapshot.received", snapshot, source: "poll", at: 0 }) as const),
      ...tail,
    ]);
    let endedAs: JourneyStatus | null = null;
    for (const event of events) {
      const result = reduce(state, event);
      state = result.state;
      if (endedAs !== null) {
        expect(statusOf(state)).toBe(endedAs);
        expect(result.commands.filter((c) => c.type === "startPolling")).toEqual([]);
      }
      const status = statusOf(state);
      if (status !== null && isEnded(status)) {
        endedAs ??= status;
        expect(journey.view(state).isPolling).toBe(false);
      }
    }
    expect(endedAs).toBe(closed.at(-1)!.status);
  });
}

const offerEventArb = fc.oneof(
  {
    weight: 4,
    arbitrary: borrowerIntentArb({ offerIDs: ["ofr_A", "ofr_B", "ofr_C"] }).filter(
      (e) => e.type === "offer.select",
    ),
  },
  { weight: 1, arbitrary: borrowerIntentArb() },
  { weight: 3, arbitrary: mutationResultArb() },
  { weight: 1, arbitrary: signalArb() },
);

/** 4. Offer lock: at most one offer is ever proceeded (retries aside); refusing another gives a reason. */
export function offerLock(reduce: Reducer) {
  return fc.property(fc.array(offerEventArb, { maxLength: 14 }), (raw) => {
    let state = offersState();
    const claims = new Set<string>();
    for (const event of withTimes(raw, T0 + 2000)) {
      const pending = state.context.pendingMutation;
      const result = reduce(state, event);
      const proceeds = result.commands.filter((c) => c.type === "proceedOffer");
      for (const c of proceeds) claims.add(c.offerID);
      if (
        event.type === "mutation.failed" &&
        pending?.kind === "proceedOffer" &&
        pending.idempotencyKey === event.idempotencyKey &&
        !isRetryableByBorrower(kindOf(event.problem))
      ) {
        claims.delete(pending.offerID);
      }
      expect(claims.size).toBeLessThanOrEqual(1);
      if (event.type === "offer.select" && proceeds.length === 0) {
        expect(result.state.context.error?.code).toEqual(expect.any(String));
      }
      state = result.state;
    }
  });
}

/** The step the borrower intents of `borrowerIntentArb` name. */
const STEP = "c4a7e2d9-1f6b-4c3e-8d5a-7b2e9f1c0a46";

/** A step state whose current step asks for `resource` (none yet: it is started). */
function stepState(asOf: number, status: JourneyStatus, resource?: Resource): JourneyState {
  return stateAt({
    ...snapshotAt(JID, asOf, status),
    nextAction: "COMPLETE_STEP",
    actionRequired: { stepID: STEP, kind: resource?.type ?? "REDIRECT", ...(resource ? { resource } : {}) },
  });
}

const mutableStates = fc.constantFrom<() => JourneyState>(
  () => stateAt(snapshotAt(JID, 2, "PROFILE_REQUIRED")),
  offersState,
  () => stepState(7, "AA_REQUIRED"),
  () => stepState(8, "KYC_PENDING"),
  () => stepState(8, "BANK_MANDATE_PENDING", { type: "FORM", fields: [] }),
  () =>
    stepState(8, "KYC_PENDING", {
      type: "REDIRECT",
      url: "https://hosted.example/kyc",
      returnUrl: "https://app.example/back",
      expiresAt: "2030-01-01T00:00:00Z",
    }),
  // A step without its resource whose link expired: started again, or resumed.
  () => stateAt({ ...stepState(8, "KYC_PENDING").context.snapshot!, nextAction: "RESUME" }),
);

/**
 * The platform's side of an idempotency run, for the two placeholders: `platform.settles` answers the mutation in
 * flight (a success under its own key), `platform.reacts` moves the held state on (same status, newer details).
 */
function platformAnswer(state: JourneyState, timed: JourneyHostEvent): JourneyHostEvent {
  const held = state.context.snapshot;
  const pending = state.context.pendingMutation;
  if ((timed.type as string) === "platform.settles")
    return pending === null
      ? { type: "poll.notModified", at: timed.at }
      : { type: "mutation.succeeded", idempotencyKey: pending.idempotencyKey, at: timed.at };
  if ((timed.type as string) === "platform.reacts")
    return held === null
      ? { type: "poll.notModified", at: timed.at }
      : {
          type: "snapshot.received",
          snapshot: { ...held, asOf: held.asOf + 1, diagnostics: { reasonCode: `R${held.asOf + 1}` } },
          source: "poll",
          at: timed.at,
        };
  return timed;
}

/** 5. Idempotency: every mutating command has a key; a key always names the same request (retries repeat it). */
export function idempotency(reduce: Reducer) {
  // Besides intents, results and signals: the platform answering the last mutation (a newer state, same status),
  // after which the borrower may act again, so a key can be offered to a second, settled mutation.
  const reacts = { type: "platform.reacts" } as unknown as JourneyHostEvent;
  const settles = { type: "platform.settles" } as unknown as JourneyHostEvent;
  // Two keys, so that a key offered to a second mutation is common rather than rare.
  const keys = ["k0", "k1"];
  const events = fc.oneof(
    { weight: 2, arbitrary: borrowerIntentArb({ keys }) },
    { weight: 1, arbitrary: mutationResultArb({ keys }) },
    { weight: 1, arbitrary: signalArb() },
    { weight: 1, arbitrary: fc.constant(reacts) },
    { weight: 1, arbitrary: fc.constant(settles) },
  );
  return fc.property(mutableStates, fc.array(events, { maxLength: 16 }), (start, raw) => {
    let state = start();
    const requests = new Map<string, string>();
    for (const timed of withTimes(raw, T0 + 2000)) {
      const event = platformAnswer(state, timed);
      const result = reduce(state, event);
      for (const command of result.commands) {
        if (!isMutatingCommand(command)) continue;
        expect(command.idempotencyKey).toMatch(/.+/);
        const { idempotencyKey, ...request } = command;
        const seen = requests.get(idempotencyKey);
        if (seen !== undefined) expect(JSON.stringify(request)).toBe(seen);
        requests.set(idempotencyKey, JSON.stringify(request));
      }
      state = result.state;
    }
  });
}

const validBase = snapshotAt(JID, 50, "KYC_PENDING");
const hostileSnapshot = fc.oneof(
  fc.jsonValue(),
  fc
    .tuple(fc.constantFrom(...Object.keys(validBase), "extra"), fc.jsonValue())
    .map(([key, value]) => ({ ...validBase, [key]: value })),
  fc.dictionary(fc.constantFrom(...Object.keys(validBase)), fc.jsonValue()),
);
const robustStates = fc.constantFrom<() => JourneyState>(
  fresh,
  () => stateAt(snapshotAt(JID, 3, "OFFERS_PENDING")),
  () => stateAt(snapshotAt(JID, 9, "EXPIRED")),
);

/** 6. Robustness: any JSON as a snapshot or a journey never throws; it is rejected and the state is unchanged. */
export function robustness(reduce: Reducer) {
  return fc.property(robustStates, hostileSnapshot, fc.boolean(), (start, payload, asJourney) => {
    const state = start();
    const event: JourneyHostEvent = asJourney
      ? { type: "journey.loaded", journey: payload, at: T0 + 1 }
      : { type: "snapshot.received", snapshot: payload, source: "webhook", at: T0 + 1 };
    const result = reduce(state, event);
    if (result.rejected !== undefined) {
      expect(result.state).toBe(state);
      expect(result.commands).toEqual([]);
    } else {
      expect(asJourney || safeParseSnapshot(payload).ok).toBe(true);
    }
  });
}

/** The policy under test for invariant 7. */
export type CadencePolicy = (input: CadenceInput) => number | null;

const cadenceInput = fc.record({
  band: fc.constantFrom("active", "passive", "none") as fc.Arbitrary<CadenceInput["band"]>,
  justSubmitted: fc.boolean(),
  hidden: fc.boolean(),
  pushFresh: fc.boolean(),
  failures: fc.oneof(fc.constant(0), fc.nat({ max: 10 })),
  retryAfterMs: fc.option(fc.nat({ max: 600_000 }), { nil: undefined }),
  jitter: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});

/** 7a. Cadence policy: inside the seed's bounds for the band, slower when hidden/pushed, backoff ≥ Retry-After, never when ended. */
export function cadenceBounds(policy: CadencePolicy) {
  return fc.property(cadenceInput, (input) => {
    const ms = policy(input);
    if (input.band === "none") {
      expect(ms).toBeNull();
      return;
    }
    const bounds = input.justSubmitted || input.band === "active" ? CADENCE.active : CADENCE.passive;
    const slow = input.hidden || input.pushFresh ? CADENCE.slowFactor : 1;
    expect(ms).not.toBeNull();
    if (input.failures === 0) {
      expect(ms!).toBeGreaterThanOrEqual(bounds.minMs * slow);
      expect(ms!).toBeLessThanOrEqual(bounds.maxMs * slow);
    } else {
      expect(ms!).toBeGreaterThanOrEqual(bounds.minMs * slow);
      expect(ms!).toBeGreaterThanOrEqual(input.retryAfterMs ?? 0);
    }
  });
}

/** 7b. Cadence in the reducer: the armed interval fits the state's band, and nothing polls once ended. */
export function cadenceInReducer(reduce: Reducer) {
  const events = historyWithScheduleArb({ maxLength: 8 }).chain(({ schedule }) =>
    fc
      .array(fc.oneof(anyEventArb, fc.constant(null)), {
        minLength: schedule.length,
        maxLength: schedule.length,
      })
      .map((extra) =>
        schedule.flatMap((d, i) => {
          const e = extra[i];
          return e === null || e === undefined ? [deliveryEvent(d)] : [deliveryEvent(d), e];
        }),
      ),
  );
  return fc.property(events, (raw) => {
    let state = fresh();
    for (const event of withTimes(raw)) {
      const result = reduce(state, event);
      state = result.state;
      const status = statusOf(state);
      if (status !== null && isEnded(status)) {
        expect(result.commands.filter((c) => c.type === "startPolling")).toEqual([]);
        expect(journey.view(state).isPolling).toBe(false);
        continue;
      }
      const v = journey.view(state);
      const p = state.context.polling;
      if (!v.isPolling || status === null || p.failures > 0 || p.hidden || p.lastPushAt !== null) continue;
      const fast =
        STATUS_INFO[status].band === "active" || state.context.pendingMutation !== null || p.awaitingReaction;
      const bounds = fast ? CADENCE.active : CADENCE.passive;
      expect(v.pollInMs!).toBeGreaterThanOrEqual(bounds.minMs);
      expect(v.pollInMs!).toBeLessThanOrEqual(bounds.maxMs);
    }
  });
}

/** 8. Server authority: a newer snapshot on an unexpected edge is held and re-fetched, applied once confirmed. */
export function serverAuthority(reduce: Reducer) {
  const scenario = serverHistoryArb({ maxLength: 6, allowEnd: false }).chain((generated) => {
    const last = generated.at(-1)!;
    // Nothing is unexpected from STARTED (every move is forward), so such a history takes one more step.
    const history =
      last.status === "STARTED"
        ? [...generated, snapshotAt(JID, last.asOf + 1, "PROFILE_REQUIRED")]
        : generated;
    const from = history.at(-1)!;
    const unexpected = JOURNEY_STATUSES.filter((s) => !isExpectedEdge(from.status, s));
    return fc
      .record({
        to: fc.constantFrom(...unexpected),
        gap: fc.integer({ min: 1, max: 4 }),
        extra: fc.nat({ max: 2 }),
      })
      .map(({ to, gap, extra }) => ({ history, anomaly: snapshotAt(JID, from.asOf + gap, to), extra }));
  });
  return fc.property(scenario, ({ history, anomaly, extra }) => {
    const state = afterPolls(reduce, history);
    const before = state.context.snapshot;
    const held = reduce(state, {
      type: "snapshot.received",
      snapshot: anomaly,
      source: "webhook",
      at: T0 + 100,
    });
    expect(held.state.context.snapshot).toEqual(before);
    // For the anomaly, or for what a re-read was already asked for (the offers): that read settles both.
    const reason = state.context.refetch ?? "anomaly";
    expect(held.commands).toContainEqual({ type: "fetchJourney", journeyID: JID, reason });
    expect(held.state.context.anomalies.at(-1)).toMatchObject({
      toStatus: anomaly.status,
      resolution: "held",
    });
    const confirmedAt = anomaly.asOf + extra;
    const loaded = reduce(held.state, {
      type: "journey.loaded",
      journey: { ...journeyFixture({ journeyID: JID }), ...anomaly, asOf: confirmedAt },
      at: T0 + 101,
    });
    expect(loaded.state.context.snapshot?.asOf).toBe(confirmedAt);
    expect(loaded.state.context.asOf).toBe(confirmedAt);
    expect(statusOf(loaded.state)).toBe(anomaly.status);
    expect(lifecycleNode(loaded.state)).toBe(anomaly.status);
    expect(loaded.state.context.anomalies.at(-1)?.resolution).toBe("confirmed");
  });
}

/** A fresh journey after polls answered `history`, one ms apart. */
function afterPolls(reduce: Reducer, history: readonly JourneySnapshot[]): JourneyState {
  let state = fresh();
  for (const [i, snapshot] of history.entries())
    state = reduce(state, { type: "snapshot.received", snapshot, source: "poll", at: T0 + i }).state;
  return state;
}

/**
 * 8b. Ties are not trusted: another state at the held `asOf` cannot be ordered by time, so it is held and the
 * journey re-fetched; the re-fetched journey decides, read later or at the tie's own `asOf` (server authority).
 */
export function tiesRefetched(reduce: Reducer) {
  const scenario = serverHistoryArb({ maxLength: 6, allowEnd: false }).chain((history) => {
    const from = history.at(-1)!;
    return fc
      .record({
        to: fc.constantFrom(...JOURNEY_STATUSES),
        readLater: fc.constantFrom(0, 1),
      })
      .map(({ to, readLater }) => ({
        history,
        readLater,
        tied: { ...snapshotAt(JID, from.asOf, to), diagnostics: { reasonCode: "TIED" } },
      }));
  });
  return fc.property(scenario, ({ history, tied, readLater }) => {
    const state = afterPolls(reduce, history);
    const before = state.context.snapshot;
    const result = reduce(state, {
      type: "snapshot.received",
      snapshot: tied,
      source: "webhook",
      at: T0 + 100,
    });
    expect(result.state.context.snapshot).toEqual(before);
    expect(result.state.context.asOf).toBe(tied.asOf);
    const reason = state.context.refetch ?? "anomaly";
    expect(result.commands).toContainEqual({ type: "fetchJourney", journeyID: JID, reason });
    const settled = reduce(result.state, {
      type: "journey.loaded",
      journey: { ...journeyFixture({ journeyID: JID }), ...tied, asOf: tied.asOf + readLater },
      at: T0 + 101,
    });
    expect(settled.state.context.snapshot?.diagnostics).toEqual({ reasonCode: "TIED" });
    expect(statusOf(settled.state)).toBe(tied.status);
  });
}
