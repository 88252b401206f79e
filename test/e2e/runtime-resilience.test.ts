import { afterEach, describe, expect, it } from "vitest";
import { createJourney, type JourneyRuntime, type JourneyView } from "../../src/runtime/index.js";
import { controlledSignals } from "../../src/runtime/signals.js";
import { type Borrower, type Harness, startHarness } from "./support/harness.js";
import { MANDATE_FORM, playBorrower } from "./support/script.js";
import { apiRequests, isMutating, statePolls } from "./support/wire.js";

let harness: Harness | undefined;
const runtimes: JourneyRuntime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) r.stop();
  await harness?.close();
  harness = undefined;
});

function run(h: Harness, borrower: Borrower, extra: Partial<Parameters<typeof createJourney>[0]> = {}) {
  const runtime = createJourney({
    client: borrower.client,
    journeyID: borrower.journeyID,
    initial: borrower.snapshot,
    clock: h.clock,
    ...extra,
  });
  runtimes.push(runtime);
  runtime.start();
  return runtime;
}

describe("the runtime through restarts, races, faults and expiring tokens", () => {
  it("carries on from persisted state after a restart, re-sending the in-flight mutation with its own key", async () => {
    harness = await startHarness();
    const borrower = await harness.borrower("sbx-happy-restart");
    const first = run(harness, borrower);
    await playBorrower(harness, first, borrower.journeyID, {
      redirect: "control",
      until: (v) => v.status === "BANK_MANDATE_PENDING" && v.resource?.type === "FORM",
    });
    // The borrower submits the mandate and the app dies before the answer is seen.
    const sent = first.send({ type: "step.submit", data: { ...MANDATE_FORM } });
    expect(sent.accepted).toBe(true);
    const saved = JSON.stringify(first.persist());
    first.stop();
    await harness.settle();
    // The app stays dead for 30 s of sandbox time; the platform carries on without it.
    const diedAt = harness.clock.now();
    await harness.drive(() => harness!.clock.now() >= diedAt + 30_000);

    const restarted = run(harness, borrower, { initial: JSON.parse(saved) });
    expect(restarted.view().pendingMutation?.idempotencyKey).toBe(sent.idempotencyKey);
    const view = await playBorrower(harness, restarted, borrower.journeyID, { redirect: "control" });
    expect(view.status).toBe("DISBURSED");
    const mandate = harness.sandbox.control
      .mutations()
      .filter((m) => m.idempotencyKey === sent.idempotencyKey);
    expect(mandate).toHaveLength(1);
  });

  it("offer lock: two runtimes select different offers at once; exactly one proceeds, the other shows OFFER_LOCK_CONFLICT and converges", async () => {
    harness = await startHarness();
    const phone = await harness.borrower("sbx-happy-lock");
    const laptop = await harness.borrower("sbx-happy-lock"); // the same borrower resumes the same journey
    expect(laptop.journeyID).toBe(phone.journeyID);
    const a = run(harness, phone);
    await playBorrower(harness, a, phone.journeyID, {
      until: (v) => v.status === "OFFERS_AVAILABLE" && v.offers.length > 1,
    });
    const b = run(harness, laptop, { initial: undefined });
    await harness.drive(() => b.view().status === "OFFERS_AVAILABLE" && b.view().offers.length > 1);
    const aViews: JourneyView[] = [];
    const bViews: JourneyView[] = [];
    a.subscribe((v) => aViews.push(v));
    b.subscribe((v) => bViews.push(v));
    const [first, second] = a.view().offers;
    const sentA = a.send({ type: "offer.select", offerID: first!.id });
    const sentB = b.send({ type: "offer.select", offerID: second!.id });
    expect(sentA.accepted && sentB.accepted).toBe(true);
    await harness.drive(
      () =>
        b.view().lockedOfferID !== null &&
        a.view().lockedOfferID !== null &&
        b.view().pendingMutation === null,
    );
    await harness.drive(() => b.view().status !== "OFFERS_AVAILABLE" && !b.view().isRefetching);

    const proceeded = harness.sandbox.control
      .mutations()
      .filter((m) => m.endpoint === "proceedOffer" && m.journeyID === phone.journeyID);
    expect(proceeded).toHaveLength(1);
    const winner = harness.sandbox.control.journey(phone.journeyID).journey.lockedOfferID;
    const loserViews = winner === first!.id ? bViews : aViews;
    expect(proceeded[0]!.idempotencyKey).toBe(
      winner === first!.id ? sentA.idempotencyKey : sentB.idempotencyKey,
    );
    expect(
      loserViews.some((v) => v.error?.code === "OFFER_LOCK_CONFLICT" && v.error.origin === "mutation"),
    ).toBe(true);
    for (const r of [a, b]) {
      expect(r.view().lockedOfferID).toBe(winner);
      expect(r.view().offers.find((o) => o.id === winner)?.locked).toBe(true);
      expect(r.view().can.selectOffer).toBe(false);
    }
  });

  it("completes under faults (20% lost responses, 10% 5xx, 429 + Retry-After): each logical mutation applied once, keys and correlation ids on the wire", async () => {
    harness = await startHarness({ seed: 11, rateLimit: 3 });
    const borrower = await harness.borrower("sbx-happy-faults");
    harness.sandbox.control.setFaults({ lostResponseRate: 0.2, errorRate: 0.1 });
    const runtime = run(harness, borrower);
    const keys: string[] = [];
    runtime.subscribe((v) => {
      if (v.pendingMutation && !keys.includes(v.pendingMutation.idempotencyKey))
        keys.push(v.pendingMutation.idempotencyKey);
    });
    const view = await playBorrower(harness, runtime, borrower.journeyID, { redirect: "control" });
    expect(view.status).toBe("DISBURSED");

    const requests = apiRequests(harness.sandbox);
    // Mutations themselves lost their answers and were sent again with the same key.
    expect(
      requests.some((r) => r.fault === "lost" && isMutating(r.method) && r.endpoint !== "createSession"),
    ).toBe(true);
    expect(requests.some((r) => r.replayed)).toBe(true);
    expect(requests.some((r) => r.fault === "error")).toBe(true);
    const limited = requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(requests.filter((r) => isMutating(r.method) && !r.headers["idempotency-key"])).toEqual([]);
    expect(requests.filter((r) => !r.headers["x-correlation-id"])).toEqual([]);

    // The partner's session bootstrap and the app's journey creation come before the runtime: not its mutations.
    const applied = harness.sandbox.control
      .mutations()
      .filter(
        (m) =>
          m.journeyID === borrower.journeyID &&
          m.endpoint !== "createSession" &&
          m.endpoint !== "createJourney",
      );
    const appliedKeys = applied.map((m) => m.idempotencyKey);
    expect(new Set(appliedKeys).size).toBe(appliedKeys.length);
    // The profile intent is two calls with keys of its own (`<key>.upsert` on the borrower's profile, then
    // `<key>.submit` on the journey): each applied once, both derived from the intent's key.
    const intentOf = (key: string) => key.replace(/\.(upsert|submit)$/, "");
    expect([...appliedKeys].map(intentOf).sort()).toEqual([...keys].sort());
    const submit = appliedKeys.find((key) => key.endsWith(".submit")) as string;
    const upserts = harness.sandbox.control
      .mutations()
      .filter((m) => m.endpoint === "upsertProfile" && m.idempotencyKey === `${intentOf(submit)}.upsert`);
    expect(upserts).toHaveLength(1);
    console.log(
      `faults: ${requests.length} API requests, ${requests.filter((r) => r.fault === "lost").length} lost, ${requests.filter((r) => r.fault === "error").length} 5xx, ${limited.length} 429; ${applied.length} mutations applied once each`,
    );
  }, 30_000);

  it("token expiry with 5 requests in flight costs exactly one refresh, and the journey carries on", async () => {
    harness = await startHarness();
    const borrower = await harness.borrower("sbx-happy-token");
    const runtime = run(harness, borrower);
    await playBorrower(harness, runtime, borrower.journeyID, {
      until: (v) => v.status === "OFFERS_AVAILABLE" && v.offers.length > 0,
    });
    const requestsBefore = harness.sandbox.control.requests().length;
    harness.sandbox.control.expireToken(borrower.token());
    const offerID = runtime.view().offers[0]!.id;
    runtime.send({ type: "offer.select", offerID }); // 1: the mutation
    runtime.refresh(); // 2: a poll
    const reads = Promise.all([
      borrower.client.listOffers(borrower.journeyID), // 3
      borrower.client.listSteps(offerID), // 4
      borrower.client.getJourney(borrower.journeyID), // 5
    ]);
    await harness.settle();
    await reads;
    const after = harness.sandbox.control.requests().slice(requestsBefore);
    expect(after.filter((r) => r.status === 401)).toHaveLength(5);
    // One renewal, by bootstrapping the session again (the documented way [L4]).
    expect(after.filter((r) => r.endpoint === "createSession")).toHaveLength(1);
    expect(borrower.refreshCalls()).toBe(1);
    const view = await playBorrower(harness, runtime, borrower.journeyID, { redirect: "control" });
    expect(view.status).toBe("DISBURSED");
    expect(view.lockedOfferID).toBe(offerID);
  });

  it("surfaces session.expired when the refresh fails, stops polling, and resumes on session.refreshed", async () => {
    harness = await startHarness();
    const borrower = await harness.borrower("sbx-happy-expired");
    const runtime = run(harness, borrower);
    await playBorrower(harness, runtime, borrower.journeyID, {
      until: (v) => v.status === "PROFILE_REQUIRED",
    });
    borrower.breakRefresh(true);
    harness.sandbox.control.expireToken(borrower.token());
    await harness.drive(() => runtime.view().isSessionExpired);
    expect(runtime.view().isPolling).toBe(false);
    const polls = statePolls(harness.sandbox, borrower.journeyID).length;
    const at = harness.clock.now();
    await harness.drive(() => harness!.clock.now() >= at + 60_000);
    expect(statePolls(harness.sandbox, borrower.journeyID).length).toBe(polls);

    borrower.breakRefresh(false);
    runtime.send({ type: "session.refreshed" });
    const view = await playBorrower(harness, runtime, borrower.journeyID, { redirect: "control" });
    expect(view.status).toBe("DISBURSED");
    expect(view.isSessionExpired).toBe(false);
  });

  it("pauses polling while hidden or offline and fetches once at once on visible or online", async () => {
    harness = await startHarness();
    const borrower = await harness.borrower("sbx-happy-signals");
    const signals = controlledSignals();
    const runtime = run(harness, borrower, { signals });
    await playBorrower(harness, runtime, borrower.journeyID, {
      until: (v) => v.status === "OFFERS_AVAILABLE",
    });
    for (const change of [{ visible: false }, { online: false }] as const) {
      signals.set(change);
      await harness.settle();
      const before = statePolls(harness.sandbox, borrower.journeyID).length;
      const from = harness.clock.now();
      await harness.drive(() => harness!.clock.now() >= from + 120_000);
      expect(statePolls(harness.sandbox, borrower.journeyID).length).toBe(before);
      signals.set({ visible: true, online: true });
      await harness.settle();
      const polls = statePolls(harness.sandbox, borrower.journeyID);
      expect(polls.length).toBe(before + 1);
      expect(Date.parse(polls.at(-1)!.at)).toBe(harness.clock.now());
    }
    expect(runtime.view().isOffline).toBe(false);
  });
});
