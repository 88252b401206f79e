import { afterEach, describe, expect, it } from "vitest";
import {
  completeCurrentStep,
  MANDATE_DATA,
  openSession,
  pressHosted,
  profileFor,
  type Sandbox,
  startManual,
  stateOf,
  submitProfile,
  TestClient,
  toDisbursed,
  toOffers,
} from "./helpers.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function setup(borrowerExternalID = "ep-borrower", phone?: string) {
  sandbox = await startManual();
  const client = new TestClient(sandbox);
  return { sandbox, client, ...(await openSession(client, borrowerExternalID, phone)) };
}

async function toSelected(client: TestClient, token: string, journeyID: string) {
  await toOffers(client, token, journeyID);
  const offers = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
  await client.call("POST", `/journeys/${journeyID}/offers/${offers[0].id}/proceed`, { token });
  client.sandbox.clock.advance(1000);
  return offers;
}

describe("sessions", () => {
  it("bootstraps with no active journey, creates one (PROFILE_REQUIRED), then names it as the active journey", async () => {
    const { client, journeyID, reply, token } = await setup();
    expect(reply.body.activeJourney).toBeNull();
    expect(typeof reply.body.borrowerID).toBe("string");
    expect(reply.body.borrowerExternalID).toBe("ep-borrower");
    expect((await stateOf(client, token, journeyID)).status).toBe("PROFILE_REQUIRED");
    const again = await openSession(client, "ep-borrower");
    expect(again.journeyID).toBe(journeyID);
    expect(again.reply.body.activeJourney).toEqual({
      journeyID,
      status: "PROFILE_REQUIRED",
      nextAction: "SUBMIT_PROFILE",
    });
    expect(again.reply.body.borrowerID).toBe(reply.body.borrowerID);
    // Creating again while one is open answers the open one (modelled: one open journey per borrower).
    const second = await client.call("POST", "/journeys", {
      token: again.token,
      body: { type: "PERSONAL_LOAN" },
    });
    expect([second.status, second.body.journeyID]).toEqual([201, journeyID]);
    const other = await openSession(client, "other-borrower");
    expect(other.journeyID).not.toBe(journeyID);
    expect(client.violations).toEqual([]);
  });

  it("rejects a bad body with 400 VALIDATION_FAILED and field paths, and malformed JSON with 400", async () => {
    const { client, sandbox } = await setup();
    const before = sandbox.control.journeys().length;
    const bad = await client.call("POST", "/sessions", {
      body: { borrowerExternalID: "", journeyType: "", returnUrl: "nope" },
    });
    expect([bad.status, bad.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect(bad.body.error.fields.map((e: { path: string }) => e.path).sort()).toEqual([
      "borrowerExternalID",
      "journeyType",
      "returnUrl",
    ]);
    const malformed = await client.call("POST", "/sessions", { body: "{not json" });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect(sandbox.control.journeys()).toHaveLength(before);
  });
});

describe("journeys and profile", () => {
  it("lists, reads and resumes journeys", async () => {
    const { client, token, journeyID } = await setup();
    const list = await client.call("GET", "/journeys", { token });
    expect(list.body.journeys.map((j: { journeyID: string }) => j.journeyID)).toEqual([journeyID]);
    const full = await client.call("GET", `/journeys/${journeyID}`, { token });
    expect(full.body.borrower.borrowerExternalID).toBe("ep-borrower");
    expect(full.body.profileStatus).toBe("NOT_SUBMITTED");
    const resumed = await client.call("PATCH", `/journeys/${journeyID}/resume`, { token });
    expect(resumed.status).toBe(200);
    // Each answer is stamped later than the one before: the SDK's order key.
    expect(Date.parse(resumed.envelope.timestamp)).toBeGreaterThan(Date.parse(full.envelope.timestamp));
    expect((await client.call("GET", "/journeys/jrn_nope", { token })).status).toBe(404);
    expect(client.violations).toEqual([]);
  });

  it("upserts and reads the profile [L3], validates fields by path, and submits only a complete profile of age", async () => {
    const { client, sandbox, token, journeyID } = await setup();
    expect((await client.call("GET", "/profile", { token })).body).toEqual({});
    const bad = await client.call("PUT", "/profile", { token, body: { ...profileFor(), pan: "bad" } });
    expect([bad.status, bad.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect(bad.body.error.fields.map((e: { path: string }) => e.path)).toEqual(["pan"]);
    // A partial upsert is stored; a submit then names every missing field, each `required`.
    const partial = await client.call("PUT", "/profile", {
      token,
      body: { pan: "ABCDE1234F", address: { city: "Pune" } },
    });
    expect([partial.status, partial.body.pan, partial.body.address.city]).toEqual([
      200,
      "ABCDE1234F",
      "Pune",
    ]);
    const incomplete = await client.call("POST", "/profile/submit", { token, body: { bureauConsent: true } });
    expect([incomplete.status, incomplete.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect(incomplete.body.error.fields.map((e: { path: string }) => e.path)).toContain("contactNumber");
    expect(incomplete.body.error.fields.every((e: { code: string }) => e.code === "required")).toBe(true);
    // Modelled lender policy: 21–60 years on the sandbox's date.
    const young = await submitProfile(client, token, { ...profileFor(), dob: "2015-01-01" });
    expect(young.body.error.fields.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
      ["dob", "range"],
    ]);
    const noConsent = await client.call("POST", "/profile/submit", { token, body: { bureauConsent: false } });
    expect(noConsent.body.error.fields.map((e: { path: string }) => e.path)).toEqual(["bureauConsent"]);
    expect(sandbox.control.journey(journeyID).journey.status).toBe("PROFILE_REQUIRED");
    const ok = await submitProfile(client, token);
    expect([ok.status, ok.body.status]).toEqual([202, "PROFILE_SUBMITTED"]);
    expect((await client.call("GET", "/profile", { token })).body).toEqual(profileFor());
    const twice = await client.call("POST", "/profile/submit", { token, body: { bureauConsent: true } });
    expect([twice.status, twice.body.error.code]).toEqual([409, "INVALID_STATE"]);
    expect(client.violations).toEqual([]);
  });

  it("moves PROFILE_SUBMITTED → OFFERS_PENDING → OFFERS_AVAILABLE on the clock, with 2–4 offers", async () => {
    const { client, sandbox, token, journeyID } = await setup();
    await submitProfile(client, token);
    sandbox.clock.advance(999);
    expect((await stateOf(client, token, journeyID)).status).toBe("PROFILE_SUBMITTED");
    sandbox.clock.advance(1);
    expect((await stateOf(client, token, journeyID)).status).toBe("OFFERS_PENDING");
    sandbox.clock.advance(2000);
    const state = await stateOf(client, token, journeyID);
    expect(state.status).toBe("OFFERS_AVAILABLE");
    expect(state.nextAction).toBe("VIEW_OFFERS");
    const offers = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    expect(offers.length).toBeGreaterThanOrEqual(2);
    expect(offers.length).toBeLessThanOrEqual(4);
    expect(state.offerCount).toBe(offers.length);
    for (const offer of offers) {
      expect(offer.netDisbursed.amount + offer.processingFee.amount).toBe(offer.principal.amount);
      expect(Date.parse(offer.expiresAt) - sandbox.clock.now()).toBe(15 * 24 * 3600_000);
    }
  });
});

describe("offers", () => {
  it("locks on proceed: same offer again succeeds, another is 409 OFFER_LOCK_CONFLICT, unknown is 404", async () => {
    const { client, token, journeyID } = await setup();
    await toOffers(client, token, journeyID);
    const offers = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    const [a, b] = offers;
    const first = await client.call("POST", `/journeys/${journeyID}/offers/${a.id}/proceed`, { token });
    expect([first.status, first.body.status, first.body.lockedOfferID]).toEqual([
      202,
      "OFFER_SELECTED",
      a.id,
    ]);
    const same = await client.call("POST", `/journeys/${journeyID}/offers/${a.id}/proceed`, { token });
    expect(same.status).toBe(202);
    const other = await client.call("POST", `/journeys/${journeyID}/offers/${b.id}/proceed`, { token });
    expect([other.status, other.body.error.code]).toEqual([409, "OFFER_LOCK_CONFLICT"]);
    const unknown = await client.call("POST", `/journeys/${journeyID}/offers/ofr_nope/proceed`, { token });
    expect(unknown.status).toBe(404);
    const list = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body;
    expect(list.lockedOfferID).toBe(a.id);
    expect(list.offers.map((o: { status: string }) => o.status)).toEqual(
      offers.map((o: { id: string }) => (o.id === a.id ? "SELECTED" : "BLOCKED")),
    );
    expect(client.violations).toEqual([]);
  });

  it("lets exactly one of two concurrent proceeds of different offers win", async () => {
    const { client, sandbox, token, journeyID } = await setup();
    await toOffers(client, token, journeyID);
    const [a, b] = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    const replies = await Promise.all([
      client.call("POST", `/journeys/${journeyID}/offers/${a.id}/proceed`, { token }),
      client.call("POST", `/journeys/${journeyID}/offers/${b.id}/proceed`, { token }),
    ]);
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409]);
    const winner = replies.find((r) => r.status === 202)?.body.lockedOfferID;
    expect(sandbox.control.journey(journeyID).journey.lockedOfferID).toBe(winner);
    expect(sandbox.control.mutations().filter((m) => m.endpoint === "proceedOffer")).toHaveLength(1);
  });

  it("answers 410 OFFER_EXPIRED for an offer past its expiresAt; the journey expires with the last offer", async () => {
    const { client, sandbox, token, journeyID } = await setup("sbx-offers-expire-1");
    const early = await client.call("POST", `/journeys/${journeyID}/offers/ofr_none/proceed`, { token });
    expect(early.status).toBe(404);
    await toOffers(client, token, journeyID);
    const offers = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    const first = offers[0];
    sandbox.clock.advance(Date.parse(first.expiresAt) - sandbox.clock.now());
    const gone = await client.call("POST", `/journeys/${journeyID}/offers/${first.id}/proceed`, { token });
    expect([gone.status, gone.body.error.code]).toEqual([410, "OFFER_EXPIRED"]);
    const state = await stateOf(client, token, journeyID);
    expect(state.status).toBe("OFFERS_AVAILABLE");
    sandbox.clock.advance(60_000);
    const ended = await stateOf(client, token, journeyID);
    expect([ended.status, ended.diagnostics.reasonCode]).toEqual(["EXPIRED", "OFFERS_EXPIRED"]);
    const late = await client.call("POST", `/journeys/${journeyID}/offers/${offers[1].id}/proceed`, {
      token,
    });
    expect(late.status).toBe(410);
    expect(client.violations).toEqual([]);
  });

  it("answers 409 INVALID_STATE for a proceed outside OFFERS_AVAILABLE", async () => {
    const { client, sandbox, token, journeyID } = await setup();
    await toOffers(client, token, journeyID);
    const [a] = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    await client.call("POST", `/journeys/${journeyID}/offers/${a.id}/proceed`, { token });
    sandbox.clock.advance(1000);
    sandbox.control.failStep(journeyID, undefined, { reasonCode: "LENDER_DECLINED", retryable: false });
    expect((await stateOf(client, token, journeyID)).status).toBe("REJECTED");
    const reply = await client.call("POST", `/journeys/${journeyID}/offers/${a.id}/proceed`, { token });
    expect([reply.status, reply.body.error.code]).toEqual([409, "INVALID_STATE"]);
  });
});

describe("steps", () => {
  it("walks AA consent, KYC, bank-mandate FORM, e-mandate and the agreement DOCUMENT", async () => {
    const { client, sandbox, token, journeyID } = await setup();
    await toSelected(client, token, journeyID);
    let state = await stateOf(client, token, journeyID);
    expect(state.status).toBe("AA_REQUIRED");
    const steps = (await client.call("GET", `/offers/${state.lockedOfferID}/steps`, { token })).body.steps;
    const offers = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    const other = offers.find((o: { id: string }) => o.id !== state.lockedOfferID);
    if (other)
      expect((await client.call("GET", `/offers/${other.id}/steps`, { token })).body.steps).toEqual([]);
    const unknown = await client.call("GET", "/offers/no-such-offer/steps", { token });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "NOT_FOUND"]);
    expect(steps.map((s: { kind: string }) => s.kind)).toEqual([
      "AA_CONSENT",
      "KYC",
      "BANK_MANDATE",
      "E_MANDATE",
      "LOAN_AGREEMENT",
    ]);
    // AA: START creates the consent; its REDIRECT becomes the step's resource.
    const aaStep = steps[0];
    const started = await client.call("POST", `/journeys/${journeyID}/steps/${aaStep.id}/actions`, {
      token,
      body: { action: "START" },
    });
    expect(started.status).toBe(202);
    expect(started.body.resource.type).toBe("REDIRECT");
    const consent = await client.call("POST", `/journeys/${journeyID}/aa/consents`, { token, body: {} });
    expect(consent.status).toBe(201);
    expect(consent.body.resource.url).toBe(started.body.resource.url);
    const hosted = await fetch(consent.body.resource.url);
    expect(hosted.status).toBe(200);
    expect(await hosted.text()).toContain("<form");
    const back = await pressHosted(consent.body.resource.url);
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toContain("status=completed");
    expect((await stateOf(client, token, journeyID)).nextAction).toBe("WAIT");
    sandbox.clock.advance(1000);
    const fetched = await client.call("GET", `/journeys/${journeyID}/aa/consents/${consent.body.id}`, {
      token,
    });
    expect(fetched.body.status).toBe("ACTIVE");
    state = await stateOf(client, token, journeyID);
    expect(state.status).toBe("KYC_PENDING");
    expect(state.actionRequired.kind).toBe("REDIRECT");
    // Consents outside AA_REQUIRED are refused.
    const lateConsent = await client.call("POST", `/journeys/${journeyID}/aa/consents`, { token, body: {} });
    expect(lateConsent.body.error.code).toBe("INVALID_STATE");
    state = await completeCurrentStep(client, token, journeyID);
    expect(state.status).toBe("BANK_MANDATE_PENDING");
    expect(state.actionRequired.resource.type).toBe("FORM");
    const mandateId = state.actionRequired.stepID;
    const badForm = await client.call("POST", `/journeys/${journeyID}/steps/${mandateId}/actions`, {
      token,
      body: { action: "SUBMIT", data: { ...MANDATE_DATA, ifsc: "nope", accountNumber: undefined } },
    });
    expect(badForm.status).toBe(400);
    expect(badForm.body.error.fields.map((e: { path: string }) => e.path).sort()).toEqual([
      "data.accountNumber",
      "data.ifsc",
    ]);
    expect((await stateOf(client, token, journeyID)).status).toBe("BANK_MANDATE_PENDING");
    const wrongAction = await client.call("POST", `/journeys/${journeyID}/steps/${mandateId}/actions`, {
      token,
      body: { action: "JUMP" },
    });
    expect(wrongAction.body.error.fields[0].path).toBe("action");
    state = await completeCurrentStep(client, token, journeyID);
    expect(state.status).toBe("E_MANDATE_PENDING");
    const emandate = state.actionRequired.stepID;
    const submitRedirect = await client.call("POST", `/journeys/${journeyID}/steps/${emandate}/actions`, {
      token,
      body: { action: "SUBMIT" },
    });
    expect(submitRedirect.body.error.code).toBe("INVALID_STATE");
    state = await completeCurrentStep(client, token, journeyID);
    expect(state.status).toBe("LOAN_AGREEMENT_PENDING");
    expect(state.actionRequired.resource).toMatchObject({ type: "DOCUMENT", mimeType: "application/pdf" });
    const doc = await fetch(state.actionRequired.resource.url);
    expect(doc.headers.get("content-type")).toBe("application/pdf");
    // A step that is not current cannot be acted on.
    const notCurrent = await client.call("POST", `/journeys/${journeyID}/steps/${aaStep.id}/actions`, {
      token,
      body: { action: "START" },
    });
    expect([notCurrent.status, notCurrent.body.error.code]).toEqual([409, "INVALID_STATE"]);
    state = await completeCurrentStep(client, token, journeyID);
    expect(state.status).toBe("LENDER_PROCESSING");
    sandbox.clock.advance(2000);
    expect((await stateOf(client, token, journeyID)).status).toBe("DISBURSED");
    expect((await client.call("GET", `/journeys/${journeyID}/steps/stp_nope`, { token })).status).toBe(404);
    expect(client.violations).toEqual([]);
  });

  it("expires a redirect link at its expiresAt and re-issues it through PATCH /resume", async () => {
    const { client, sandbox, token, journeyID } = await setup("sbx-no-aa-redirect");
    await toSelected(client, token, journeyID);
    const state = await stateOf(client, token, journeyID);
    expect(state.status).toBe("KYC_PENDING");
    const oldUrl = state.actionRequired.resource.url;
    const expiresIn = Date.parse(state.actionRequired.resource.expiresAt) - sandbox.clock.now();
    sandbox.clock.advance(expiresIn);
    const expired = await stateOf(client, token, journeyID);
    expect(expired.nextAction).toBe("RESUME");
    expect(Date.parse(expired.updatedAt)).toBeGreaterThan(Date.parse(state.updatedAt));
    expect((await fetch(oldUrl)).status).toBe(410);
    expect((await pressHosted(oldUrl)).status).toBe(410);
    const resumed = await client.call("PATCH", `/journeys/${journeyID}/resume`, { token });
    const kyc = resumed.body.steps.find((s: { kind: string }) => s.kind === "KYC");
    expect(kyc.status).toBe("ACTION_REQUIRED");
    expect(kyc.resource.url).not.toBe(oldUrl);
    expect(Date.parse(kyc.resource.expiresAt)).toBeGreaterThan(sandbox.clock.now());
    expect((await pressHosted(kyc.resource.url)).status).toBe(303);
    // Used, and its step moved on: the page itself says so (no buttons that would only answer 410).
    const done = await fetch(kyc.resource.url);
    expect([done.status, (await done.text()).includes("<form")]).toEqual([410, false]);
    sandbox.clock.advance(1000);
    expect((await stateOf(client, token, journeyID)).status).toBe("BANK_MANDATE_PENDING");
    expect(client.violations).toEqual([]);
  });

  it("serves a hosted link whose journey ended as no longer applying (410, no buttons), though unexpired", async () => {
    const { client, sandbox, token, journeyID } = await setup("sbx-no-aa-redirect");
    await toSelected(client, token, journeyID);
    const url = (await stateOf(client, token, journeyID)).actionRequired.resource.url;
    sandbox.control.expireJourney(journeyID);
    const page = await fetch(url);
    expect(page.status).toBe(410);
    expect(await page.text()).not.toContain("<form");
    expect(client.violations).toEqual([]);
  });

  it("fails a step from its hosted page, then START retries it", async () => {
    const { client, sandbox, token, journeyID } = await setup("sbx-no-aa-fail");
    await toSelected(client, token, journeyID);
    const state = await stateOf(client, token, journeyID);
    await pressHosted(state.actionRequired.resource.url, "fail");
    sandbox.clock.advance(1000);
    const failed = await client.call("GET", `/journeys/${journeyID}/steps/${state.actionRequired.stepID}`, {
      token,
    });
    expect(failed.body).toMatchObject({
      status: "FAILED",
      failure: { reasonCode: "KYC_FAILED", retryable: true },
    });
    const after = await completeCurrentStep(client, token, journeyID);
    expect(after.status).toBe("BANK_MANDATE_PENDING");
  });

  it("refuses resume on an ended journey (409 INVALID_STATE)", async () => {
    const { client, sandbox, token, journeyID } = await setup();
    sandbox.control.expireJourney(journeyID);
    const reply = await client.call("PATCH", `/journeys/${journeyID}/resume`, { token });
    expect([reply.status, reply.body.error.code]).toEqual([409, "INVALID_STATE"]);
  });
});

describe("after disbursal", () => {
  it("serves the loan, its schedule and a foreclosure quote whose payment closes the journey", async () => {
    const { client, sandbox, token, journeyID } = await setup();
    const early = await client.call("GET", `/journeys/${journeyID}/loan`, { token });
    expect([early.status, early.body.error.code]).toEqual([409, "INVALID_STATE"]);
    const end = await toDisbursed(client, token, journeyID);
    expect(end.status).toBe("DISBURSED");
    const loan = (await client.call("GET", `/journeys/${journeyID}/loan`, { token })).body;
    const offer = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers.find(
      (o: { status: string }) => o.status === "SELECTED",
    );
    expect(loan).toMatchObject({ status: "ACTIVE", principal: offer.principal, emi: offer.emi });
    expect(loan.disbursedAmount).toEqual(offer.netDisbursed);
    const schedule = (await client.call("GET", `/journeys/${journeyID}/loan/schedule`, { token })).body
      .installments;
    expect(schedule).toHaveLength(loan.tenureMonths);
    expect(
      schedule.reduce((s: number, i: { principal: { amount: number } }) => s + i.principal.amount, 0),
    ).toBe(loan.principal.amount);
    expect(schedule.reduce((s: number, i: { amount: { amount: number } }) => s + i.amount.amount, 0)).toBe(
      offer.totalRepayable.amount,
    );
    const quote = await client.call("POST", `/journeys/${journeyID}/loan/foreclosure`, { token });
    const second = await client.call("POST", `/journeys/${journeyID}/loan/foreclosure`, { token });
    expect(quote.status).toBe(201);
    expect(quote.body.amount.amount).toBe(Math.round(loan.principal.amount * 1.02));
    expect(Date.parse(quote.body.resource.expiresAt) - sandbox.clock.now()).toBe(90 * 60_000);
    expect((await pressHosted(quote.body.resource.url)).status).toBe(303);
    const closed = await stateOf(client, token, journeyID);
    expect(closed.status).toBe("CLOSED");
    expect(closed.diagnostics.reasonCode).toBe("LOAN_FORECLOSED");
    expect((await client.call("GET", `/journeys/${journeyID}/loan`, { token })).body.status).toBe(
      "FORECLOSED",
    );
    const again = await client.call("POST", `/journeys/${journeyID}/loan/foreclosure`, { token });
    expect(again.body.error.code).toBe("INVALID_STATE");
    // The second quote, paid after the first closed the loan, no longer applies: 410, never "completed".
    const late = await pressHosted(second.body.resource.url);
    expect(late.status).toBe(410);
    expect(late.headers.get("location")).toBeNull();
    expect(client.violations).toEqual([]);
  });
});

describe("routing", () => {
  it("answers unknown routes with a 404 error body", async () => {
    const { client, token } = await setup();
    const reply = await client.call("GET", "/nowhere", { token });
    expect([reply.status, reply.body.error.code]).toEqual([404, "NOT_FOUND"]);
  });
});
