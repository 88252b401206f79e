import { describe, expect, it } from "vitest";
import type { InspectionEvent } from "xstate";
import { ContractError, type JourneySnapshot } from "../../src/contract/index.js";
import { CADENCE } from "../../src/journey/index.js";
import {
  type CreateJourneyOptions,
  controlledSignals,
  createJourney,
  createManualClock,
  IntentError,
  JourneyWaitError,
  RuntimeConfigError,
  RuntimeStateError,
} from "../../src/runtime/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";
import { apiError, createFakeClient, flush } from "./fake-client.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";

/** A fixture snapshot at order key 5 (only the order matters); the tests' newer ones are 6, 7, 9. */
const snap = (overrides: Parameters<typeof snapshotFixture>[0] = {}) =>
  snapshotFixture({ asOf: 5, ...overrides });

async function started(state = snap()) {
  const fake = createFakeClient(state);
  const clock = createManualClock();
  const runtime = createJourney({ client: fake.client, journeyID: JOURNEY, initial: state, clock });
  runtime.start();
  await flush();
  return { fake, clock, runtime };
}

/** A runtime over `fake` from `initial`, fed by `push` on `clock`, started and settled. */
async function startedWithPush(
  fake: ReturnType<typeof createFakeClient>,
  initial: JourneySnapshot,
  clock: ReturnType<typeof createManualClock>,
  push: NonNullable<CreateJourneyOptions["push"]>,
) {
  const runtime = createJourney({ client: fake.client, journeyID: JOURNEY, initial, clock, push });
  runtime.start();
  await flush();
  return runtime;
}

describe("createJourney", () => {
  it("stamps intents with the clock's time and a fresh Web Crypto UUID key; the client gets that key", async () => {
    const { fake, clock, runtime } = await started();
    await runtime.waitFor((v) => v.offers.length === 2);
    clock.advance(1_234);
    const result = runtime.send({ type: "offer.select", offerID: "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91" });
    expect(result.accepted).toBe(true);
    expect(result.idempotencyKey).toMatch(UUID);
    expect(runtime.getState().context.now).toBe(clock.now());
    await flush();
    const call = fake.calls.find((c) => c.method === "proceedOffer");
    expect(call?.options?.idempotencyKey).toBe(result.idempotencyKey);
  });

  it("mutation.retry re-sends a retryable failure with the same key; two intents never share one", async () => {
    const { fake, runtime } = await started(
      snap({ status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" }),
    );
    fake.mutationAnswers.push(apiError("RATE_LIMITED", 429));
    const first = runtime.send({ type: "profile.submit", bureauConsent: true, profile: {} as never });
    await flush();
    expect(runtime.view().can.retry).toBe(true);
    expect(runtime.view().error?.code).toBe("RATE_LIMITED");
    runtime.send({ type: "mutation.retry" });
    await flush();
    const keysOf = (method: string) =>
      fake.calls.filter((c) => c.method === method).map((c) => c.options?.idempotencyKey);
    // One intent, two calls with keys of their own, both reused by the retry.
    expect(keysOf("upsertProfile")).toEqual([
      `${first.idempotencyKey}.upsert`,
      `${first.idempotencyKey}.upsert`,
    ]);
    expect(keysOf("submitProfile")).toEqual([
      `${first.idempotencyKey}.submit`,
      `${first.idempotencyKey}.submit`,
    ]);
    expect(runtime.view().pendingMutation).toBeNull();
    expect(runtime.view().error).toBeNull();
  });

  it("shows OFFER_LOCK_CONFLICT from the platform in the view and re-fetches the journey", async () => {
    const { fake, runtime } = await started();
    await runtime.waitFor((v) => v.offers.length === 2);
    fake.mutationAnswers.push(apiError("OFFER_LOCK_CONFLICT", 409));
    runtime.send({ type: "offer.select", offerID: "ofr_fixture02" });
    await flush();
    expect(runtime.view().error).toMatchObject({
      origin: "mutation",
      code: "OFFER_LOCK_CONFLICT",
      offerID: "ofr_fixture02",
    });
    expect(fake.calls.filter((c) => c.method === "getJourney")).toHaveLength(2);
  });

  it("applies a mutation's answer after the mutation: the new snapshot ends the just-submitted fast polling", async () => {
    const { fake, runtime } = await started(
      snap({ status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" }),
    );
    fake.mutationAnswers.push(snap({ asOf: 6, status: "PROFILE_SUBMITTED", nextAction: "WAIT" }));
    runtime.send({ type: "profile.submit", bureauConsent: true, profile: {} as never });
    await flush();
    expect(runtime.view().status).toBe("PROFILE_SUBMITTED");
    expect(runtime.getState().context.polling.awaitingReaction).toBe(false);
  });

  it("notifies only when the view changes; a 304 or an unchanged poll wakes nobody and getSnapshot stays the same object", async () => {
    const { fake, clock, runtime } = await started(
      snap({ status: "OFFERS_PENDING", nextAction: "WAIT", offerCount: undefined }),
    );
    let woken = 0;
    runtime.subscribe(() => woken++);
    const before = runtime.getSnapshot();
    clock.advance(60_000);
    await flush();
    clock.advance(60_000);
    await flush();
    const polls = fake.calls.filter((c) => c.method === "getJourneyState");
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.slice(1).every((c) => c.options?.etag === '"5"')).toBe(true);
    expect(woken).toBe(0);
    expect(runtime.getSnapshot()).toBe(before);
    fake.state = snap({ asOf: 6, status: "OFFERS_AVAILABLE" });
    clock.advance(CADENCE.passive.maxMs);
    await flush();
    expect(woken).toBeGreaterThanOrEqual(1);
    expect(runtime.view().status).toBe("OFFERS_AVAILABLE");
  });

  it("takes a later re-read of the same state (the platform sends no ETag) as news to nobody, but as the order key", async () => {
    const state = snap({ status: "OFFERS_PENDING", nextAction: "WAIT", offerCount: undefined });
    const { fake, clock, runtime } = await started(state);
    let woken = 0;
    runtime.subscribe(() => woken++);
    const before = runtime.getSnapshot();
    for (const asOf of [6, 7, 8]) {
      fake.state = { ...state, asOf };
      clock.advance(CADENCE.passive.maxMs);
      await flush();
    }
    expect(woken).toBe(0);
    expect(runtime.getSnapshot()).toBe(before);
    expect(runtime.getState().context.asOf).toBe(8);
    expect(runtime.getState().context.snapshot?.asOf).toBe(5);
  });

  it("backs off a journey that answers 404 (a wrong id) for ten minutes instead of polling it in a loop, shows the error and tells onError once", async () => {
    const fake = createFakeClient();
    let polls = 0;
    (fake.client as { getJourneyState: unknown }).getJourneyState = async () => {
      polls++;
      throw apiError("NOT_FOUND", 404);
    };
    const clock = createManualClock();
    const heard: unknown[] = [];
    const runtime = createJourney({
      client: fake.client,
      journeyID: "not-a-journey",
      clock,
      onError: (error) => heard.push(error),
    });
    runtime.start();
    const pollTimes: number[] = [];
    for (let second = 0; second < 600; second++) {
      const before = polls;
      await flush();
      if (polls > before) pollTimes.push(clock.now());
      clock.advance(1_000);
    }
    // Ten minutes: the first poll at once, then the interval doubling up to the backoff ceiling (never a loop).
    expect(polls).toBeGreaterThanOrEqual(5);
    expect(polls).toBeLessThanOrEqual(30);
    const gaps = pollTimes.slice(1).map((t, i) => t - (pollTimes[i] as number));
    expect(gaps.every((gap) => gap >= 2_000)).toBe(true);
    expect(gaps.slice(0, 4).every((gap, i) => i === 0 || gap >= (gaps[i - 1] as number))).toBe(true);
    expect(runtime.view().error).toMatchObject({ origin: "sync", code: "NOT_FOUND", kind: "notFound" });
    expect(heard).toEqual([expect.objectContaining({ origin: "sync", code: "NOT_FOUND" })]);
    runtime.stop();
  });

  it("takes a thin pushed frame (a relayed webhook, nothing read) as a nudge: it polls at once for the full state", async () => {
    const held = snap({
      status: "KYC_PENDING",
      nextAction: "COMPLETE_STEP",
      diagnostics: { reasonCode: "KYC_LINK_SENT" },
    });
    const fake = createFakeClient(held);
    const clock = createManualClock();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* push() {
      await gate;
      fake.state = snap({
        asOf: 8,
        status: "BANK_MANDATE_PENDING",
        nextAction: "COMPLETE_STEP",
        diagnostics: { reasonCode: "MANDATE" },
      });
      yield { journeyID: JOURNEY, status: "BANK_MANDATE_PENDING", nextAction: "COMPLETE_STEP", asOf: 7 };
    }
    const runtime = await startedWithPush(fake, held, clock, push());
    const pollsBefore = fake.calls.filter((c) => c.method === "getJourneyState").length;
    release();
    await flush();
    // Without advancing the clock: the frame woke the poller, and the view shows the full state, details and all.
    expect(fake.calls.filter((c) => c.method === "getJourneyState").length).toBe(pollsBefore + 1);
    expect(runtime.view().status).toBe("BANK_MANDATE_PENDING");
    expect(runtime.view().diagnostics).toEqual({ reasonCode: "MANDATE" });
    expect(runtime.getState().context.asOf).toBe(8);
    runtime.stop();
  });

  it("a thin pushed frame that arrives while a poll is on the wire polls again once that one is back", async () => {
    const held = snap({ status: "KYC_PENDING", nextAction: "COMPLETE_STEP" });
    const fake = createFakeClient(held);
    const clock = createManualClock();
    const poll = fake.client.getJourneyState;
    let answer: (() => void) | undefined;
    let polls = 0;
    // The first poll after start is held on the wire, then answers what it read when it left (the old state).
    (fake.client as { getJourneyState: unknown }).getJourneyState = async (
      ...args: Parameters<typeof poll>
    ) => {
      polls++;
      const read = await poll(...args);
      if (polls === 2) await new Promise<void>((resolve) => (answer = resolve));
      return read;
    };
    const frames: JourneySnapshot[] = [];
    let nextFrame: (() => void) | undefined;
    async function* push() {
      for (;;) {
        await new Promise<void>((resolve) => (nextFrame = resolve));
        yield frames.shift()!;
      }
    }
    const runtime = await startedWithPush(fake, held, clock, push());
    runtime.refresh();
    await flush();
    expect(polls).toBe(2);
    // The platform moves on after that poll read it; the relay pushes the thin frame.
    fake.state = snap({ asOf: 8, status: "BANK_MANDATE_PENDING", nextAction: "COMPLETE_STEP" });
    frames.push({
      journeyID: JOURNEY,
      status: "BANK_MANDATE_PENDING",
      nextAction: "COMPLETE_STEP",
      asOf: 7,
    } as never);
    nextFrame!();
    await flush();
    answer!();
    await flush();
    // Without advancing the clock: one more poll, and the view at the new state.
    expect(polls).toBe(3);
    expect(runtime.view().status).toBe("BANK_MANDATE_PENDING");
    runtime.stop();
  });

  it("counts a Retry-After from when the failed poll came back, not from when it left (time on the wire never shortens it)", async () => {
    const held = snap({ status: "OFFERS_PENDING", nextAction: "WAIT", offerCount: undefined });
    const fake = createFakeClient(held);
    const clock = createManualClock();
    const pollTimes: number[] = [];
    let hold: Promise<void> | undefined;
    (fake.client as { getJourneyState: unknown }).getJourneyState = async () => {
      pollTimes.push(clock.now());
      if (pollTimes.length === 1) return { kind: "notModified", etag: '"1"' };
      // The client spends 40 s on the call (its own retries), then gives up: 429, Retry-After 30 s.
      await hold;
      throw Object.assign(apiError("RATE_LIMITED", 429), { retryAfterMs: 30_000 });
    };
    let release: () => void = () => {};
    hold = new Promise<void>((resolve) => (release = resolve));
    const runtime = createJourney({ client: fake.client, journeyID: JOURNEY, initial: held, clock });
    runtime.start();
    await flush();
    runtime.refresh();
    await flush();
    expect(pollTimes).toHaveLength(2);
    clock.advance(40_000);
    release();
    await flush();
    const failedAt = clock.now();
    expect(runtime.getState().context.polling.retryAfterMs).toBe(30_000);
    for (let second = 0; second < 120 && pollTimes.length === 2; second++) {
      clock.advance(1_000);
      await flush();
    }
    expect(pollTimes.length).toBe(3);
    expect((pollTimes[2] as number) - failedAt).toBeGreaterThanOrEqual(30_000);
    runtime.stop();
  });

  it("counts a failed journey re-read's Retry-After from when it came back, and polls after a wake-up heard during the re-read", async () => {
    for (const ending of ["fails", "answers"] as const) {
      const held = snap({ asOf: 5, status: "OFFERS_PENDING", nextAction: "WAIT", offerCount: undefined });
      const fake = createFakeClient(held);
      const clock = createManualClock();
      const pollTimes: number[] = [];
      (fake.client as { getJourneyState: unknown }).getJourneyState = async () => {
        pollTimes.push(clock.now());
        return { kind: "snapshot", snapshot: fake.state, etag: `"${fake.state.asOf}"` };
      };
      let release: () => void = () => {};
      const getJourney = fake.client.getJourney;
      (fake.client as { getJourney: unknown }).getJourney = async (
        ...args: Parameters<typeof getJourney>
      ) => {
        const read = await getJourney(...args); // what the platform said when the read left
        await new Promise<void>((resolve) => (release = resolve));
        if (ending === "fails") throw Object.assign(apiError("RATE_LIMITED", 429), { retryAfterMs: 30_000 });
        return read;
      };
      const runtime = createJourney({ client: fake.client, journeyID: JOURNEY, initial: held, clock });
      runtime.start();
      await flush();
      // Offers appear: the poll sees them and the journey is re-read for them.
      fake.state = snap({ asOf: 6, status: "OFFERS_AVAILABLE", nextAction: "SELECT_OFFER" });
      runtime.refresh();
      await flush();
      expect(runtime.getState().value.sync, ending).toBe("loadingJourney");
      // The re-read spends 40 s on the wire (the client's own retries) or 300 ms; meanwhile the app asks for a
      // refresh.
      clock.advance(ending === "fails" ? 40_000 : 300);
      runtime.refresh();
      release();
      await flush();
      const backAt = clock.now();
      for (let second = 0; second < 60 && pollTimes.length === 2; second++) {
        clock.advance(1_000);
        await flush();
      }
      const next = (pollTimes[2] as number) - backAt;
      if (ending === "fails") expect(next, ending).toBeGreaterThanOrEqual(30_000);
      else expect(next, ending).toBe(0);
      runtime.stop();
    }
  });

  it("hands a tie (a poll or a pushed frame at the held asOf saying something else) to the reducer: held, the journey re-read", async () => {
    for (const via of ["poll", "push"] as const) {
      const held = snap({ status: "OFFERS_PENDING", nextAction: "WAIT", offerCount: undefined });
      const fake = createFakeClient(held);
      const clock = createManualClock();
      const tie = snap({
        asOf: held.asOf,
        status: "REJECTED",
        nextAction: "NONE" as never,
        offerCount: undefined,
      });
      let frame: (() => void) | undefined;
      async function* push() {
        await new Promise<void>((resolve) => (frame = resolve));
        yield tie;
      }
      const runtime = createJourney({
        client: fake.client,
        journeyID: JOURNEY,
        initial: held,
        clock,
        ...(via === "push" ? { push: push() } : {}),
      });
      runtime.start();
      await flush();
      // The platform's own answer at the same asOf (another ETag: it says something else): the reducer cannot
      // tell which is newer, so it asks.
      fake.state = tie;
      (fake.client as { getJourneyState: unknown }).getJourneyState = async () => ({
        kind: "snapshot",
        snapshot: fake.state,
        etag: '"tie"',
      });
      if (via === "poll") runtime.refresh();
      else frame!();
      await flush();
      expect(fake.calls.filter((c) => c.method === "getJourney").length, via).toBe(1);
      expect(runtime.view().status, via).toBe("REJECTED");
      runtime.stop();
    }
  });

  it("feeds a push source as snapshots and relaxes polling; invalid frames go to onError", async () => {
    const state = snap({
      status: "OFFERS_PENDING",
      nextAction: "WAIT",
      offerCount: undefined,
    });
    const fake = createFakeClient(state);
    const clock = createManualClock();
    const errors: unknown[] = [];
    async function* push() {
      yield { not: "a snapshot" };
      yield snap({
        asOf: 7,
        status: "OFFERS_PENDING",
        nextAction: "WAIT",
        offerCount: undefined,
        diagnostics: { message: "pushed" },
      });
    }
    const runtime = createJourney({
      client: fake.client,
      journeyID: JOURNEY,
      initial: state,
      clock,
      push: push(),
      onError: (e) => errors.push(e),
    });
    runtime.start();
    const relaxedFrom = runtime.view().pollInMs!;
    await flush();
    expect(runtime.view().asOf).toBe(7);
    expect(runtime.view().diagnostics.message).toBe("pushed");
    expect(errors).toHaveLength(1);
    expect(runtime.getState().context.polling.lastPushAt).toBe(clock.now());
    expect(runtime.view().pollInMs).toBeGreaterThanOrEqual(CADENCE.passive.minMs * CADENCE.slowFactor);
    expect(relaxedFrom).toBeLessThanOrEqual(CADENCE.passive.maxMs);
    runtime.stop();
  });

  it("keeps polling when the host's onError throws (a lasting 404 is told, and polling goes on backing off)", async () => {
    const fake = createFakeClient(snap());
    const clock = createManualClock();
    let told = 0;
    let polls = 0;
    (fake.client as { getJourneyState: unknown }).getJourneyState = async () => {
      polls++;
      throw apiError("NOT_FOUND", 404);
    };
    const runtime = createJourney({
      client: fake.client,
      journeyID: JOURNEY,
      initial: snap(),
      clock,
      onError: () => {
        told++;
        throw new Error("the host's handler failed");
      },
    });
    runtime.start();
    await flush();
    for (let i = 0; i < 5; i++) {
      clock.advance(CADENCE.passive.maxMs * 4);
      await flush();
    }
    expect(told).toBeGreaterThanOrEqual(1);
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(runtime.view().error).toMatchObject({ origin: "sync", code: "NOT_FOUND" });
    runtime.stop();
  });

  it("sends step data only when there is some", async () => {
    const form = snap({
      status: "BANK_MANDATE_PENDING",
      nextAction: "COMPLETE_STEP",
      actionRequired: { stepID: "stp_f", kind: "FORM", resource: { type: "FORM", fields: [] } },
    });
    const { runtime } = await started(form);
    runtime.send({ type: "step.submit", data: null as never });
    expect(runtime.getState().context.pendingMutation).not.toHaveProperty("data");
    runtime.stop();
  });

  it("shows the live actor to an inspector", async () => {
    const events: InspectionEvent[] = [];
    const fake = createFakeClient();
    const runtime = createJourney({
      client: fake.client,
      journeyID: JOURNEY,
      clock: createManualClock(),
      inspect: (e) => events.push(e),
    });
    runtime.start();
    await flush();
    expect(
      events.some(
        (e) =>
          e.type === "@xstate.actor" && (e.actorRef as { logic?: { id?: string } }).logic?.id === "journey",
      ),
    ).toBe(true);
    expect(
      events.some(
        (e) => e.type === "@xstate.event" && (e.event as { type: string }).type === "snapshot.received",
      ),
    ).toBe(true);
    runtime.stop();
  });

  it("a poll refused with 401 AUTH_INVALID_SESSION (renewal already tried) marks the session expired; AUTH_INVALID_API_KEY does not", async () => {
    const pending = snap({
      status: "OFFERS_PENDING",
      nextAction: "WAIT",
      offerCount: undefined,
    });
    const outcomes: Record<string, boolean> = {};
    for (const code of ["AUTH_INVALID_SESSION", "AUTH_INVALID_API_KEY"] as const) {
      const { fake, clock, runtime } = await started(pending);
      expect(runtime.view().isSessionExpired).toBe(false);
      let polls = 0;
      (fake.client as { getJourneyState: unknown }).getJourneyState = async () => {
        polls++;
        throw apiError(code, 401);
      };
      clock.advance(CADENCE.passive.maxMs);
      await flush();
      expect(polls).toBeGreaterThanOrEqual(1);
      outcomes[code] = runtime.view().isSessionExpired;
      runtime.stop();
    }
    expect(outcomes).toEqual({ AUTH_INVALID_SESSION: true, AUTH_INVALID_API_KEY: false });
  });

  it("refuses bad input with typed errors: unknown intents, no step, send before start, bad initial state", async () => {
    const fake = createFakeClient();
    const runtime = createJourney({ client: fake.client, journeyID: JOURNEY, clock: createManualClock() });
    expect(() => runtime.send({ type: "consent.create" })).toThrow(RuntimeStateError);
    runtime.start();
    expect(() => runtime.send({ type: "nope" } as never)).toThrow(IntentError);
    await flush();
    expect(() => runtime.send({ type: "step.start" })).toThrow(expect.objectContaining({ field: "stepID" }));
    runtime.stop();
    for (const journeyID of ["", "x".repeat(129)])
      expect(() => createJourney({ client: fake.client, journeyID, clock: createManualClock() })).toThrow(
        expect.objectContaining({ issues: [expect.objectContaining({ path: "journeyID" })] }),
      );
    expect(() => createJourney({ client: fake.client, journeyID: "", clock: createManualClock() })).toThrow(
      ContractError,
    );
    // Ids are opaque: a platform UUID without any prefix is a valid journey id.
    expect(() =>
      createJourney({
        client: fake.client,
        journeyID: "3f2b8c1e-4d5a-4b6c-8e7f-9a0b1c2d3e4f",
        clock: createManualClock(),
      }),
    ).not.toThrow();
    expect(() =>
      createJourney({
        client: fake.client,
        journeyID: JOURNEY,
        initial: { value: {}, context: { journeyID: "jrn_other" } },
      }),
    ).toThrow(/context.journeyID/);
  });

  it("refuses a state persisted by the first release (journeyId, version, nextAction objects) with a ContractError, never misreading it", async () => {
    const { fake, runtime } = await started();
    const current = runtime.persist() as unknown as { value: unknown; context: Record<string, unknown> };
    const {
      journeyID: id,
      snapshot,
      asOf: _asOf,
      ...rest
    } = current.context as { journeyID: string; snapshot: Record<string, unknown>; asOf: number };
    const { journeyID: _sid, nextAction: _next, asOf: _snapshotAsOf, ...snapshotRest } = snapshot;
    const firstRelease = {
      value: current.value,
      context: {
        ...rest,
        journeyId: id,
        snapshot: { ...snapshotRest, journeyId: id, version: 5, nextAction: { type: "SELECT_OFFER" } },
      },
    };
    let error: unknown;
    try {
      createJourney({ client: fake.client, journeyID: id, initial: firstRelease as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractError);
    const paths = (error as ContractError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "context.journeyID",
        "context.asOf",
        "context.snapshot.journeyID",
        "context.snapshot.nextAction",
        "context.snapshot.asOf",
      ]),
    );
  });

  it("waitFor resolves on a match and rejects when the journey ends or the runtime stops", async () => {
    const { fake, clock, runtime } = await started();
    await expect(runtime.waitFor((v) => v.status === "OFFERS_AVAILABLE")).resolves.toMatchObject({
      asOf: 5,
    });
    const never = runtime.waitFor((v) => v.status === "DISBURSED");
    fake.state = snap({ asOf: 9, status: "REJECTED", nextAction: null });
    clock.advance(CADENCE.passive.maxMs);
    await expect(never).rejects.toMatchObject({ reason: "ENDED" });
    runtime.stop();
    await expect(runtime.waitFor(() => false)).rejects.toBeInstanceOf(JourneyWaitError);
  });

  it("send() from inside a listener applies the intent before it answers: accepted, told, sent; every listener is shown each view once", async () => {
    const state = snap();
    const fake = createFakeClient(state);
    const told: unknown[] = [];
    const runtime = createJourney({
      client: fake.client,
      journeyID: JOURNEY,
      initial: state,
      clock: createManualClock(),
      onEvent: (event) => told.push(event),
    });
    const answers: { accepted: boolean; idempotencyKey?: string }[] = [];
    runtime.subscribe((view) => {
      if (view.offers.length === 2 && answers.length === 0)
        answers.push(runtime.send({ type: "offer.select", offerID: "ofr_fixture02" }));
    });
    const seen: unknown[] = [];
    runtime.subscribe((view) => seen.push(view));
    runtime.start();
    await flush();
    expect(answers).toHaveLength(1);
    expect(answers[0]?.accepted).toBe(true);
    expect(told).toContainEqual(
      expect.objectContaining({ type: "intent.sent", intent: "offer.select", accepted: true }),
    );
    const key = answers[0]?.idempotencyKey;
    expect(fake.calls.find((c) => c.method === "proceedOffer")?.options?.idempotencyKey).toBe(key);
    // The other listener was shown the mutation pending, and each view once: never one it had been shown again.
    expect(
      seen.some(
        (v) =>
          (v as { pendingMutation: { idempotencyKey: string } | null }).pendingMutation?.idempotencyKey ===
          key,
      ),
    ).toBe(true);
    expect(new Set(seen).size).toBe(seen.length);
    runtime.stop();
  });

  it("a waitFor predicate that throws rejects that wait with its error; the view, listeners and other waits go on", async () => {
    const { fake, clock, runtime } = await started();
    const seen: number[] = [];
    runtime.subscribe((v) => void seen.push(v.asOf));
    const failing = new Error("no offer yet");
    let calls = 0;
    const broken = runtime.waitFor((v) => {
      calls++;
      if (v.asOf >= 6) throw failing;
      return false;
    });
    const other = runtime.waitFor((v) => v.status === "OFFER_SELECTED");
    fake.state = snap({ asOf: 6, status: "KYC_PENDING", nextAction: "COMPLETE_KYC" });
    clock.advance(CADENCE.passive.maxMs);
    await flush();
    await expect(broken).rejects.toBe(failing);
    fake.state = snap({ asOf: 7, status: "OFFER_SELECTED", nextAction: "COMPLETE_KYC" });
    clock.advance(CADENCE.passive.maxMs);
    await flush();
    await expect(other).resolves.toMatchObject({ asOf: 7 });
    // Removed once it threw: never asked again.
    expect(calls).toBe(2);
    expect(seen).toEqual(expect.arrayContaining([6, 7]));
    expect(runtime.view().asOf).toBe(7);
    runtime.stop();
  });
});

describe("createJourney: restore, wake-ups, retries and teardown", () => {
  const profileState = () => snap({ status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" });
  const pollsOf = (fake: ReturnType<typeof createFakeClient>) =>
    fake.calls.filter((c) => c.method === "getJourneyState").length;
  /** A started runtime over a fake client of the profile state (or `initial`), on a manual clock. */
  async function running(options: Partial<Parameters<typeof createJourney>[0]> = {}, state = profileState()) {
    const fake = createFakeClient(state);
    const clock = createManualClock();
    const signals = controlledSignals();
    const runtime = createJourney({
      client: fake.client,
      journeyID: JOURNEY,
      initial: state,
      clock,
      signals,
      ...options,
    });
    runtime.start();
    await flush();
    return { fake, clock, signals, runtime };
  }

  it("a state persisted while offline or hidden resumes polling at the visible cadence on a visible, online app", async () => {
    for (const away of [{ online: false }, { visible: false }]) {
      const first = await running();
      first.signals.set(away);
      const saved = first.runtime.persist();
      first.runtime.stop();
      const { fake, clock, runtime: restored } = await running({ initial: saved });
      expect(restored.getState().context.online, JSON.stringify(away)).toBe(true);
      expect(restored.getState().context.polling.hidden, JSON.stringify(away)).toBe(false);
      for (let second = 0; second < 60; second++) {
        clock.advance(1_000);
        await flush();
      }
      // The passive band is 10–20 s: three polls or more in a minute (none at all before the fix when offline,
      // one every ~63 s when hidden).
      expect(pollsOf(fake), JSON.stringify(away)).toBeGreaterThanOrEqual(3);
      restored.stop();
    }
  });

  it("a state persisted while the session was expired tries the restoring runtime's credentials: polling resumes", async () => {
    const first = await running();
    const poll = first.fake.client.getJourneyState;
    (first.fake.client as { getJourneyState: unknown }).getJourneyState = async () => {
      throw apiError("AUTH_INVALID_SESSION", 401);
    };
    first.runtime.refresh();
    await flush();
    expect(first.runtime.view().isSessionExpired).toBe(true);
    const saved = first.runtime.persist();
    first.runtime.stop();
    (first.fake.client as { getJourneyState: unknown }).getJourneyState = poll;
    const { fake, clock, runtime: restored } = await running({ initial: saved });
    expect(restored.view().isSessionExpired).toBe(false);
    for (let second = 0; second < 60; second++) {
      clock.advance(1_000);
      await flush();
    }
    expect(pollsOf(fake)).toBeGreaterThanOrEqual(3);
    restored.stop();
  });

  it("a wake-up (back in view, refresh()) while a Retry-After is armed waits it out: no poll before it", async () => {
    const { fake, clock, signals, runtime } = await running();
    const poll = fake.client.getJourneyState;
    let limited = true;
    let polls = 0;
    (fake.client as { getJourneyState: unknown }).getJourneyState = async (
      ...args: Parameters<typeof poll>
    ) => {
      polls++;
      if (limited) throw Object.assign(apiError("RATE_LIMITED", 429), { retryAfterMs: 300_000 });
      return poll(...args);
    };
    runtime.refresh();
    await flush();
    expect(runtime.getState().context.polling.retryAfterMs).toBe(300_000);
    const before = polls;
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000);
      signals.set({ visible: false });
      await flush();
      signals.set({ visible: true });
      await flush();
      runtime.refresh();
      await flush();
    }
    expect(polls).toBe(before);
    limited = false;
    clock.advance(300_000);
    await flush();
    expect(polls).toBe(before + 1);
    runtime.stop();
  });

  it("a mutation.retry while the mutation is still in flight is refused (accepted: false), as the machine refuses it", async () => {
    const state = profileState();
    const fake = createFakeClient(state);
    let release = (): void => {};
    fake.mutationAnswers.push(
      new Promise<void>((resolve) => (release = resolve)).then(() => fake.state) as never,
    );
    const events: { type: string; intent?: string; accepted?: boolean }[] = [];
    const runtime = createJourney({
      client: fake.client,
      journeyID: JOURNEY,
      initial: state,
      clock: createManualClock(),
      onEvent: (e) => void events.push(e),
    });
    runtime.start();
    await flush();
    expect(runtime.send({ type: "profile.submit", bureauConsent: true, profile: {} as never }).accepted).toBe(
      true,
    );
    expect(runtime.send({ type: "mutation.retry" }).accepted).toBe(false);
    expect(events.filter((e) => e.type === "intent.sent").map((e) => [e.intent, e.accepted])).toEqual([
      ["profile.submit", true],
      ["mutation.retry", false],
    ]);
    release();
    await flush();
    runtime.stop();
  });

  it("stop() stops polling even when the host's unsubscribe is not a function or throws, and tells onError", async () => {
    for (const unsubscribe of [
      { remove() {} },
      () => {
        throw new Error("host teardown failed");
      },
    ]) {
      const errors: unknown[] = [];
      const { fake, clock, runtime } = await running({
        signals: { isVisible: () => true, isOnline: () => true, subscribe: () => unsubscribe as never },
        onError: (e) => void errors.push(e),
      });
      expect(() => runtime.stop()).not.toThrow();
      const before = fake.calls.length;
      for (let i = 0; i < 6; i++) {
        clock.advance(10_000);
        await flush();
      }
      expect(fake.calls.length).toBe(before);
      expect(clock.pending()).toBe(0);
      expect(errors).toHaveLength(1);
    }
  });

  it("refuses a client without a method the runtime calls (a read-only client) when created, naming client", () => {
    const { client } = createFakeClient(profileState());
    const { upsertProfile: _dropped, ...readOnly } = client;
    let error: unknown;
    try {
      createJourney({ client: readOnly as never, journeyID: JOURNEY });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RuntimeConfigError);
    expect((error as RuntimeConfigError).field).toBe("client");
  });
});
