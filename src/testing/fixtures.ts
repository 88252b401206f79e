import type {
  AaConsent,
  CreateSessionRequest,
  CreateSessionResponse,
  ErrorBody,
  ForeclosureQuote,
  Installment,
  Journey,
  JourneySnapshot,
  Loan,
  Money,
  Offer,
  Profile,
  Session,
  Step,
  WebhookBody,
} from "../contract/index.js";

/** Rupees to a Money value in paise. */
export function inr(rupees: number): Money {
  return { amount: Math.round(rupees * 100), currency: "INR" };
}

/** A valid snapshot in `OFFERS_AVAILABLE`, as the SDK holds it (`asOf` 2026-11-26T10:00:00Z); override any field. */
export function snapshotFixture(overrides: Partial<JourneySnapshot> = {}): JourneySnapshot {
  return {
    journeyID: "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9",
    asOf: 1_795_687_200_000,
    status: "OFFERS_AVAILABLE",
    nextAction: "VIEW_OFFERS",
    offerCount: 2,
    diagnostics: {},
    updatedAt: "2026-11-26T10:00:00Z",
    expiresAt: "2026-12-11T10:00:00Z",
    ...overrides,
  };
}

/** A snapshot as the platform sends it: without the SDK's order key `asOf`. */
export function wireState(snapshot: JourneySnapshot): Omit<JourneySnapshot, "asOf"> {
  const { asOf: _asOf, ...state } = snapshot;
  return state;
}

/** A valid AVAILABLE offer; override any field. */
export function offerFixture(overrides: Partial<Offer> = {}): Offer {
  return {
    id: "0d6f2e1a-8c4b-4f3e-9a2d-7b5c1e0f3a91",
    lender: { name: "Sandbox Bank" },
    principal: inr(200_000),
    interestRate: 14,
    apr: 15.2,
    tenureMonths: 24,
    emi: inr(9_603),
    processingFee: inr(2_000),
    netDisbursed: inr(198_000),
    totalRepayable: inr(230_472),
    expiresAt: "2026-12-11T10:00:00Z",
    status: "AVAILABLE",
    ...overrides,
  };
}

/** A valid KYC step asking for a redirect; override any field. */
export function stepFixture(overrides: Partial<Step> = {}): Step {
  return {
    id: "5a1c9e7d-3b2f-4d6a-8e0c-9f4b2a7d1c63",
    kind: "KYC",
    status: "ACTION_REQUIRED",
    actionRequired: "REDIRECT",
    resource: {
      type: "REDIRECT",
      url: "http://127.0.0.1:4010/hosted/kyc/5a1c9e7d-3b2f-4d6a-8e0c-9f4b2a7d1c63",
      returnUrl: "https://partner.example/return",
      expiresAt: "2026-11-26T10:30:00Z",
    },
    attempts: 0,
    updatedAt: "2026-11-26T10:00:00Z",
    ...overrides,
  };
}

/** A valid full journey with one offer and one step; override any field. */
export function journeyFixture(overrides: Partial<Journey> = {}): Journey {
  return {
    ...snapshotFixture(),
    createdAt: "2026-11-26T09:50:00Z",
    borrower: { borrowerExternalID: "user-42" },
    profileStatus: "VERIFIED",
    offers: [offerFixture()],
    steps: [stepFixture()],
    ...overrides,
  };
}

/** A valid profile of a 30-year-old on 2026-11-26; override any field. */
export function profileFixture(overrides: Partial<Profile> = {}): Profile {
  return {
    contactNumber: "9876543210",
    pan: "ABCDE1234F",
    panName: "Asha Rao",
    dob: "1996-04-12",
    gender: "female",
    personalemail: "asha@example.com",
    workProfile: {
      employmentType: "salaried",
      income: "85000",
      incomeType: "monthly",
      companyName: "Acme Ltd",
    },
    address: { addressL1: "12 MG Road", city: "Bengaluru", state: "Karnataka", pincode: "560001" },
    ...overrides,
  };
}

/** A valid session pair. */
export function sessionFixture(overrides: Partial<Session> = {}): Session {
  return {
    sessionToken: "3b5c0c4e8f2a4d1e9a7b6c5d4e3f2a1b",
    sessionExpiresAt: "2026-11-26T10:15:00.000Z",
    refreshToken: "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    refreshExpiresAt: "2026-12-26T10:00:00Z",
    ...overrides,
  };
}

/** A valid `POST /sessions` body. */
export function createSessionRequestFixture(
  overrides: Partial<CreateSessionRequest> = {},
): CreateSessionRequest {
  return { borrowerExternalID: "user-42", profile: { contactNumber: "9876543210" }, ...overrides };
}

/** A valid `POST /sessions` answer. */
export function createSessionResponseFixture(): CreateSessionResponse {
  const session = sessionFixture();
  return {
    borrowerID: "0f8e2b6c-4d1a-4e3b-9c7d-2a5f8e1b3c4d",
    borrowerExternalID: "user-42",
    ...session,
    activeJourney: null,
  };
}

/** A valid AA consent. */
export function consentFixture(overrides: Partial<AaConsent> = {}): AaConsent {
  return {
    id: "aac_fixture01",
    status: "PENDING",
    resource: {
      type: "REDIRECT",
      url: "http://127.0.0.1:4010/hosted/aa/aac_fixture01",
      returnUrl: "https://partner.example/return",
      expiresAt: "2026-11-26T10:30:00Z",
    },
    createdAt: "2026-11-26T10:00:00Z",
    ...overrides,
  };
}

/** A valid disbursed loan. */
export function loanFixture(overrides: Partial<Loan> = {}): Loan {
  return {
    loanID: "loan_fixture01",
    principal: inr(200_000),
    disbursedAmount: inr(198_000),
    disbursedAt: "2026-11-26T11:00:00Z",
    interestRate: 14,
    apr: 15.2,
    tenureMonths: 24,
    emi: inr(9_603),
    status: "ACTIVE",
    documents: [{ kind: "LOAN_AGREEMENT", url: "http://127.0.0.1:4010/docs/loan_fixture01.pdf" }],
    ...overrides,
  };
}

/** A valid first instalment. */
export function installmentFixture(overrides: Partial<Installment> = {}): Installment {
  return {
    seq: 1,
    dueDate: "2026-12-26",
    amount: inr(9_603),
    principal: inr(7_270),
    interest: inr(2_333),
    status: "NOT_PAID",
    ...overrides,
  };
}

/** A valid foreclosure quote. */
export function foreclosureFixture(): ForeclosureQuote {
  return {
    amount: inr(201_500),
    resource: {
      type: "REDIRECT",
      url: "http://127.0.0.1:4010/hosted/pay/loan_fixture01",
      returnUrl: "https://partner.example/return",
      expiresAt: "2026-11-26T12:30:00Z",
    },
  };
}

/**
 * A valid `journey.snapshot` delivery body, the documented example's shape [L6]: one journey of
 * {@link snapshotFixture} (id, status, nextAction), generated at its `asOf`; override any field.
 */
export function webhookFixture(overrides: Partial<WebhookBody> = {}): WebhookBody {
  const snapshot = snapshotFixture();
  const at = new Date(snapshot.asOf).toISOString();
  return {
    schema_version: "1.0.0",
    event_type: "journey.snapshot",
    event_id: "evt_01JB2X4CE6",
    event_at: at,
    snapshot_generated_at: at,
    sequence: snapshot.asOf,
    issuer: { source: "credit-api", trigger: "journey.offer.updated" },
    tenant_id: "4f2c8a1e-9b3d-4e6f-8a7c-1d2e3f4a5b6c",
    application_id: "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
    borrower: {
      borrowerExternalID: "CUST_0012",
      journeys: [{ journeyID: snapshot.journeyID, status: snapshot.status, nextAction: snapshot.nextAction }],
    },
    ...overrides,
  };
}

/** A valid error body: the platform's envelope with `error: { code, message }` [L3] [L7]. */
export function errorBodyFixture(overrides: Partial<ErrorBody["error"]> = {}): ErrorBody & {
  requestID: string;
  correlationID: string;
  timestamp: string;
  data: null;
} {
  return {
    requestID: "5f0c2d9e-6b1a-4c3d-8e7f-0a1b2c3d4e5f",
    correlationID: "corr-1",
    timestamp: "2026-11-26T10:00:00.000Z",
    data: null,
    error: {
      code: "OFFER_LOCK_CONFLICT",
      message: "Another offer was already proceeded for this journey.",
      ...overrides,
    },
  };
}
