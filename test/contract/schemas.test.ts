import { describe, expect, it } from "vitest";
import {
  CONTRACT_SCHEMAS,
  ContractError,
  JourneySnapshot,
  missingProfileFields,
  Profile,
  parse,
  REQUIRED_PROFILE_FIELDS,
  safeParse,
  WebhookConfiguration,
  WebhookSubscribeRequest,
} from "../../src/contract/index.js";
import * as f from "../../src/testing/fixtures.js";

type Name = keyof typeof CONTRACT_SCHEMAS;

/** For every payload: a valid fixture, an invalid one, and the path its error must name. */
const cases: Record<Name, { valid: unknown; invalid: unknown; path: string }> = {
  Money: { valid: f.inr(10), invalid: { amount: 10.5, currency: "INR" }, path: "amount" },
  JourneyStatus: { valid: "KYC_PENDING", invalid: "KYC_DONE", path: "" },
  NextAction: { valid: "VIEW_OFFERS", invalid: 42, path: "" },
  ActionRequired: {
    valid: { stepID: "stp_1", kind: "FORM", resource: { type: "FORM", fields: [] } },
    invalid: { stepID: "", kind: "FORM" },
    path: "stepID",
  },
  Diagnostics: { valid: { reasonCode: "X", retryable: true }, invalid: { at: "yesterday" }, path: "at" },
  Resource: {
    valid: { type: "WAIT", reason: "lender", pollAfterMs: 10_000 },
    invalid: {
      type: "REDIRECT",
      url: "javascript:alert(1)",
      returnUrl: "https://a.example",
      expiresAt: "2026-11-26T10:00:00Z",
    },
    path: "url",
  },
  JourneyStateData: {
    valid: { status: "OFFERS_AVAILABLE", nextAction: "VIEW_OFFERS" },
    invalid: { status: "OFFERS_AVAILABLE", diagnostics: { retryable: "yes" } },
    path: "diagnostics.retryable",
  },
  Offer: {
    valid: f.offerFixture(),
    invalid: { ...f.offerFixture(), emi: { amount: 1, currency: "rupees" } },
    path: "emi.currency",
  },
  Step: { valid: f.stepFixture(), invalid: { ...f.stepFixture(), kind: "SELFIE" }, path: "kind" },
  ProfileStatus: { valid: "SUBMITTED", invalid: "DONE", path: "" },
  JourneyData: {
    valid: f.journeyFixture(),
    invalid: { ...f.journeyFixture(), offers: [{ ...f.offerFixture(), tenureMonths: 0 }] },
    path: "offers.0.tenureMonths",
  },
  Profile: { valid: f.profileFixture(), invalid: f.profileFixture({ pan: "abcde1234f" }), path: "pan" },
  ProfileSubmitRequest: {
    valid: { bureauConsent: true },
    invalid: { bureauConsent: false },
    path: "bureauConsent",
  },
  AaConsent: { valid: f.consentFixture(), invalid: { ...f.consentFixture(), status: "OK" }, path: "status" },
  Loan: {
    valid: f.loanFixture(),
    invalid: { ...f.loanFixture(), documents: [{ kind: "X", url: "https://a.b" }] },
    path: "documents.0.kind",
  },
  Installment: {
    valid: f.installmentFixture(),
    invalid: f.installmentFixture({ dueDate: "2026-02-30" }),
    path: "dueDate",
  },
  Schedule: {
    valid: { installments: [f.installmentFixture()] },
    invalid: { installments: [{}] },
    path: "installments.0.seq",
  },
  ForeclosureQuote: {
    valid: f.foreclosureFixture(),
    invalid: { ...f.foreclosureFixture(), resource: { type: "WAIT" } },
    path: "resource.type",
  },
  Session: {
    valid: f.sessionFixture(),
    invalid: f.sessionFixture({ sessionToken: "" }),
    path: "sessionToken",
  },
  CreateSessionRequest: {
    valid: f.createSessionRequestFixture(),
    invalid: { borrowerExternalID: "" },
    path: "borrowerExternalID",
  },
  CreateSessionResponse: {
    valid: f.createSessionResponseFixture(),
    invalid: {
      ...f.createSessionResponseFixture(),
      activeJourney: { journeyID: "j", status: "NOPE", nextAction: null },
    },
    path: "activeJourney.status",
  },
  JourneySummary: {
    valid: {
      journeyID: "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9",
      status: "OFFERS_AVAILABLE",
      nextAction: "VIEW_OFFERS",
    },
    invalid: { journeyID: "j", status: "STARTED", nextAction: 3 },
    path: "nextAction",
  },
  CreateJourneyRequest: {
    valid: { type: "PERSONAL_LOAN", metadata: { source: "web_app" } },
    invalid: { type: "" },
    path: "type",
  },
  RefreshSessionRequest: {
    valid: { refreshToken: "brt_abcdefgh1234" },
    invalid: { refreshToken: "" },
    path: "refreshToken",
  },
  RefreshSessionResponse: {
    valid: { session: f.sessionFixture() },
    invalid: { session: {} },
    path: "session.sessionToken",
  },
  JourneyList: {
    valid: { journeys: [f.snapshotFixture()] },
    invalid: { journeys: [{ ...f.snapshotFixture(), status: "DONE" }] },
    path: "journeys.0.status",
  },
  OfferList: {
    valid: { offers: [f.offerFixture()], lockedOfferID: "ofr_1" },
    invalid: { offers: [], lockedOfferID: "" },
    path: "lockedOfferID",
  },
  StepList: {
    valid: { steps: [f.stepFixture()] },
    invalid: { steps: [{ ...f.stepFixture(), attempts: -1 }] },
    path: "steps.0.attempts",
  },
  StepActionRequest: {
    valid: { action: "SUBMIT", data: { ifsc: "HDFC0001234" } },
    invalid: { action: "FINISH" },
    path: "action",
  },
  CreateConsentRequest: { valid: {}, invalid: null, path: "" },
  WebhookBody: {
    valid: f.webhookFixture(),
    invalid: { ...f.webhookFixture(), sequence: -1 },
    path: "sequence",
  },
  WebhookSubscribeRequest: {
    valid: { url: "https://partner.example/hooks/credit" },
    invalid: { url: "http://partner.example/hooks/credit" },
    path: "url",
  },
  WebhookConfiguration: {
    valid: {
      tenant_id: "3f6c2a1e-9b7d-4e8f-a1c2-5d4e3f2a1b0c",
      application_id: "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d",
      webhook_enabled: true,
      webhook_url: "https://partner.example/hooks/credit",
    },
    invalid: {
      tenant_id: "3f6c2a1e-9b7d-4e8f-a1c2-5d4e3f2a1b0c",
      application_id: "app_1",
      webhook_enabled: false,
      webhook_url: null,
    },
    path: "application_id",
  },
  ErrorBody: { valid: f.errorBodyFixture(), invalid: { error: { message: "no code" } }, path: "error.code" },
};

describe("every contract payload", () => {
  for (const [name, c] of Object.entries(cases) as [Name, (typeof cases)[Name]][]) {
    it(`${name}: a valid fixture parses`, () => {
      expect(() => parse(CONTRACT_SCHEMAS[name], c.valid, name)).not.toThrow();
    });
    it(`${name}: an invalid fixture fails with a ContractError naming "${c.path || "(root)"}"`, () => {
      let error: unknown;
      try {
        parse(CONTRACT_SCHEMAS[name], c.invalid, name);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ContractError);
      const contractError = error as ContractError;
      expect(contractError.schema).toBe(name);
      expect(contractError.issues.map((i) => i.path)).toContain(c.path);
      expect(contractError.message).toContain(c.path || "(root)");
    });
  }

  it("has a case for every schema in CONTRACT_SCHEMAS", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(CONTRACT_SCHEMAS).sort());
  });
});

describe("ContractError", () => {
  it("names every failing path, not only the first", () => {
    const bad = { ...f.snapshotFixture(), asOf: -3, status: "NOPE", updatedAt: "now" };
    try {
      parse(JourneySnapshot, bad, "JourneySnapshot");
      expect.unreachable();
    } catch (e) {
      const paths = (e as ContractError).issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(["asOf", "status", "updatedAt"]));
    }
  });
});

describe("profile rules [C4] [L13]", () => {
  it("reads contactNumber as 10 digits or +91 and 10 digits, and dob as a date or an ISO datetime", () => {
    for (const contactNumber of ["9876543210", "+919876543210"])
      expect(parse(Profile, f.profileFixture({ contactNumber }), "Profile").contactNumber).toBe(
        contactNumber,
      );
    for (const dob of ["1995-06-20", "1994-08-17T00:00:00.000Z"])
      expect(parse(Profile, f.profileFixture({ dob }), "Profile").dob).toBe(dob);
  });
  it("rejects a bad contact number, pincode, gender and employment type together, naming each", () => {
    const bad = {
      ...f.profileFixture({ contactNumber: "12345", gender: "other" as never }),
      workProfile: { employmentType: "SALARIED" },
      address: { pincode: "01234" },
    };
    const result = safeParse(Profile, bad, "Profile");
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.issues.map((i) => i.path).sort()).toEqual(
        ["address.pincode", "contactNumber", "gender", "workProfile.employmentType"].sort(),
      );
  });
  it("names every required field a submission lacks, and none of a complete profile", () => {
    expect(missingProfileFields(f.profileFixture())).toEqual([]);
    expect(missingProfileFields({ pan: "ABCDE1234F", address: { city: "Pune" } }).map((i) => i.path)).toEqual(
      REQUIRED_PROFILE_FIELDS.filter((p) => p !== "pan" && p !== "address.city"),
    );
  });
});

describe("webhook subscription [C1] [C13] [C14]", () => {
  const T = "3f6c2a1e-9b7d-4e8f-a1c2-5d4e3f2a1b0c";
  const A = "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d";
  it("accepts only an absolute https: callback URL, naming url otherwise", () => {
    expect(safeParse(WebhookSubscribeRequest, { url: "https://partner.example/h?x=1" }, "W").ok).toBe(true);
    for (const body of [
      {},
      { url: "" },
      { url: "http://partner.example/h" },
      { url: "ftp://partner.example/h" },
      { url: "partner.example/h" },
      { url: 42 },
    ]) {
      const result = safeParse(WebhookSubscribeRequest, body, "WebhookSubscribeRequest");
      expect(result.ok, JSON.stringify(body)).toBe(false);
      if (!result.ok) expect(result.error.issues.map((i) => i.path)).toEqual(["url"]);
    }
  });

  it("reads the four documented snake_case fields, webhook_url null once unsubscribed", () => {
    const on = { tenant_id: T, application_id: A, webhook_enabled: true, webhook_url: "https://p.example/h" };
    const off = { tenant_id: T, application_id: A, webhook_enabled: false, webhook_url: null };
    expect(parse(WebhookConfiguration, { ...on, extra: 1 }, "WebhookConfiguration")).toEqual(on);
    expect(parse(WebhookConfiguration, off, "WebhookConfiguration")).toEqual(off);
    const missing = safeParse(WebhookConfiguration, { tenant_id: T, application_id: A }, "W");
    expect(missing.ok).toBe(false);
    if (!missing.ok)
      expect(missing.error.issues.map((i) => i.path).sort()).toEqual(["webhook_enabled", "webhook_url"]);
    expect(safeParse(WebhookConfiguration, { ...on, tenant_id: "tenant-1" }, "W").ok).toBe(false);
  });
});
