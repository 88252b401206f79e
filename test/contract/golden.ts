/**
 * Golden payloads: one of exactly each shape PLATFORM.md documents (tags name the page), with made-up values in
 * the documented formats. The SDK must parse each to these values, and the sandbox must answer in these shapes.
 */

/** `POST /api/v1/headless/sessions` answer [L4]: the envelope around the session and the active journey. */
export const SESSION_ANSWER = {
  requestID: "6c1f0e0a-6a9e-4f2b-9d3a-8f1b7c2e4d5a",
  correlationID: "web-7f3a",
  timestamp: "2026-03-05T16:48:20.000Z",
  data: {
    borrowerID: "0d2c6f4e-3b1a-4c5d-8e9f-7a6b5c4d3e2f",
    borrowerExternalID: "CUST_0012",
    sessionToken: "st.eyJhbGciOiJIUzI1NiJ9.payload.signature",
    refreshToken: "rt_opaque_9f8e7d6c5b4a",
    sessionExpiresAt: "2026-03-05T17:03:20.000Z",
    refreshExpiresAt: "2026-04-04T16:48:20.000Z",
    activeJourney: {
      journeyID: "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9",
      status: "OFFERS_AVAILABLE",
      nextAction: "VIEW_OFFERS",
    },
  },
  error: null,
} as const;

/** The same answer for a borrower with no journey yet: `activeJourney: null` [L4]. */
export const SESSION_ANSWER_NO_JOURNEY = {
  ...SESSION_ANSWER,
  data: { ...SESSION_ANSWER.data, activeJourney: null },
} as const;

/** `POST /api/v1/headless/journeys` answer [L3]. */
export const JOURNEY_CREATED = {
  requestID: "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b",
  correlationID: null,
  timestamp: "2026-03-05T16:48:21.000Z",
  data: { journeyID: "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9", status: "STARTED", nextAction: null },
  error: null,
} as const;

/** The documented error codes [L7] with their statuses, in the error body `{ error: { code, message } }` [L3]. */
export const ERROR_ANSWERS = [
  { status: 401, body: { error: { code: "AUTH_INVALID_API_KEY", message: "Invalid API key" } } },
  { status: 401, body: { error: { code: "AUTH_INVALID_SESSION", message: "Session expired" } } },
  {
    status: 400,
    body: { error: { code: "VALIDATION_FAILED", message: "profile.contactNumber is required" } },
  },
  { status: 409, body: { error: { code: "OFFER_LOCK_CONFLICT", message: "Another offer was proceeded" } } },
] as const;

/**
 * `GET /api/v1/headless/journeys/{journeyID}/state` answer: the state fields the guides name [L2] [L3] [L7]
 * (`status`, `nextAction`, `actionRequired`, `resource`, `diagnostics`, `pendingOperations`), whose shapes the
 * docs do not give; absent ones sent as `null`, no journey id, no version.
 */
export const STATE_ANSWER = {
  requestID: "3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d",
  correlationID: "web-7f3a",
  timestamp: "2026-03-05T16:48:22.100Z",
  data: {
    status: "OFFERS_PENDING",
    nextAction: null,
    actionRequired: null,
    resource: null,
    diagnostics: { reasonCode: "LENDERS_QUERIED", message: "Waiting for lender offers" },
    pendingOperations: [{ type: "OFFER_FETCH", status: "IN_PROGRESS" }],
  },
  error: null,
} as const;
