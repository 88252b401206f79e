import { describe, expect, it } from "vitest";
import type { JourneyState } from "../../machines/journey/index.js";
import type { JourneySnapshot, Resource } from "../../src/contract/index.js";
import { ContractError } from "../../src/contract/index.js";
import { journey } from "../../src/journey/index.js";
import { journeyFixture, offerFixture } from "../../src/testing/fixtures.js";
import { JID, offersState, received, replay, run, snap, T0 } from "./support.js";

describe("journey.initial", () => {
  it("starts in loading without a snapshot and polls at once", () => {
    const { state, commands } = journey.initialWithCommands({ journeyID: JID, at: T0 });
    expect(state.value).toEqual({ lifecycle: "loading", mutation: "idle", sync: "polling" });
    expect(commands).toEqual([{ type: "startPolling", journeyID: JID, inMs: 0 }]);
    expect(journey.view(state).screen).toBe("loading");
  });
  it("starts in the snapshot's status", () => {
    const state = journey.initial({ journeyID: JID, snapshot: snap(3, "KYC_PENDING"), at: T0 });
    expect(state.value.lifecycle).toBe("KYC_PENDING");
    expect(journey.view(state).status).toBe("KYC_PENDING");
  });
  it("starts an ended journey in ended, without polling", () => {
    const { state, commands } = journey.initialWithCommands({
      journeyID: JID,
      snapshot: snap(9, "REJECTED"),
      at: T0,
    });
    expect(state.value).toEqual({ lifecycle: { ended: "REJECTED" }, mutation: "idle", sync: "stopped" });
    expect(commands).toEqual([]);
  });
  it("throws a ContractError naming the field on bad input", () => {
    expect(() => journey.initial({ journeyID: "", at: T0 })).toThrow(/journeyID/);
    expect(() => journey.initial({ journeyID: JID, at: Number.NaN })).toThrow(ContractError);
    expect(() => journey.initial({ journeyID: JID, snapshot: { asOf: "x" }, at: T0 })).toThrow(
      /snapshot\.asOf/,
    );
    expect(() => journey.initial({ journeyID: "jrn_other", snapshot: snap(1, "STARTED"), at: T0 })).toThrow(
      /snapshot\.journeyID/,
    );
  });
});

describe("snapshots", () => {
  it("applies a newer snapshot on an expected edge", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(1, "STARTED"), at: T0 });
    const { state, rejected } = journey.reduce(s0, received(snap(2, "PROFILE_REQUIRED"), T0 + 1));
    expect(rejected).toBeUndefined();
    expect(state.value.lifecycle).toBe("PROFILE_REQUIRED");
    expect(state.context.snapshot?.asOf).toBe(2);
  });
  it("returns the very same state for a stale or duplicate snapshot", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(4, "OFFERS_PENDING"), at: T0 });
    const stale = journey.reduce(s0, received(snap(3, "PROFILE_SUBMITTED"), T0 + 1));
    expect(stale.state).toBe(s0);
    expect(stale.rejected).toEqual({ reason: "STALE" });
    const dup = journey.reduce(s0, received(snap(4, "OFFERS_PENDING"), T0 + 1, "webhook"));
    expect(dup.state).toBe(s0);
    expect(dup.rejected).toEqual({ reason: "DUPLICATE" });
  });
  it("rejects malformed snapshots and snapshots of another journey", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(4, "OFFERS_PENDING"), at: T0 });
    for (const bad of [null, 7, "x", [], { asOf: 9 }, { ...snap(9, "KYC_PENDING"), status: "NOPE" }]) {
      const result = journey.reduce(s0, received(bad, T0 + 1));
      expect(result.state).toBe(s0);
      expect(result.rejected?.reason).toBe("INVALID_SNAPSHOT");
    }
    const other = journey.reduce(s0, received({ ...snap(9, "KYC_PENDING"), journeyID: "jrn_other" }, T0 + 1));
    expect(other.rejected?.reason).toBe("WRONG_JOURNEY");
  });
  it("rejects events that are not events", () => {
    const s0 = journey.initial({ journeyID: JID, at: T0 });
    expect(journey.reduce(s0, { type: "nope", at: 1 } as never).rejected?.reason).toBe("INVALID_EVENT");
    expect(journey.reduce(s0, null as never).rejected?.reason).toBe("INVALID_EVENT");
    expect(journey.reduce(s0, { type: "app.hidden" } as never).rejected?.reason).toBe("INVALID_EVENT");
    expect(
      journey.reduce(s0, { type: "offer.select", offerID: "ofr_A", at: 1 } as never).rejected?.detail,
    ).toMatch(/idempotencyKey/);
  });
  it("a stale poll after failures ends the failure streak (re-arms polling)", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(2, "PROFILE_SUBMITTED"), at: T0 });
    const failed = replay(s0, [{ type: "poll.failed", at: T0 + 1, retryAfterMs: 30_000 }]);
    expect(failed.context.polling.inMs).toBeGreaterThanOrEqual(30_000);
    const { state, commands } = journey.reduce(failed, received(snap(2, "PROFILE_SUBMITTED"), T0 + 2));
    expect(state.context.polling.failures).toBe(0);
    expect(commands[0]?.type).toBe("startPolling");
  });
});

describe("server authority", () => {
  it("holds a newer snapshot on an unexpected edge, re-fetches, and applies what the server confirms", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(6, "KYC_PENDING"), at: T0 });
    const held = journey.reduce(s0, received(snap(7, "OFFERS_AVAILABLE"), T0 + 1, "webhook"));
    expect(held.state.value.lifecycle).toBe("KYC_PENDING");
    expect(held.state.context.snapshot?.asOf).toBe(6);
    expect(held.commands).toContainEqual({ type: "fetchJourney", journeyID: JID, reason: "anomaly" });
    expect(journey.view(held.state).hasHeldAnomaly).toBe(true);
    expect(journey.view(held.state).anomalies).toMatchObject([
      { fromStatus: "KYC_PENDING", toStatus: "OFFERS_AVAILABLE", resolution: "held" },
    ]);
    const confirmed = journey.reduce(held.state, {
      type: "journey.loaded",
      journey: journeyFixture({ asOf: 7, status: "OFFERS_AVAILABLE" }),
      at: T0 + 2,
    });
    expect(confirmed.state.value.lifecycle).toBe("OFFERS_AVAILABLE");
    expect(confirmed.state.context.snapshot?.asOf).toBe(7);
    expect(journey.view(confirmed.state).anomalies[0]?.resolution).toBe("confirmed");
    expect(confirmed.commands.map((c) => c.type)).toEqual(["startPolling"]);
  });
  it("drops a held snapshot the server refutes", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(6, "KYC_PENDING"), at: T0 });
    const held = journey.reduce(s0, received(snap(9, "PROFILE_REQUIRED"), T0 + 1, "push"));
    const refuted = journey.reduce(held.state, {
      type: "journey.loaded",
      journey: journeyFixture({ asOf: 6, status: "KYC_PENDING" }),
      at: T0 + 2,
    });
    expect(refuted.state.value.lifecycle).toBe("KYC_PENDING");
    expect(refuted.state.context.held).toBeNull();
    expect(journey.view(refuted.state).anomalies[0]?.resolution).toBe("refuted");
  });
});

/** The offers state after proceeding offer A (key k1) failed with `problem`. */
function proceedFailed(problem: { code: string; status?: number }): JourneyState {
  return replay(offersState(), [
    { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k1", at: T0 + 2 },
    { type: "mutation.failed", idempotencyKey: "k1", problem, at: T0 + 3 },
  ]);
}

describe("offer lock", () => {
  it("a double tap on A yields exactly one proceedOffer", () => {
    const results = run(offersState(), [
      { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k1", at: T0 + 2 },
      { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k2", at: T0 + 3 },
    ]);
    const proceeds = results.flatMap((r) => r.commands).filter((c) => c.type === "proceedOffer");
    expect(proceeds).toEqual([
      { type: "proceedOffer", journeyID: JID, offerID: "ofr_A", idempotencyKey: "k1" },
    ]);
  });
  it("selecting B after A was proceeded: no command, OFFER_LOCK_CONFLICT in the view", () => {
    const [, , third] = run(offersState(), [
      { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k1", at: T0 + 2 },
      { type: "mutation.succeeded", idempotencyKey: "k1", at: T0 + 3 },
      { type: "offer.select", offerID: "ofr_B", idempotencyKey: "k2", at: T0 + 4 },
    ]);
    expect(third?.commands.filter((c) => c.type === "proceedOffer")).toEqual([]);
    const v = journey.view(third!.state);
    expect(v.error).toMatchObject({ origin: "intent", code: "OFFER_LOCK_CONFLICT", offerID: "ofr_B" });
    expect(v.lockedOfferID).toBe("ofr_A");
    expect(v.offers.find((o) => o.id === "ofr_B")).toMatchObject({
      selectable: false,
      blockedReason: "OFFER_LOCK_CONFLICT",
    });
    expect(v.can.selectOffer).toBe(false);
  });
  it("selecting B while A is in flight is refused with OFFER_LOCK_CONFLICT", () => {
    const [, second] = run(offersState(), [
      { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k1", at: T0 + 2 },
      { type: "offer.select", offerID: "ofr_B", idempotencyKey: "k2", at: T0 + 3 },
    ]);
    expect(second?.commands).toEqual([]);
    expect(journey.view(second!.state).error?.code).toBe("OFFER_LOCK_CONFLICT");
  });
  it("the platform's lock counts too", () => {
    const s = replay(offersState(), [
      received(snap(6, "OFFERS_AVAILABLE", { lockedOfferID: "ofr_B" }), T0 + 2),
    ]);
    const r = journey.reduce(s, { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k1", at: T0 + 3 });
    expect(r.commands.filter((c) => c.type === "proceedOffer")).toEqual([]);
    expect(r.state.context.error?.code).toBe("OFFER_LOCK_CONFLICT");
  });
  it("an expired offer is not selectable at the event's time", () => {
    const late = Date.parse(offerFixture().expiresAt) + 1;
    const r = journey.reduce(offersState(), {
      type: "offer.select",
      offerID: "ofr_A",
      idempotencyKey: "k1",
      at: late,
    });
    expect(r.commands).toEqual([]);
    expect(r.state.context.error?.code).toBe("OFFER_EXPIRED");
    expect(journey.view(offersState(), late).offers.every((o) => !o.selectable && o.expired)).toBe(true);
  });
  it("a definitive failure releases the claim; a retryable one keeps it and retries with the same key", () => {
    const definitive = proceedFailed({ code: "OFFER_EXPIRED", status: 410 });
    expect(journey.view(definitive).lockedOfferID).toBeNull();
    expect(journey.view(definitive).error).toMatchObject({
      origin: "mutation",
      code: "OFFER_EXPIRED",
      retryable: false,
    });
    const results = run(offersState(), [
      { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k1", at: T0 + 2 },
      { type: "mutation.failed", idempotencyKey: "k1", problem: { code: "NETWORK" }, at: T0 + 3 },
      { type: "offer.select", offerID: "ofr_B", idempotencyKey: "k2", at: T0 + 4 },
      { type: "mutation.retry", at: T0 + 5 },
    ]);
    expect(results[2]?.state.context.error?.code).toBe("OFFER_LOCK_CONFLICT");
    expect(results[3]?.commands).toContainEqual({
      type: "proceedOffer",
      journeyID: JID,
      offerID: "ofr_A",
      idempotencyKey: "k1",
    });
  });
  it("a retry is refused once the journey ended or the platform locked another offer, and can.retry says so", () => {
    const failed = proceedFailed({ code: "NETWORK" });
    expect(journey.view(failed).can.retry).toBe(true);
    const cases = [
      [received(snap(9, "EXPIRED"), T0 + 4), "JOURNEY_ENDED"],
      [received(snap(9, "OFFER_SELECTED", { lockedOfferID: "ofr_B" }), T0 + 4), "OFFER_LOCK_CONFLICT"],
    ] as const;
    for (const [moved, reason] of cases) {
      const after = replay(failed, [moved]);
      expect(journey.view(after).can.retry).toBe(false);
      const retried = journey.reduce(after, { type: "mutation.retry", at: T0 + 5 });
      expect(retried.commands.filter((c) => c.type === "proceedOffer")).toEqual([]);
      expect(retried.state.value.mutation).toBe("idle");
      expect(retried.state.context.error).toMatchObject({ origin: "intent", code: reason });
    }
  });
  it("after a 409 OFFER_LOCK_CONFLICT no offer is proceeded until the journey and its offers are read again", () => {
    const conflicted = proceedFailed({ code: "OFFER_LOCK_CONFLICT", status: 409 });
    expect(journey.view(conflicted).can.selectOffer).toBe(false);
    const early = journey.reduce(conflicted, {
      type: "offer.select",
      offerID: "ofr_B",
      idempotencyKey: "k2",
      at: T0 + 4,
    });
    expect(early.commands.filter((c) => c.type === "proceedOffer")).toEqual([]);
    expect(early.state.context.error?.code).toBe("AWAITING_PLATFORM");
    // The re-read says B is still open (A went to another session): B may be proceeded now.
    const reread = replay(conflicted, [
      {
        type: "journey.loaded",
        journey: journeyFixture({
          asOf: 6,
          status: "OFFERS_AVAILABLE",
          offers: [offerFixture({ id: "ofr_A", status: "BLOCKED" }), offerFixture({ id: "ofr_B" })],
        }),
        at: T0 + 5,
      },
    ]);
    const later = journey.reduce(reread, {
      type: "offer.select",
      offerID: "ofr_B",
      idempotencyKey: "k3",
      at: T0 + 6,
    });
    expect(later.commands).toContainEqual({
      type: "proceedOffer",
      journeyID: JID,
      offerID: "ofr_B",
      idempotencyKey: "k3",
    });
  });
});

describe("re-reads asked for for two reasons", () => {
  const tie = (at: number) =>
    received(snap(5, "OFFERS_AVAILABLE", { diagnostics: { reasonCode: "OTHER" } }), at, "push");
  const selectB = (state: JourneyState, at: number) =>
    journey.reduce(state, { type: "offer.select", offerID: "ofr_B", idempotencyKey: `k-${at}`, at });
  const proceeds = (result: ReturnType<typeof selectB>) =>
    result.commands.filter((c) => c.type === "proceedOffer");

  it("proceeds no offer after a 409 while any re-read is asked for: a tie, the offers, or a read that came back too old", () => {
    const select = { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k1", at: T0 + 2 } as const;
    const conflict = {
      type: "mutation.failed",
      idempotencyKey: "k1",
      problem: { code: "OFFER_LOCK_CONFLICT", status: 409 },
      at: T0 + 4,
    } as const;
    const lagging = {
      type: "journey.loaded",
      journey: journeyFixture({
        asOf: 4,
        offers: [offerFixture({ id: "ofr_A" }), offerFixture({ id: "ofr_B" })],
      }),
      at: T0 + 5,
    } as const;
    for (const [name, events] of [
      ["a tie held before the 409", [select, tie(T0 + 3), conflict]],
      [
        "the offers asked for again before the 409",
        [select, received(snap(6, "OFFERS_AVAILABLE", { offerCount: 3 }), T0 + 3), conflict],
      ],
      ["a tie held after the 409", [select, conflict, tie(T0 + 4)]],
      ["the re-read came back older than the held state", [select, conflict, lagging]],
      ["a tie, then a re-read too old", [select, tie(T0 + 3), conflict, lagging]],
    ] as const) {
      const state = replay(offersState(), events);
      const result = selectB(state, T0 + 9);
      expect(journey.view(state).can.selectOffer, name).toBe(false);
      expect(proceeds(result), name).toEqual([]);
      expect(result.state.context.error?.code, name).toBe("AWAITING_PLATFORM");
    }
  });

  it("reads the offers again when a tie was held while they were read and the read came back too old", () => {
    const s0 = journey.initial({
      journeyID: JID,
      snapshot: snap(5, "OFFERS_PENDING", { nextAction: "WAIT", offerCount: undefined }),
      at: T0,
    });
    const state = replay(s0, [
      received(snap(10, "OFFERS_AVAILABLE", { offerCount: 2 }), T0 + 1_000),
      received(
        snap(10, "OFFERS_AVAILABLE", { offerCount: 2, diagnostics: { reasonCode: "OTHER" } }),
        T0 + 1_100,
        "push",
      ),
      {
        type: "journey.loaded",
        journey: journeyFixture({ asOf: 8, status: "OFFERS_PENDING", nextAction: "WAIT", offers: [] }),
        at: T0 + 1_200,
      },
    ]);
    // Still asked for: the next successful poll reads them (before, nothing ever did: an empty offers screen).
    const polled = journey.reduce(state, { type: "poll.notModified", at: T0 + 30_000 });
    expect(polled.commands).toContainEqual({ type: "fetchJourney", journeyID: JID, reason: "offers" });
  });

  it("reads the offers again when they came to be available while an anomaly's read was out, and it came back too old", () => {
    const pending = snap(5, "OFFERS_PENDING", { nextAction: "WAIT", offerCount: undefined });
    const state = replay(journey.initial({ journeyID: JID, snapshot: pending, at: T0 }), [
      received({ ...pending, diagnostics: { reasonCode: "OTHER" } }, T0 + 100, "push"),
      received(snap(10, "OFFERS_AVAILABLE", { offerCount: 2 }), T0 + 1_000),
      {
        type: "journey.loaded",
        journey: journeyFixture({ asOf: 8, status: "OFFERS_PENDING", nextAction: "WAIT", offers: [] }),
        at: T0 + 1_200,
      },
    ]);
    expect(state.context.refetch).toBe("offers");
    const polled = journey.reduce(state, { type: "poll.notModified", at: T0 + 30_000 });
    expect(polled.commands).toContainEqual({ type: "fetchJourney", journeyID: JID, reason: "offers" });
  });

  it("keeps the offers selectable while a read is asked for the offers alone (a count that disagrees, every poll)", () => {
    const polled = journey.reduce(
      offersState(),
      received(snap(6, "OFFERS_AVAILABLE", { offerCount: 3 }), T0 + 2),
    );
    expect(polled.state.context.refetch).toBe("offers");
    expect(journey.view(polled.state).can.selectOffer).toBe(true);
    const selected = selectB(polled.state, T0 + 3);
    expect(proceeds(selected)).toHaveLength(1);
  });

  it("clears a read's lasting error (404) on the next successful read, a 200 as a 304 does", () => {
    const state = replay(journey.initial({ journeyID: JID, snapshot: snap(5, "KYC_PENDING"), at: T0 }), [
      { type: "poll.failed", problem: { code: "NOT_FOUND", status: 404 }, at: T0 + 1_000 },
    ]);
    expect(journey.view(state).error?.code).toBe("NOT_FOUND");
    const read = journey.reduce(
      state,
      received(snap(9, "KYC_PENDING", { diagnostics: { reasonCode: "LATER" } }), T0 + 2_000),
    );
    expect(journey.view(read.state).error).toBeNull();
  });
});

describe("mutations", () => {
  it("profile.submit sends submitProfile with the key and polls fast; VALIDATION_FAILED shows field errors", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(2, "PROFILE_REQUIRED"), at: T0 });
    const profile = { fullName: "Asha" } as never;
    const sent = journey.reduce(s0, {
      type: "profile.submit",
      bureauConsent: true,
      profile,
      idempotencyKey: "p1",
      at: T0 + 1,
    });
    expect(sent.commands[0]).toEqual({
      type: "submitProfile",
      journeyID: JID,
      profile,
      bureauConsent: true,
      idempotencyKey: "p1",
    });
    const poll = sent.commands.find((c) => c.type === "startPolling");
    expect(poll && poll.type === "startPolling" && poll.inMs).toBeLessThanOrEqual(5_000);
    const failed = journey.reduce(sent.state, {
      type: "mutation.failed",
      idempotencyKey: "p1",
      problem: { code: "VALIDATION_FAILED", status: 422, errors: [{ path: "pan", message: "bad" }] },
      at: T0 + 2,
    });
    expect(journey.view(failed.state).error?.fieldErrors).toEqual([{ path: "pan", message: "bad" }]);
    expect(journey.view(failed.state).can.submitProfile).toBe(true);
  });
  it("refuses a reused idempotency key", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(2, "PROFILE_REQUIRED"), at: T0 });
    const s1 = replay(s0, [
      { type: "profile.submit", bureauConsent: true, profile: {} as never, idempotencyKey: "p1", at: T0 + 1 },
      { type: "mutation.failed", idempotencyKey: "p1", problem: { code: "VALIDATION_FAILED" }, at: T0 + 2 },
    ]);
    const again = journey.reduce(s1, {
      type: "profile.submit",
      bureauConsent: true,
      profile: {} as never,
      idempotencyKey: "p1",
      at: T0 + 3,
    });
    expect(again.commands).toEqual([]);
    expect(again.state.context.error?.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });
  it("step intents map to step actions, each where the current step asks for it", () => {
    const at = (resource?: Resource) =>
      journey.initial({
        journeyID: JID,
        snapshot: snap(7, "KYC_PENDING", {
          nextAction: "COMPLETE_STEP",
          actionRequired: {
            stepID: "stp_1",
            kind: resource?.type ?? "REDIRECT",
            ...(resource ? { resource } : {}),
          },
        }),
        at: T0,
      });
    const redirect: Resource = {
      type: "REDIRECT",
      url: "https://hosted.example/kyc",
      returnUrl: "https://app.example/back",
      expiresAt: "2026-11-26T11:00:00Z",
    };
    const form: Resource = { type: "FORM", fields: [] };
    const cases = [
      [at(), { type: "step.start", stepID: "stp_1", idempotencyKey: "s1", at: T0 + 1 }, "START"],
      [
        at(form),
        { type: "step.submit", stepID: "stp_1", data: { a: 1 }, idempotencyKey: "s2", at: T0 + 1 },
        "SUBMIT",
      ],
      [
        at(redirect),
        { type: "step.returned", stepID: "stp_1", idempotencyKey: "s3", at: T0 + 1 },
        "CONFIRM_RETURN",
      ],
    ] as const;
    for (const [s0, event, action] of cases) {
      const { commands } = journey.reduce(s0, event);
      expect(commands[0]).toMatchObject({
        type: "stepAction",
        stepID: "stp_1",
        action,
        idempotencyKey: event.idempotencyKey,
      });
    }
    // Each refused where the step does not take it, and for another step than the current one.
    const refused = [
      [at(redirect), { type: "step.start", stepID: "stp_1", idempotencyKey: "r1", at: T0 + 1 }],
      [at(redirect), { type: "step.submit", stepID: "stp_1", idempotencyKey: "r2", at: T0 + 1 }],
      [at(form), { type: "step.returned", stepID: "stp_1", idempotencyKey: "r3", at: T0 + 1 }],
      [at(), { type: "step.start", stepID: "stp_other", idempotencyKey: "r4", at: T0 + 1 }],
    ] as const;
    for (const [s0, event] of refused) {
      const result = journey.reduce(s0, event);
      expect([event.type, result.commands]).toEqual([event.type, []]);
      expect(result.state.context.error).toMatchObject({
        origin: "intent",
        code: "INVALID_STATE",
        kind: "refused",
      });
    }
  });
  it("ignores a result whose key is not the in-flight mutation's", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(2, "PROFILE_REQUIRED"), at: T0 });
    const s1 = replay(s0, [
      { type: "profile.submit", bureauConsent: true, profile: {} as never, idempotencyKey: "p1", at: T0 + 1 },
    ]);
    const r = journey.reduce(s1, { type: "mutation.succeeded", idempotencyKey: "other", at: T0 + 2 });
    expect(r.rejected?.reason).toBe("IGNORED");
    expect(r.state.value.mutation).toBe("submittingProfile");
  });
});

describe("signals", () => {
  it("offline stops polling; online re-arms it; session expiry pauses it", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(7, "KYC_PENDING"), at: T0 });
    const [off, on, expired, refreshed] = run(s0, [
      { type: "network.offline", at: T0 + 1 },
      { type: "network.online", at: T0 + 2 },
      { type: "session.expired", at: T0 + 3 },
      { type: "session.refreshed", at: T0 + 4 },
    ]);
    expect(off?.commands).toEqual([{ type: "stopPolling", journeyID: JID }]);
    expect(journey.view(off!.state).isOffline).toBe(true);
    expect(on?.commands[0]?.type).toBe("startPolling");
    expect(expired?.commands).toEqual([{ type: "stopPolling", journeyID: JID }]);
    expect(refreshed?.commands[0]?.type).toBe("startPolling");
  });
  it("hidden slows polling down and visible speeds it up again", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(7, "KYC_PENDING"), at: T0 });
    const [hidden, visible] = run(s0, [
      { type: "app.hidden", at: T0 + 1 },
      { type: "app.visible", at: T0 + 2 },
    ]);
    expect(journey.view(hidden!.state).pollInMs).toBeGreaterThanOrEqual(8_000);
    expect(journey.view(visible!.state).pollInMs).toBeLessThanOrEqual(5_000);
  });
  it("reaching an end stops polling for good", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(7, "KYC_PENDING"), at: T0 });
    const r = journey.reduce(s0, received(snap(8, "EXPIRED"), T0 + 1));
    expect(r.commands).toEqual([{ type: "stopPolling", journeyID: JID }]);
    expect(journey.view(r.state)).toMatchObject({
      isEnded: true,
      isPolling: false,
      pollInMs: null,
      screen: "expired",
    });
    expect(journey.commandsOf(r.state)).toEqual([]);
  });
});

describe("commandsOf", () => {
  it("tells a rehydrating host to poll and to re-send the in-flight mutation with its key", () => {
    const s = replay(offersState(), [
      { type: "offer.select", offerID: "ofr_A", idempotencyKey: "k1", at: T0 + 2 },
    ]);
    expect(journey.commandsOf(JSON.parse(JSON.stringify(s)))).toEqual([
      { type: "startPolling", journeyID: JID, inMs: s.context.polling.inMs },
      { type: "proceedOffer", journeyID: JID, offerID: "ofr_A", idempotencyKey: "k1" },
    ]);
  });
});

describe("a failed offers load", () => {
  it("shows why (view.error, origin sync) and retries in the active band, until the offers load", () => {
    const s0 = journey.initial({ journeyID: JID, snapshot: snap(5, "OFFERS_AVAILABLE"), at: T0 });
    expect(s0.value.sync).toBe("loadingJourney");
    const failed = journey.reduce(s0, {
      type: "journey.loadFailed",
      problem: { code: "NETWORK" },
      at: T0 + 1,
    }).state;
    const view = journey.view(failed);
    expect(view.offers).toEqual([]);
    expect(view.error).toMatchObject({ origin: "sync", code: "NETWORK", kind: "transient" });
    // The active band (2–5 s) doubled once for the failure: never the passive band's 20–40 s.
    expect(view.pollInMs).toBeGreaterThanOrEqual(4_000);
    expect(view.pollInMs).toBeLessThanOrEqual(10_000);
    // A quiet poll of the same state does not hide the error: the offers are still missing.
    const polled = journey.reduce(failed, { type: "poll.notModified", at: T0 + 6_000 }).state;
    expect(polled.value.sync).toBe("loadingJourney");
    expect(journey.view(polled).error).toMatchObject({ origin: "sync", code: "NETWORK" });
    const loaded = journey.reduce(polled, {
      type: "journey.loaded",
      journey: journeyFixture({ asOf: 5, offers: [offerFixture({ id: "ofr_A" })] }),
      at: T0 + 6_100,
    }).state;
    expect(journey.view(loaded).error).toBeNull();
    expect(journey.view(loaded).offers.map((o) => o.id)).toEqual(["ofr_A"]);
  });
});

describe("offers read before they were available", () => {
  it("are read again when a thin snapshot (no offerCount) says offers are available", () => {
    const pending = journey.initial({ journeyID: JID, snapshot: snap(5, "OFFERS_PENDING"), at: T0 });
    // The whole journey read while the offers were pending: none yet.
    const read = journey.reduce(pending, {
      type: "journey.loaded",
      journey: journeyFixture({ status: "OFFERS_PENDING", asOf: 6, offers: [] }),
      at: T0 + 1,
    }).state;
    // The webhook's thin state: status and nextAction only [L6].
    const { offerCount: _count, ...thin } = snap(7, "OFFERS_AVAILABLE", { nextAction: "VIEW_OFFERS" });
    const available = journey.reduce(read, received(thin, T0 + 2, "webhook"));
    expect(available.commands).toContainEqual({ type: "fetchJourney", journeyID: JID, reason: "offers" });
    expect(available.state.value.sync).toBe("loadingJourney");
    // Once the offers are read at OFFERS_AVAILABLE, the same thin state again asks for nothing more.
    const loaded = journey.reduce(available.state, {
      type: "journey.loaded",
      journey: journeyFixture({ asOf: 7, offers: [offerFixture({ id: "ofr_A" })] }),
      at: T0 + 3,
    }).state;
    expect(journey.view(loaded).offers.map((o) => o.id)).toEqual(["ofr_A"]);
    const again = journey.reduce(loaded, received({ ...thin, asOf: 8 }, T0 + 4, "webhook"));
    expect(again.commands.some((c) => c.type === "fetchJourney")).toBe(false);
  });

  it("are asked for again at the next poll when the read comes back older than the snapshot (a lagging replica)", () => {
    const pending = journey.initial({ journeyID: JID, snapshot: snap(5, "OFFERS_PENDING"), at: T0 });
    const { offerCount: _count, ...thin } = snap(7, "OFFERS_AVAILABLE", { nextAction: "VIEW_OFFERS" });
    const available = journey.reduce(pending, received(thin, T0 + 1, "webhook"));
    expect(available.commands).toContainEqual({ type: "fetchJourney", journeyID: JID, reason: "offers" });
    // The read answers from before the offers were available: older than the held snapshot.
    const lagging = journey.reduce(available.state, {
      type: "journey.loaded",
      journey: journeyFixture({ status: "OFFERS_PENDING", asOf: 6, offers: [] }),
      at: T0 + 2,
    });
    // Not read again at once (no loop against a lagging replica), but still asked for: no offers are shown.
    expect(lagging.commands.some((c) => c.type === "fetchJourney")).toBe(false);
    expect(lagging.state.context.refetch).toBe("offers");
    expect(journey.view(lagging.state).offers).toEqual([]);
    // The next successful poll (here a 304) asks for the offers again; this read is current.
    const polled = journey.reduce(lagging.state, { type: "poll.notModified", at: T0 + 5_000 });
    expect(polled.commands).toContainEqual({ type: "fetchJourney", journeyID: JID, reason: "offers" });
    const loaded = journey.reduce(polled.state, {
      type: "journey.loaded",
      journey: journeyFixture({ asOf: 7, offers: [offerFixture({ id: "ofr_A" })] }),
      at: T0 + 5_100,
    }).state;
    expect(journey.view(loaded).offers.map((o) => o.id)).toEqual(["ofr_A"]);
    expect(loaded.context.refetch).toBeNull();
  });
});

describe("view.can is exact", () => {
  const form: Resource = { type: "FORM", fields: [] };
  const onStep = (resource?: Resource, extra: Partial<JourneySnapshot> = {}) =>
    journey.initial({
      journeyID: JID,
      snapshot: snap(7, "BANK_MANDATE_PENDING", {
        nextAction: "COMPLETE_STEP",
        actionRequired: {
          stepID: "stp_1",
          kind: resource?.type ?? "FORM",
          ...(resource ? { resource } : {}),
        },
        ...extra,
      }),
      at: T0,
    });
  const trues = (state: JourneyState) =>
    Object.entries(journey.view(state).can)
      .filter(([, yes]) => yes)
      .map(([name]) => name);

  it("offers only what the current step takes", () => {
    expect(trues(onStep())).toEqual(["startStep"]);
    expect(trues(onStep(form))).toEqual(["submitStep"]);
    expect(trues(onStep(undefined, { nextAction: "RESUME" }))).toEqual(["startStep", "resume"]);
    expect(trues(journey.initial({ journeyID: JID, snapshot: snap(2, "PROFILE_REQUIRED"), at: T0 }))).toEqual(
      ["submitProfile"],
    );
    expect(trues(journey.initial({ journeyID: JID, snapshot: snap(9, "REJECTED"), at: T0 }))).toEqual([]);
  });

  /** The platform's state after the step: the next step, a form, at asOf 9. */
  const nextStep = (resource: Resource) =>
    snap(9, "BANK_MANDATE_PENDING", {
      nextAction: "COMPLETE_STEP",
      actionRequired: { stepID: "stp_2", kind: "FORM", resource },
    });

  /** The form step submitted (key `s1`), its answer not yet in. */
  const submitted = (resource: Resource) =>
    journey.reduce(onStep(resource), {
      type: "step.submit",
      stepID: "stp_1",
      data: {},
      idempotencyKey: "s1",
      at: T0 + 1,
    }).state;

  it("awaits the platform after a mutation succeeds: nothing is offered, and an intent is refused, until its new state", () => {
    const sent = submitted(form);
    expect(trues(sent)).toEqual([]);
    const answered = journey.reduce(sent, {
      type: "mutation.succeeded",
      idempotencyKey: "s1",
      at: T0 + 2,
    }).state;
    expect(trues(answered)).toEqual([]);
    const again = journey.reduce(answered, {
      type: "step.submit",
      stepID: "stp_1",
      data: {},
      idempotencyKey: "s2",
      at: T0 + 3,
    });
    expect(again.commands).toEqual([]);
    expect(again.state.context.error).toMatchObject({ code: "AWAITING_PLATFORM", kind: "refused" });
    // A re-read of the same state is no answer; the platform's new state is.
    const reread = journey.reduce(
      answered,
      received({ ...answered.context.snapshot!, asOf: 8 }, T0 + 4),
    ).state;
    expect(trues(reread)).toEqual([]);
    const next = journey.reduce(reread, received(nextStep(form), T0 + 5)).state;
    expect(trues(next)).toEqual(["submitStep"]);
  });

  it("does not wait for a reaction that came before the answer (a poll or push raced it): the next step is offered", () => {
    const sent = submitted(form);
    // The platform's new state arrives first (a poll), then the mutation's own answer.
    const reacted = journey.reduce(sent, received(nextStep(form), T0 + 2)).state;
    const answered = journey.reduce(reacted, {
      type: "mutation.succeeded",
      idempotencyKey: "s1",
      at: T0 + 3,
    }).state;
    expect(answered.context.polling.awaitingReaction).toBe(false);
    expect(trues(answered)).toEqual(["submitStep"]);
  });
});
