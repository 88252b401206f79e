import { afterEach, describe, expect, it } from "vitest";
import { SCENARIOS, scenarioFor } from "../../src/sandbox/index.js";
import {
  completeCurrentStep,
  openSession,
  type Sandbox,
  startManual,
  stateOf,
  TestClient,
  toDisbursed,
  toOffers,
} from "./helpers.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function setup(borrowerExternalID: string, phone?: string) {
  sandbox = await startManual();
  const client = new TestClient(sandbox);
  return { sandbox, client, ...(await openSession(client, borrowerExternalID, phone)) };
}

describe("scenario selection", () => {
  it("picks by phone first, then by borrowerExternalID prefix, defaulting to happy", () => {
    expect(scenarioFor({ borrowerExternalID: "anyone" }).name).toBe("happy");
    expect(scenarioFor({ borrowerExternalID: "sbx-rejected" }).name).toBe("rejected");
    expect(scenarioFor({ borrowerExternalID: "SBX-KYC-RETRY-7" }).name).toBe("kyc-retry");
    expect(scenarioFor({ borrowerExternalID: "sbx-rejectedness" }).name).toBe("happy");
    expect(scenarioFor({ borrowerExternalID: "sbx-rejected-1", phone: "+919000000006" }).name).toBe(
      "closure",
    );
    expect(new Set(SCENARIOS.map((s) => s.phone)).size).toBe(SCENARIOS.length);
  });
});

describe("every scenario reaches its documented end", () => {
  it("happy: DISBURSED through all five steps", async () => {
    const { client, sandbox, token, journeyID } = await setup("sbx-happy-1");
    const end = await toDisbursed(client, token, journeyID);
    expect(end.status).toBe("DISBURSED");
    expect(sandbox.control.journey(journeyID).journey.steps.map((s) => s.status)).toEqual(
      Array(5).fill("COMPLETED"),
    );
    expect(client.violations).toEqual([]);
  });

  it("rejected (by phone): REJECTED at underwriting", async () => {
    const { client, token, journeyID } = await setup("whoever", "+919000000001");
    const end = await toOffers(client, token, journeyID);
    expect(end.status).toBe("REJECTED");
    expect(end.diagnostics).toMatchObject({ reasonCode: "UNDERWRITING_DECLINED", retryable: false });
    expect(end.nextAction).toBeNull();
  });

  it("no-aa: the AA step is skipped, OFFER_SELECTED → KYC_PENDING, then DISBURSED", async () => {
    const { client, sandbox, token, journeyID } = await setup("sbx-no-aa-1");
    const end = await toDisbursed(client, token, journeyID);
    expect(end.status).toBe("DISBURSED");
    expect(sandbox.control.journey(journeyID).journey.steps.map((s) => s.kind)).not.toContain("AA_CONSENT");
  });

  it("kyc-retry: KYC fails once (KYC_MISMATCH, retryable), START again succeeds, then DISBURSED", async () => {
    const { client, sandbox, token, journeyID } = await setup("sbx-kyc-retry-1");
    await toOffers(client, token, journeyID);
    const [offer] = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    await client.call("POST", `/journeys/${journeyID}/offers/${offer.id}/proceed`, { token });
    sandbox.clock.advance(1000);
    let state = await completeCurrentStep(client, token, journeyID);
    expect(state.status).toBe("KYC_PENDING");
    state = await completeCurrentStep(client, token, journeyID);
    expect(state.status).toBe("KYC_PENDING");
    const kyc = (
      await client.call("GET", `/journeys/${journeyID}/steps/${state.actionRequired.stepID}`, { token })
    ).body;
    expect(kyc).toMatchObject({
      status: "FAILED",
      attempts: 1,
      failure: { reasonCode: "KYC_MISMATCH", retryable: true },
    });
    expect(state.nextAction).toBe("COMPLETE_STEP");
    state = await completeCurrentStep(client, token, journeyID);
    expect(state.status).toBe("BANK_MANDATE_PENDING");
    for (let i = 0; i < 3; i++) state = await completeCurrentStep(client, token, journeyID);
    sandbox.clock.advance(2000);
    expect((await stateOf(client, token, journeyID)).status).toBe("DISBURSED");
    const steps = sandbox.control.journey(journeyID).journey.steps;
    expect(steps.find((s) => s.kind === "KYC")?.attempts).toBe(2);
  });

  it("offers-expire: offers lapse unselected and the journey EXPIRES (OFFERS_EXPIRED)", async () => {
    const { client, sandbox, token, journeyID } = await setup("x", "+919000000004");
    expect((await toOffers(client, token, journeyID)).status).toBe("OFFERS_AVAILABLE");
    sandbox.clock.advance(60_000);
    const end = await stateOf(client, token, journeyID);
    expect([end.status, end.diagnostics.reasonCode]).toEqual(["EXPIRED", "OFFERS_EXPIRED"]);
    const offers = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    expect(offers.every((o: { status: string }) => o.status === "EXPIRED")).toBe(true);
  });

  it("idle-expiry: the journey EXPIRES after 2 idle minutes, and a mutation resets the countdown", async () => {
    const { client, sandbox, token, journeyID } = await setup("sbx-idle-1");
    sandbox.clock.advance(90_000);
    await client.call("PATCH", `/journeys/${journeyID}/resume`, { token });
    sandbox.clock.advance(90_000);
    expect((await stateOf(client, token, journeyID)).status).toBe("PROFILE_REQUIRED");
    sandbox.clock.advance(30_000);
    const end = await stateOf(client, token, journeyID);
    expect([end.status, end.diagnostics.reasonCode]).toEqual(["EXPIRED", "JOURNEY_IDLE_TIMEOUT"]);
    const fresh = await openSession(client, "sbx-idle-1");
    expect(fresh.journeyID).not.toBe(journeyID);
    expect(fresh.reply.body.activeJourney).toBeNull();
  });

  it("idle-expiry: saving the profile or creating the journey again is a borrower mutation too, and resets the countdown", async () => {
    const { client, sandbox, token, journeyID } = await setup("sbx-idle-2");
    sandbox.clock.advance(90_000);
    expect((await client.call("PUT", "/profile", { token, body: { firstName: "Asha" } })).status).toBe(200);
    sandbox.clock.advance(90_000);
    const again = await client.call("POST", "/journeys", { token, body: { type: "PERSONAL_LOAN" } });
    expect(again.body.journeyID).toBe(journeyID);
    sandbox.clock.advance(90_000);
    expect((await stateOf(client, token, journeyID)).status).toBe("PROFILE_REQUIRED");
    sandbox.clock.advance(30_000);
    expect((await stateOf(client, token, journeyID)).status).toBe("EXPIRED");
  });

  it("closure: DISBURSED, then CLOSED when the loan is repaid", async () => {
    const { client, sandbox, token, journeyID } = await setup("sbx-closure-1");
    expect((await toDisbursed(client, token, journeyID)).status).toBe("DISBURSED");
    sandbox.clock.advance(5000);
    const end = await stateOf(client, token, journeyID);
    expect([end.status, end.diagnostics.reasonCode]).toEqual(["CLOSED", "LOAN_REPAID"]);
    const loan = (await client.call("GET", `/journeys/${journeyID}/loan`, { token })).body;
    expect(loan.status).toBe("CLOSED");
    const schedule = (await client.call("GET", `/journeys/${journeyID}/loan/schedule`, { token })).body
      .installments;
    expect(schedule.every((i: { status: string }) => i.status === "PAID")).toBe(true);
  });
});
