import { afterEach, describe, expect, it } from "vitest";
import { CADENCE } from "../../src/journey/index.js";
import { createJourney, type JourneyRuntime, type JourneyView } from "../../src/runtime/index.js";
import { type Borrower, type Harness, startHarness } from "./support/harness.js";
import { playBorrower, type ScriptLog } from "./support/script.js";
import { gaps, statePolls } from "./support/wire.js";

let harness: Harness | undefined;
const runtimes: JourneyRuntime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) r.stop();
  await harness?.close();
  harness = undefined;
});

function run(h: Harness, borrower: Borrower): JourneyRuntime {
  const runtime = createJourney({
    client: borrower.client,
    journeyID: borrower.journeyID,
    initial: borrower.snapshot,
    clock: h.clock,
  });
  runtimes.push(runtime);
  runtime.start();
  return runtime;
}

/** Drives the clock on after the end and checks that nothing polls any more. */
async function expectNoPollingAfterEnd(h: Harness, journeyID: string): Promise<void> {
  const before = statePolls(h.sandbox, journeyID).length;
  const endedAt = h.clock.now();
  await h.drive(() => h.clock.now() >= endedAt + 5 * 60_000);
  expect(statePolls(h.sandbox, journeyID).length).toBe(before);
  expect(h.clock.nextDue()).toBeUndefined();
}

describe("a scripted borrower over real HTTP against the sandbox", () => {
  it("reaches DISBURSED through every step type: REDIRECT on hosted pages + step.returned, the mandate FORM, the agreement DOCUMENT", async () => {
    harness = await startHarness();
    const borrower = await harness.borrower("sbx-happy-1");
    const runtime = run(harness, borrower);
    const log: ScriptLog = { moves: [] };
    const view = await playBorrower(harness, runtime, borrower.journeyID, { log });
    expect(view.status).toBe("DISBURSED");
    expect(log.moves).toEqual([
      "PROFILE_REQUIRED:profile",
      "OFFERS_AVAILABLE:offer",
      "AA_REQUIRED:start",
      "AA_REQUIRED:redirect",
      "KYC_PENDING:redirect",
      "BANK_MANDATE_PENDING:form",
      "E_MANDATE_PENDING:redirect",
      "LOAN_AGREEMENT_PENDING:document",
    ]);
    const server = harness.sandbox.control.journey(borrower.journeyID).journey;
    expect(server.status).toBe("DISBURSED");
    expect(server.steps.map((s) => [s.kind, s.status])).toEqual([
      ["AA_CONSENT", "COMPLETED"],
      ["KYC", "COMPLETED"],
      ["BANK_MANDATE", "COMPLETED"],
      ["E_MANDATE", "COMPLETED"],
      ["LOAN_AGREEMENT", "COMPLETED"],
    ]);
    // Each REDIRECT step was left for its hosted page and came back with CONFIRM_RETURN.
    const actions = harness.sandbox.control
      .mutations()
      .filter((m) => m.endpoint === "stepAction" && m.journeyID === borrower.journeyID);
    expect(actions).toHaveLength(6);
  });

  it.each([
    { dialect: "the documented API (re-reads answered 200 with a later timestamp)", etag: false, quiet: 200 },
    { dialect: "the sandbox's ETag extension (re-reads answered 304)", etag: true, quiet: 304 },
  ])(
    "polls on the wire inside the cadence bounds, never in an ended state, and a quiet poll wakes no subscriber: $dialect",
    async ({ etag, quiet }) => {
      harness = await startHarness({ timings: { loanClosure: 90_000 }, extensions: { etag } });
      const borrower = await harness.borrower("sbx-closure-1");
      const runtime = run(harness, borrower);
      await playBorrower(harness, runtime, borrower.journeyID, { redirect: "control" });
      // DISBURSED: a passive wait (the loan may close). Polls that bring nothing new must not wake anyone.
      let woken = 0;
      const unsubscribe = runtime.subscribe(() => woken++);
      const pollsBefore = statePolls(harness.sandbox, borrower.journeyID).length;
      await harness.drive(() => runtime.view().isEnded);
      unsubscribe();
      const quietPolls = statePolls(harness.sandbox, borrower.journeyID).slice(pollsBefore);
      expect(quietPolls.filter((r) => r.status === quiet).length).toBeGreaterThanOrEqual(3);
      expect(woken).toBe(1); // only CLOSED itself
      expect(runtime.view().status).toBe("CLOSED");

      const polls = statePolls(harness.sandbox, borrower.journeyID);
      expect(polls.length).toBeGreaterThan(10);
      const wire = gaps(polls);
      // Both bands were exercised: active steps (2–5 s) and passive waits (10–20 s).
      expect(wire.some((g) => g <= CADENCE.active.maxMs)).toBe(true);
      expect(wire.some((g) => g >= CADENCE.passive.minMs)).toBe(true);
      for (const gap of wire) {
        expect(gap).toBeGreaterThanOrEqual(CADENCE.active.minMs);
        expect(gap).toBeLessThanOrEqual(CADENCE.passive.maxMs);
      }
      await expectNoPollingAfterEnd(harness, borrower.journeyID);
    },
    30_000,
  );

  it("ends the rejected scenario in REJECTED (UNDERWRITING_DECLINED) and stops polling", async () => {
    harness = await startHarness();
    const borrower = await harness.borrower("sbx-rejected-1");
    const runtime = run(harness, borrower);
    const view = await playBorrower(harness, runtime, borrower.journeyID);
    expect(view.status).toBe("REJECTED");
    expect(view.isEnded).toBe(true);
    expect(view.diagnostics.reasonCode).toBe("UNDERWRITING_DECLINED");
    expect(view.isPolling).toBe(false);
    await expectNoPollingAfterEnd(harness, borrower.journeyID);
  });

  it("ends the offers-expire scenario in EXPIRED (OFFERS_EXPIRED); a lapsed offer cannot be selected", async () => {
    harness = await startHarness();
    const borrower = await harness.borrower("sbx-offers-expire-1");
    const runtime = run(harness, borrower);
    await playBorrower(harness, runtime, borrower.journeyID, {
      until: (v) => v.status === "OFFERS_AVAILABLE" && v.offers.length > 0,
    });
    const views: JourneyView[] = [];
    runtime.subscribe((v) => views.push(v));
    await harness.drive(() => runtime.view().isEnded);
    const view = runtime.view();
    expect(view.status).toBe("EXPIRED");
    expect(view.diagnostics.reasonCode).toBe("OFFERS_EXPIRED");
    expect(view.can.selectOffer).toBe(false);
    expect(runtime.send({ type: "offer.select", offerID: view.offers[0]!.id }).accepted).toBe(false);
    expect(runtime.view().error?.code).toBe("JOURNEY_ENDED");
    await expectNoPollingAfterEnd(harness, borrower.journeyID);
  });

  it("ends the idle-expiry scenario in EXPIRED (JOURNEY_IDLE_TIMEOUT) when the borrower does nothing", async () => {
    harness = await startHarness();
    const borrower = await harness.borrower("sbx-idle-1");
    const runtime = run(harness, borrower);
    await harness.drive(() => runtime.view().isEnded);
    expect(runtime.view().status).toBe("EXPIRED");
    expect(runtime.view().diagnostics.reasonCode).toBe("JOURNEY_IDLE_TIMEOUT");
  });

  it("retries KYC in the kyc-retry scenario (the failed step is started again) and reaches DISBURSED", async () => {
    harness = await startHarness();
    const borrower = await harness.borrower("sbx-kyc-retry-1");
    const runtime = run(harness, borrower);
    const log: ScriptLog = { moves: [] };
    const views: JourneyView[] = [];
    runtime.subscribe((v) => views.push(v));
    const view = await playBorrower(harness, runtime, borrower.journeyID, { log });
    expect(view.status).toBe("DISBURSED");
    expect(log.moves.filter((m) => m.startsWith("KYC_PENDING"))).toEqual([
      "KYC_PENDING:redirect",
      "KYC_PENDING:start",
      "KYC_PENDING:redirect",
    ]);
    expect(views.some((v) => v.diagnostics.reasonCode === "KYC_MISMATCH" && v.diagnostics.retryable)).toBe(
      true,
    );
    const kyc = harness.sandbox.control
      .journey(borrower.journeyID)
      .journey.steps.find((s) => s.kind === "KYC");
    expect(kyc?.attempts).toBe(2);
  });
});
