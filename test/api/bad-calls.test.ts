/**
 * Issue L item 5: a corpus of bad calls across every public factory and function. Each one fails with a typed SDK
 * error (never a bare TypeError/RangeError/Error, except where the function's doc promises one) that names the
 * field at fault; a misconfigured handler, reconciler, relay or sandbox never starts.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  ClientConfigError,
  createBorrowerClient,
  createPartnerClient,
  openJourney,
  ScopeError,
  startOrResumeJourney,
} from "../../src/client/index.js";
import { ContractError, JourneySnapshot as JourneySnapshotSchema, parse } from "../../src/contract/index.js";
import { initial, initialWithCommands, journey, parseSnapshot, reduce } from "../../src/index.js";
import {
  createJourney,
  createManualClock,
  IntentError,
  JourneyWaitError,
  RuntimeConfigError,
  RuntimeStateError,
  steadySignals,
} from "../../src/runtime/index.js";
import { SandboxProblem, startSandbox } from "../../src/sandbox/index.js";
import * as edge from "../../src/server/edge.js";
import {
  bootstrapSession,
  CorruptRecordError,
  createMemoryJourneyStore,
  createMemoryTokenStore,
  createPGliteJourneyStore,
  createPostgresJourneyStore,
  createPushRelay,
  createReconciler,
  createSqlJourneyStore,
  createWebhookHandler,
  createWebhookVerifier,
  expressRawBody,
  getFreshSession,
  NoStoredSessionError,
  PushRelayConfigError,
  RawBodyError,
  RawBodyLimitError,
  ReconcilerConfigError,
  RefreshRefusedError,
  readRawBody,
  readRequestBody,
  refreshStoredSession,
  StoreClosedError,
  StoreConfigError,
  StoreInputError,
  StoreUnavailableError,
  signWebhook,
  useRawJsonBody,
  verifySignature,
  verifyWebhook,
  WebhookHandlerConfigError,
  WebhookSecretError,
  WebhookVerificationError,
} from "../../src/server/index.js";
import { snapshotFixture } from "../../src/testing/index.js";

const JOURNEY_ID = snapshotFixture().journeyID;
const SECRET = "whsec_test_secret";
const BASE_URL = "https://api.example.test";

/** Every typed error class of the SDK. A row's error must be one of these (or a doc-promised built-in). */
const TYPED = [
  ApiError,
  ClientConfigError,
  ScopeError,
  ContractError,
  RuntimeConfigError,
  RuntimeStateError,
  IntentError,
  WebhookHandlerConfigError,
  WebhookSecretError,
  ReconcilerConfigError,
  PushRelayConfigError,
  RawBodyLimitError,
  StoreConfigError,
  StoreInputError,
  SandboxProblem,
  NoStoredSessionError,
  RefreshRefusedError,
  WebhookVerificationError,
  RawBodyError,
  StoreClosedError,
  StoreUnavailableError,
  CorruptRecordError,
  JourneyWaitError,
] as const;

type ErrorClass = abstract new (...args: never[]) => Error;

interface Row {
  /** What the call does wrong. */
  readonly name: string;
  readonly call: () => unknown;
  /** The class the call throws or rejects with. */
  readonly error: ErrorClass;
  /** The field the error must name. */
  readonly field: string;
  /** The function's doc comment promises this built-in error (RangeError/TypeError) naming the field. */
  readonly builtin?: true;
}

/** A fetch that records every call and answers 500: a row that sends anything is caught by `sent`. */
function recordingFetch() {
  const calls: unknown[] = [];
  const fetch = (async (...args: unknown[]) => {
    calls.push(args);
    return new Response("{}", { status: 500 });
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

const borrowerFetch = recordingFetch();
const partnerFetch = recordingFetch();
const borrower = createBorrowerClient({
  baseUrl: BASE_URL,
  getSessionToken: () => "st_test",
  refreshSession: async () => "st_test",
  fetch: borrowerFetch.fetch,
  retry: { maxRetries: 0 },
});
const partner = createPartnerClient({
  baseUrl: BASE_URL,
  apiKey: "sk_test_key",
  serverSide: true,
  fetch: partnerFetch.fetch,
  retry: { maxRetries: 0 },
  tenantID: "7f000000-0000-4000-8000-000000000001",
  applicationID: "7f000000-0000-4000-8000-000000000002",
});

const store = createMemoryJourneyStore();
const goodBorrowerOptions = {
  baseUrl: BASE_URL,
  getSessionToken: () => "st",
  refreshSession: async () => "st",
  fetch: borrowerFetch.fetch,
};
const goodPartnerOptions = {
  baseUrl: BASE_URL,
  apiKey: "sk_test_key",
  serverSide: true,
  fetch: partnerFetch.fetch,
};
const goodJourneyOptions = () => ({
  client: borrower,
  journeyID: JOURNEY_ID,
  clock: createManualClock(),
  signals: steadySignals,
});
const goodReconcilerOptions = { store, fetchState: async () => snapshotFixture() };
const goodRelayOptions = { authorize: async () => true };
const sessionCreator = {
  createSession: async () => {
    throw new Error("must not be called");
  },
};
const refresher = {
  refreshSession: async () => {
    throw new Error("must not be called");
  },
};
const tokens = createMemoryTokenStore();
const fakeDb = {
  query: async () => ({ rows: [] }),
  transaction: async () => undefined,
  close: async () => undefined,
};
const state0 = initial({ journeyID: JOURNEY_ID, at: 1 });
const fn = () => {};
const huge = "x".repeat(100_000);

// biome-ignore lint/suspicious/noExplicitAny: the corpus calls every function with what its types forbid.
type Any = any;
const bad = (value: unknown): Any => value;
/** An object nested `depth` levels deep: `{ a: { a: … } }`. */
function nested(depth: number): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  let at = top;
  for (let level = 1; level < depth; level++) at = at.a = {};
  return top;
}
/** An object that holds itself. */
function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { source: "web_app" };
  value.self = value;
  return value;
}

const rows: Row[] = [
  // ── root: the reducer's entry points ────────────────────────────────────────────────────────────
  { name: "initial(null)", call: () => initial(bad(null)), error: ContractError, field: "journeyID" },
  {
    name: "initial(undefined)",
    call: () => initial(bad(undefined)),
    error: ContractError,
    field: "journeyID",
  },
  { name: "initial(string)", call: () => initial(bad("x")), error: ContractError, field: "journeyID" },
  {
    name: "initial: journeyID missing",
    call: () => initial(bad({ at: 1 })),
    error: ContractError,
    field: "journeyID",
  },
  {
    name: "initial: journeyID empty",
    call: () => initial({ journeyID: "", at: 1 }),
    error: ContractError,
    field: "journeyID",
  },
  {
    name: "initial: journeyID number",
    call: () => initial(bad({ journeyID: 42, at: 1 })),
    error: ContractError,
    field: "journeyID",
  },
  {
    name: "initial: journeyID oversized",
    call: () => initial({ journeyID: huge, at: 1 }),
    error: ContractError,
    field: "journeyID",
  },
  {
    name: "initial: at missing",
    call: () => initial(bad({ journeyID: JOURNEY_ID })),
    error: ContractError,
    field: "at",
  },
  {
    name: "initial: at NaN",
    call: () => initial({ journeyID: JOURNEY_ID, at: Number.NaN }),
    error: ContractError,
    field: "at",
  },
  {
    name: "initial: at Infinity",
    call: () => initial({ journeyID: JOURNEY_ID, at: Number.POSITIVE_INFINITY }),
    error: ContractError,
    field: "at",
  },
  {
    name: "initial: at string",
    call: () => initial(bad({ journeyID: JOURNEY_ID, at: "1" })),
    error: ContractError,
    field: "at",
  },
  {
    name: "initial: snapshot wrong shape",
    call: () => initial({ journeyID: JOURNEY_ID, at: 1, snapshot: { status: 1 } }),
    error: ContractError,
    field: "status",
  },
  {
    name: "initial: snapshot of another journey",
    call: () => initial({ journeyID: "other", at: 1, snapshot: snapshotFixture() }),
    error: ContractError,
    field: "journeyID",
  },
  {
    name: "initial: snapshot is a function",
    call: () => initial({ journeyID: JOURNEY_ID, at: 1, snapshot: fn }),
    error: ContractError,
    field: "snapshot",
  },
  {
    name: "initialWithCommands(null)",
    call: () => initialWithCommands(bad(null)),
    error: ContractError,
    field: "journeyID",
  },
  {
    name: "journey.initial: at fractional string",
    call: () => journey.initial(bad({ journeyID: JOURNEY_ID, at: "1.5" })),
    error: ContractError,
    field: "at",
  },
  { name: "parseSnapshot(null)", call: () => parseSnapshot(null), error: ContractError, field: "(root)" },
  {
    name: "parseSnapshot: status wrong",
    call: () => parseSnapshot({ ...snapshotFixture(), status: "NOPE" }),
    error: ContractError,
    field: "status",
  },
  {
    name: "parseSnapshot: asOf NaN",
    call: () => parseSnapshot({ ...snapshotFixture(), asOf: Number.NaN }),
    error: ContractError,
    field: "asOf",
  },
  {
    name: "parseSnapshot: journeyID empty",
    call: () => parseSnapshot({ ...snapshotFixture(), journeyID: "" }),
    error: ContractError,
    field: "journeyID",
  },
  {
    name: "parse: schema payload null",
    call: () => parse(JourneySnapshotSchema, null, "JourneySnapshot"),
    error: ContractError,
    field: "JourneySnapshot",
  },

  {
    name: "journey.initial: snapshot an array",
    call: () => journey.initial({ journeyID: JOURNEY_ID, at: 1, snapshot: [] }),
    error: ContractError,
    field: "snapshot",
  },
  {
    name: "initialWithCommands: at -Infinity",
    call: () => initialWithCommands({ journeyID: JOURNEY_ID, at: Number.NEGATIVE_INFINITY }),
    error: ContractError,
    field: "at",
  },
  { name: "parseSnapshot: a string", call: () => parseSnapshot("{}"), error: ContractError, field: "(root)" },
  {
    name: "parseSnapshot: journeyID oversized",
    call: () => parseSnapshot({ ...snapshotFixture(), journeyID: huge }),
    error: ContractError,
    field: "journeyID",
  },

  // ── client: factories ───────────────────────────────────────────────────────────────────────────
  {
    name: "createBorrowerClient(null)",
    call: () => createBorrowerClient(bad(null)),
    error: ClientConfigError,
    field: "options",
  },
  {
    name: "createBorrowerClient(undefined)",
    call: () => createBorrowerClient(bad(undefined)),
    error: ClientConfigError,
    field: "options",
  },
  {
    name: "createBorrowerClient: getSessionToken missing",
    call: () => createBorrowerClient(bad({ baseUrl: BASE_URL })),
    error: ClientConfigError,
    field: "getSessionToken",
  },
  {
    name: "createBorrowerClient: refreshSession missing",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, refreshSession: undefined })),
    error: ClientConfigError,
    field: "refreshSession",
  },
  {
    name: "createBorrowerClient: getSessionToken string",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, getSessionToken: "st" })),
    error: ClientConfigError,
    field: "getSessionToken",
  },
  {
    name: "createBorrowerClient: refreshSession string",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, refreshSession: "x" })),
    error: ClientConfigError,
    field: "refreshSession",
  },
  {
    name: "createBorrowerClient: baseUrl missing",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, baseUrl: undefined })),
    error: ClientConfigError,
    field: "baseUrl",
  },
  {
    name: "createBorrowerClient: baseUrl relative",
    call: () => createBorrowerClient({ ...goodBorrowerOptions, baseUrl: "/api" }),
    error: ClientConfigError,
    field: "baseUrl",
  },
  {
    name: "createBorrowerClient: baseUrl ftp",
    call: () => createBorrowerClient({ ...goodBorrowerOptions, baseUrl: "ftp://x" }),
    error: ClientConfigError,
    field: "baseUrl",
  },
  ...[
    "https://partner:secret@api.lender.example",
    "https://api.lender.example?tenant=acme",
    "https://api.lender.example#x",
  ].map((baseUrl) => ({
    name: `createBorrowerClient: baseUrl ${baseUrl.includes("@") ? "with credentials" : baseUrl.includes("?") ? "with a query" : "with a fragment"}`,
    call: () => createBorrowerClient({ ...goodBorrowerOptions, baseUrl }),
    error: ClientConfigError,
    field: "baseUrl",
  })),
  {
    name: "createBorrowerClient: baseUrl number",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, baseUrl: 42 })),
    error: ClientConfigError,
    field: "baseUrl",
  },
  {
    name: "createBorrowerClient: fetch string",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, fetch: "fetch" })),
    error: ClientConfigError,
    field: "fetch",
  },
  {
    name: "createBorrowerClient: timeoutMs negative",
    call: () => createBorrowerClient({ ...goodBorrowerOptions, timeoutMs: -1 }),
    error: ClientConfigError,
    field: "timeoutMs",
  },
  {
    name: "createBorrowerClient: timeoutMs NaN",
    call: () => createBorrowerClient({ ...goodBorrowerOptions, timeoutMs: Number.NaN }),
    error: ClientConfigError,
    field: "timeoutMs",
  },
  {
    name: "createBorrowerClient: timeoutMs Infinity",
    call: () => createBorrowerClient({ ...goodBorrowerOptions, timeoutMs: Number.POSITIVE_INFINITY }),
    error: ClientConfigError,
    field: "timeoutMs",
  },
  {
    name: "createBorrowerClient: timeoutMs string",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, timeoutMs: "10" })),
    error: ClientConfigError,
    field: "timeoutMs",
  },
  {
    name: "createBorrowerClient: retry null",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, retry: null })),
    error: ClientConfigError,
    field: "retry",
  },
  {
    name: "createBorrowerClient: retry.maxRetries fractional",
    call: () => createBorrowerClient({ ...goodBorrowerOptions, retry: { maxRetries: 1.5 } }),
    error: ClientConfigError,
    field: "retry.maxRetries",
  },
  {
    name: "createBorrowerClient: retry.maxRetries negative",
    call: () => createBorrowerClient({ ...goodBorrowerOptions, retry: { maxRetries: -1 } }),
    error: ClientConfigError,
    field: "retry.maxRetries",
  },
  {
    name: "createBorrowerClient: retry.baseDelayMs NaN",
    call: () => createBorrowerClient({ ...goodBorrowerOptions, retry: { baseDelayMs: Number.NaN } }),
    error: ClientConfigError,
    field: "retry.baseDelayMs",
  },
  {
    name: "createBorrowerClient: retry.maxDelayMs Infinity",
    call: () =>
      createBorrowerClient({ ...goodBorrowerOptions, retry: { maxDelayMs: Number.POSITIVE_INFINITY } }),
    error: ClientConfigError,
    field: "retry.maxDelayMs",
  },
  {
    name: "createBorrowerClient: retry.random number",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, retry: { random: 0.5 } })),
    error: ClientConfigError,
    field: "retry.random",
  },
  {
    name: "createBorrowerClient: retry.sleep string",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, retry: { sleep: "1s" } })),
    error: ClientConfigError,
    field: "retry.sleep",
  },
  {
    name: "createBorrowerClient: observer object",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, observer: {} })),
    error: ClientConfigError,
    field: "observer",
  },
  {
    name: "createBorrowerClient: onObserverError string",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, onObserverError: "log" })),
    error: ClientConfigError,
    field: "onObserverError",
  },
  {
    name: "createBorrowerClient: correlationID empty",
    call: () => createBorrowerClient({ ...goodBorrowerOptions, correlationID: "" }),
    error: ClientConfigError,
    field: "correlationID",
  },
  {
    name: "createBorrowerClient: correlationID number",
    call: () => createBorrowerClient(bad({ ...goodBorrowerOptions, correlationID: 7 })),
    error: ClientConfigError,
    field: "correlationID",
  },
  {
    name: "createBorrowerClient: an API key as the session token",
    call: () =>
      createBorrowerClient({ ...goodBorrowerOptions, getSessionToken: () => "sk_test_key" }).listJourneys(),
    error: ScopeError,
    field: "API key",
  },
  {
    name: "createPartnerClient(null)",
    call: () => createPartnerClient(bad(null)),
    error: ClientConfigError,
    field: "options",
  },
  {
    name: "createPartnerClient: apiKey missing",
    call: () => createPartnerClient(bad({ ...goodPartnerOptions, apiKey: undefined })),
    error: ClientConfigError,
    field: "apiKey",
  },
  {
    name: "createPartnerClient: apiKey empty",
    call: () => createPartnerClient({ ...goodPartnerOptions, apiKey: "" }),
    error: ClientConfigError,
    field: "apiKey",
  },
  {
    name: "createPartnerClient: apiKey is a session token",
    call: () => createPartnerClient({ ...goodPartnerOptions, apiKey: "st_abc" }),
    error: ScopeError,
    field: "API key",
  },
  {
    name: "createPartnerClient: apiKey a function",
    call: () => createPartnerClient(bad({ ...goodPartnerOptions, apiKey: () => "sk_test" })),
    error: ClientConfigError,
    field: "apiKey",
  },
  {
    name: "createPartnerClient: tenantID not a UUID",
    call: () =>
      createPartnerClient({
        ...goodPartnerOptions,
        tenantID: "t1",
        applicationID: "7f000000-0000-4000-8000-000000000002",
      }),
    error: ClientConfigError,
    field: "tenantID",
  },
  {
    name: "createPartnerClient: applicationID number",
    call: () =>
      createPartnerClient(
        bad({ ...goodPartnerOptions, tenantID: "7f000000-0000-4000-8000-000000000001", applicationID: 2 }),
      ),
    error: ClientConfigError,
    field: "applicationID",
  },
  {
    name: "createPartnerClient: baseUrl empty",
    call: () => createPartnerClient({ ...goodPartnerOptions, baseUrl: "" }),
    error: ClientConfigError,
    field: "baseUrl",
  },
  {
    name: "createPartnerClient: timeoutMs zero",
    call: () => createPartnerClient({ ...goodPartnerOptions, timeoutMs: 0 }),
    error: ClientConfigError,
    field: "timeoutMs",
  },
  {
    name: "createPartnerClient: retry.maxRetryAfterMs negative",
    call: () => createPartnerClient({ ...goodPartnerOptions, retry: { maxRetryAfterMs: -5 } }),
    error: ClientConfigError,
    field: "retry.maxRetryAfterMs",
  },

  // ── client: method arguments (refused before any request) ───────────────────────────────────────
  {
    name: "borrower.getJourney(undefined)",
    call: () => borrower.getJourney(bad(undefined)),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.getJourney('')",
    call: () => borrower.getJourney(""),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.getJourney(42)",
    call: () => borrower.getJourney(bad(42)),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.getJourney(object)",
    call: () => borrower.getJourney(bad({})),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.getJourney: options null",
    call: () => borrower.getJourney(JOURNEY_ID, bad(null)),
    error: ApiError,
    field: "options",
  },
  {
    name: "borrower.getJourneyState(null)",
    call: () => borrower.getJourneyState(bad(null)),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.resumeJourney('')",
    call: () => borrower.resumeJourney(""),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.listOffers(fn)",
    call: () => borrower.listOffers(bad(fn)),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.proceedOffer: offerID empty",
    call: () => borrower.proceedOffer(JOURNEY_ID, ""),
    error: ApiError,
    field: "offerID",
  },
  {
    name: "borrower.proceedOffer: journeyID missing",
    call: () => borrower.proceedOffer(bad(undefined), "o1"),
    error: ApiError,
    field: "journeyID",
  },
  { name: "borrower.listSteps('')", call: () => borrower.listSteps(""), error: ApiError, field: "offerID" },
  {
    name: "borrower.getStep: stepID missing",
    call: () => borrower.getStep(JOURNEY_ID, bad(undefined)),
    error: ApiError,
    field: "stepID",
  },
  {
    name: "borrower.stepAction: stepID number",
    call: () => borrower.stepAction(JOURNEY_ID, bad(7), bad({ action: "start" })),
    error: ApiError,
    field: "stepID",
  },
  {
    name: "borrower.createConsent('')",
    call: () => borrower.createConsent(""),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.getConsent: consentID empty",
    call: () => borrower.getConsent(JOURNEY_ID, ""),
    error: ApiError,
    field: "consentID",
  },
  {
    name: "borrower.getLoan(null)",
    call: () => borrower.getLoan(bad(null)),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.getSchedule('')",
    call: () => borrower.getSchedule(""),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.requestForeclosure(0)",
    call: () => borrower.requestForeclosure(bad(0)),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "borrower.upsertProfile(null)",
    call: () => borrower.upsertProfile(bad(null)),
    error: ApiError,
    field: "(body)",
  },
  {
    name: "borrower.upsertProfile: pan wrong",
    call: () => borrower.upsertProfile(bad({ pan: 42 })),
    error: ApiError,
    field: "pan",
  },
  {
    name: "borrower.submitProfile: journeyID missing",
    call: () => borrower.submitProfile(bad({})),
    error: ApiError,
    field: "bureauConsent",
  },
  {
    name: "borrower.createJourney: request a string",
    call: () => borrower.createJourney(bad("PERSONAL_LOAN")),
    error: ApiError,
    field: "(body)",
  },
  {
    name: "borrower.createJourney: type a number",
    call: () => borrower.createJourney(bad({ type: 5 })),
    error: ApiError,
    field: "type",
  },
  {
    name: "borrower.createJourney: metadata a string",
    call: () => borrower.createJourney(bad({ type: "PERSONAL_LOAN", metadata: "x" })),
    error: ApiError,
    field: "metadata",
  },
  {
    name: "borrower.createJourney: metadata nested 100,000 levels deep",
    call: () => borrower.createJourney(bad({ type: "PERSONAL_LOAN", metadata: nested(100_000) })),
    error: ApiError,
    field: "metadata",
  },
  {
    name: "borrower.createJourney: metadata cyclic",
    call: () => borrower.createJourney(bad({ type: "PERSONAL_LOAN", metadata: cyclic() })),
    error: ApiError,
    field: "metadata",
  },
  {
    name: "borrower.createJourney: metadata holding a bigint",
    call: () => borrower.createJourney(bad({ type: "PERSONAL_LOAN", metadata: { amount: 10n } })),
    error: ApiError,
    field: "metadata",
  },
  {
    name: "borrower.createJourney: metadata over 32,768 characters as JSON",
    call: () =>
      borrower.createJourney(bad({ type: "PERSONAL_LOAN", metadata: { note: "x".repeat(40_000) } })),
    error: ApiError,
    field: "metadata",
  },
  {
    name: "borrower.listJourneys: options a string",
    call: () => borrower.listJourneys(bad("fast")),
    error: ApiError,
    field: "options",
  },
  {
    name: "borrower.getJourney: options.signal not a signal",
    call: () => borrower.getJourney(JOURNEY_ID, bad({ signal: "stop" })),
    error: ApiError,
    field: "signal",
  },
  {
    name: "borrower.getJourney: options.correlationID empty",
    call: () => borrower.getJourney(JOURNEY_ID, bad({ correlationID: "" })),
    error: ApiError,
    field: "correlationID",
  },
  {
    name: "borrower.createJourney: options.idempotencyKey number",
    call: () => borrower.createJourney(bad({ type: "PERSONAL_LOAN" }), bad({ idempotencyKey: 5 })),
    error: ApiError,
    field: "idempotencyKey",
  },
  {
    name: "borrower.getJourneyState: etag a number",
    call: () => borrower.getJourneyState(JOURNEY_ID, bad({ etag: 5 })),
    error: ApiError,
    field: "etag",
  },
  {
    name: "partner.getJourneyState: etag empty",
    call: () => partner.getJourneyState(JOURNEY_ID, { etag: "" }),
    error: ApiError,
    field: "etag",
  },
  {
    name: "partner.getJourney: signal a boolean",
    call: () => partner.getJourney(JOURNEY_ID, bad({ signal: true })),
    error: ApiError,
    field: "signal",
  },
  { name: "partner.getJourney('')", call: () => partner.getJourney(""), error: ApiError, field: "journeyID" },
  {
    name: "partner.getJourneyState(undefined)",
    call: () => partner.getJourneyState(bad(undefined)),
    error: ApiError,
    field: "journeyID",
  },
  {
    name: "partner.refreshSession('')",
    call: () => partner.refreshSession(""),
    error: ApiError,
    field: "refreshToken",
  },
  {
    name: "partner.refreshSession(null)",
    call: () => partner.refreshSession(bad(null)),
    error: ApiError,
    field: "refreshToken",
  },
  {
    name: "partner.createSession(null)",
    call: () => partner.createSession(bad(null)),
    error: ApiError,
    field: "(body)",
  },
  {
    name: "partner.createSession: empty object",
    call: () => partner.createSession(bad({})),
    error: ApiError,
    field: "borrowerExternalID",
  },
  {
    name: "partner.createSession: borrowerExternalID missing",
    call: () => partner.createSession(bad({ mobile: "9999999999" })),
    error: ApiError,
    field: "borrowerExternalID",
  },
  {
    name: "partner.subscribeWebhooks: http URL",
    call: () => partner.subscribeWebhooks("http://example.test/hooks"),
    error: ApiError,
    field: "url",
  },
  {
    name: "partner.subscribeWebhooks: not a URL",
    call: () => partner.subscribeWebhooks("nope"),
    error: ApiError,
    field: "url",
  },
  {
    name: "partner.subscribeWebhooks: undefined",
    call: () => partner.subscribeWebhooks(bad(undefined)),
    error: ApiError,
    field: "url",
  },
  {
    name: "partner.getWebhookConfiguration without tenantID",
    call: () => createPartnerClient(goodPartnerOptions).getWebhookConfiguration(),
    error: ClientConfigError,
    field: "tenantID",
  },
  {
    name: "startOrResumeJourney: bootstrap null",
    call: () => startOrResumeJourney(borrower, bad(null)),
    error: ClientConfigError,
    field: "activeJourney",
  },
  {
    name: "startOrResumeJourney: client null",
    call: () => startOrResumeJourney(bad(null), bad({ activeJourney: null })),
    error: ClientConfigError,
    field: "client",
  },
  {
    name: "openJourney: client not a client",
    call: () => openJourney(bad({}), bad({ activeJourney: null })),
    error: ClientConfigError,
    field: "client",
  },
  {
    name: "openJourney: bootstrap a string",
    call: () => openJourney(borrower, bad("journey")),
    error: ClientConfigError,
    field: "activeJourney",
  },
  {
    name: "startOrResumeJourney: bootstrap without activeJourney",
    call: () => startOrResumeJourney(borrower, bad({ sessionToken: "st" })),
    error: ClientConfigError,
    field: "activeJourney",
  },

  // ── runtime ─────────────────────────────────────────────────────────────────────────────────────
  {
    name: "createJourney(null)",
    call: () => createJourney(bad(null)),
    error: RuntimeConfigError,
    field: "options",
  },
  {
    name: "createJourney(undefined)",
    call: () => createJourney(bad(undefined)),
    error: RuntimeConfigError,
    field: "options",
  },
  {
    name: "createJourney: client missing",
    call: () => createJourney(bad({ journeyID: JOURNEY_ID })),
    error: RuntimeConfigError,
    field: "client",
  },
  {
    name: "createJourney: client a function",
    call: () => createJourney(bad({ ...goodJourneyOptions(), client: fn })),
    error: RuntimeConfigError,
    field: "client",
  },
  {
    name: "createJourney: journeyID missing",
    call: () => createJourney(bad({ ...goodJourneyOptions(), journeyID: undefined })),
    error: RuntimeConfigError,
    field: "journeyID",
  },
  {
    name: "createJourney: journeyID number",
    call: () => createJourney(bad({ ...goodJourneyOptions(), journeyID: 1 })),
    error: RuntimeConfigError,
    field: "journeyID",
  },
  {
    name: "createJourney: journeyID empty",
    call: () => createJourney({ ...goodJourneyOptions(), journeyID: "" }),
    error: ContractError,
    field: "journeyID",
  },
  {
    name: "createJourney: clock null",
    call: () => createJourney(bad({ ...goodJourneyOptions(), clock: null })),
    error: RuntimeConfigError,
    field: "clock",
  },
  {
    name: "createJourney: clock without setTimeout",
    call: () => createJourney(bad({ ...goodJourneyOptions(), clock: { now: () => 1 } })),
    error: RuntimeConfigError,
    field: "clock",
  },
  {
    name: "createJourney: clock a number",
    call: () => createJourney(bad({ ...goodJourneyOptions(), clock: 5 })),
    error: RuntimeConfigError,
    field: "clock",
  },
  {
    name: "createJourney: signals wrong shape",
    call: () => createJourney(bad({ ...goodJourneyOptions(), signals: {} })),
    error: RuntimeConfigError,
    field: "signals",
  },
  {
    name: "createJourney: signals a string",
    call: () => createJourney(bad({ ...goodJourneyOptions(), signals: "browser" })),
    error: RuntimeConfigError,
    field: "signals",
  },
  {
    name: "createJourney: push not iterable",
    call: () => createJourney(bad({ ...goodJourneyOptions(), push: {} })),
    error: RuntimeConfigError,
    field: "push",
  },
  {
    name: "createJourney: onError a string",
    call: () => createJourney(bad({ ...goodJourneyOptions(), onError: "log" })),
    error: RuntimeConfigError,
    field: "onError",
  },
  {
    name: "createJourney: newKey a string",
    call: () => createJourney(bad({ ...goodJourneyOptions(), newKey: "k" })),
    error: RuntimeConfigError,
    field: "newKey",
  },
  {
    name: "createJourney: inspect a number",
    call: () => createJourney(bad({ ...goodJourneyOptions(), inspect: 1 })),
    error: RuntimeConfigError,
    field: "inspect",
  },
  {
    name: "createJourney: initial wrong snapshot",
    call: () => createJourney({ ...goodJourneyOptions(), initial: { status: "X" } }),
    error: ContractError,
    field: "status",
  },
  {
    name: "createJourney: initial of another journey",
    call: () => createJourney({ ...goodJourneyOptions(), initial: snapshotFixture({ journeyID: "other" }) }),
    error: ContractError,
    field: "journeyID",
  },
  {
    name: "runtime.send before start",
    call: () => createJourney(goodJourneyOptions()).send({ type: "journey.resume" } as Any),
    error: RuntimeStateError,
    field: "start",
  },
  { name: "runtime.send(null)", call: () => started().send(bad(null)), error: IntentError, field: "type" },
  {
    name: "runtime.send(string)",
    call: () => started().send(bad("offer.select")),
    error: IntentError,
    field: "type",
  },
  {
    name: "runtime.send: unknown type",
    call: () => started().send(bad({ type: "nope" })),
    error: IntentError,
    field: "type",
  },
  {
    name: "runtime.send: offerID a number",
    call: () => started().send(bad({ type: "offer.select", offerID: 5 })),
    error: IntentError,
    field: "offerID",
  },
  {
    name: "runtime.send: step.start with no step",
    call: () => started().send(bad({ type: "step.start" })),
    error: IntentError,
    field: "stepID",
  },
  {
    name: "runtime.waitFor: predicate a string",
    call: () => started().waitFor(bad("ready")),
    error: RuntimeConfigError,
    field: "predicate",
  },
  {
    name: "runtime.subscribe: listener a string",
    call: () => started().subscribe(bad("x")),
    error: RuntimeConfigError,
    field: "listener",
  },

  // ── server: webhook handler, verifier, signing ──────────────────────────────────────────────────
  {
    name: "createWebhookHandler(null)",
    call: () => createWebhookHandler(bad(null)),
    error: WebhookHandlerConfigError,
    field: "options",
  },
  {
    name: "createWebhookHandler: store missing",
    call: () => createWebhookHandler(bad({ secrets: SECRET })),
    error: WebhookHandlerConfigError,
    field: "store",
  },
  {
    name: "createWebhookHandler: store wrong shape",
    call: () => createWebhookHandler(bad({ secrets: SECRET, store: { get: fn } })),
    error: WebhookHandlerConfigError,
    field: "store",
  },
  {
    name: "createWebhookHandler: secrets missing",
    call: () => createWebhookHandler(bad({ store })),
    error: WebhookSecretError,
    field: "secret",
  },
  {
    name: "createWebhookHandler: secrets empty",
    call: () => createWebhookHandler({ store, secrets: "" }),
    error: WebhookSecretError,
    field: "secret",
  },
  {
    name: "createWebhookHandler: secrets []",
    call: () => createWebhookHandler({ store, secrets: [] }),
    error: WebhookSecretError,
    field: "secret",
  },
  {
    name: "createWebhookHandler: secrets number",
    call: () => createWebhookHandler(bad({ store, secrets: 42 })),
    error: WebhookSecretError,
    field: "secret",
  },
  {
    name: "createWebhookHandler: onSnapshot string",
    call: () => createWebhookHandler(bad({ store, secrets: SECRET, onSnapshot: "x" })),
    error: WebhookHandlerConfigError,
    field: "onSnapshot",
  },
  {
    name: "createWebhookHandler: fetchJourney object",
    call: () => createWebhookHandler(bad({ store, secrets: SECRET, fetchJourney: {} })),
    error: WebhookHandlerConfigError,
    field: "fetchJourney",
  },
  {
    name: "createWebhookHandler: now number",
    call: () => createWebhookHandler(bad({ store, secrets: SECRET, now: 5 })),
    error: WebhookHandlerConfigError,
    field: "now",
  },
  {
    name: "createWebhookHandler: onError string",
    call: () => createWebhookHandler(bad({ store, secrets: SECRET, onError: "log" })),
    error: WebhookHandlerConfigError,
    field: "onError",
  },
  {
    name: "createWebhookHandler: toleranceSec negative",
    call: () => createWebhookHandler({ store, secrets: SECRET, toleranceSec: -1 }),
    error: WebhookHandlerConfigError,
    field: "toleranceSec",
  },
  {
    name: "createWebhookHandler: toleranceSec NaN",
    call: () => createWebhookHandler({ store, secrets: SECRET, toleranceSec: Number.NaN }),
    error: WebhookHandlerConfigError,
    field: "toleranceSec",
  },
  {
    name: "createWebhookHandler: bodyLimit zero",
    call: () => createWebhookHandler({ store, secrets: SECRET, bodyLimit: 0 }),
    error: RawBodyLimitError,
    field: "bodyLimit",
  },
  {
    name: "createWebhookHandler: bodyLimit fractional",
    call: () => createWebhookHandler({ store, secrets: SECRET, bodyLimit: 1.5 }),
    error: RawBodyLimitError,
    field: "bodyLimit",
  },
  {
    name: "edge createWebhookHandler: store null",
    call: () => edge.createWebhookHandler(bad({ secrets: SECRET, store: null })),
    error: WebhookHandlerConfigError,
    field: "store",
  },
  {
    name: "createWebhookVerifier(undefined)",
    call: () => createWebhookVerifier(bad(undefined)),
    error: WebhookSecretError,
    field: "secret",
  },
  {
    name: "createWebhookVerifier: a secret null",
    call: () => createWebhookVerifier(bad([SECRET, null])),
    error: WebhookSecretError,
    field: "secret",
  },
  {
    name: "createWebhookVerifier: too many secrets",
    call: () => createWebhookVerifier(Array.from({ length: 20 }, (_, i) => `s${i}`)),
    error: WebhookSecretError,
    field: "secret",
  },
  {
    name: "createWebhookVerifier: defaults null",
    call: () => createWebhookVerifier(SECRET, bad(null)),
    error: RangeError,
    field: "options",
    builtin: true,
  },
  {
    name: "createWebhookVerifier: defaults.toleranceSec negative",
    call: () => createWebhookVerifier(SECRET, { toleranceSec: -1 }),
    error: RangeError,
    field: "options.toleranceSec",
    builtin: true,
  },
  {
    name: "createWebhookVerifier: defaults.now a string",
    call: () => createWebhookVerifier(SECRET, bad({ now: "now" })),
    error: RangeError,
    field: "options.now",
    builtin: true,
  },
  {
    name: "edge createWebhookVerifier: secrets a function",
    call: () => edge.createWebhookVerifier(bad(fn)),
    error: WebhookSecretError,
    field: "secret",
  },
  {
    name: "verifySignature: options.now a string",
    call: () => verifySignature("{}", {}, SECRET, bad({ now: "now" })),
    error: RangeError,
    field: "options.now",
    builtin: true,
  },
  {
    name: "verifySignature: options.toleranceSec NaN",
    call: () => verifySignature("{}", {}, SECRET, { toleranceSec: Number.NaN }),
    error: RangeError,
    field: "options.toleranceSec",
    builtin: true,
  },
  {
    name: "verifySignature: options null",
    call: () => verifySignature("{}", {}, SECRET, bad(null)),
    error: RangeError,
    field: "options",
    builtin: true,
  },
  {
    name: "verifySignature: secrets empty",
    call: () => verifySignature("{}", {}, ""),
    error: WebhookSecretError,
    field: "secret",
  },
  {
    name: "verifyWebhook: options.now Infinity",
    call: () => verifyWebhook("{}", {}, SECRET, { now: Number.POSITIVE_INFINITY }),
    error: RangeError,
    field: "options.now",
    builtin: true,
  },
  {
    name: "verifyWebhook: secrets undefined",
    call: () => verifyWebhook("{}", {}, bad(undefined)),
    error: WebhookSecretError,
    field: "secret",
  },
  {
    name: "edge verifyWebhook: options.toleranceSec string",
    call: () => edge.verifyWebhook("{}", {}, SECRET, bad({ toleranceSec: "300" })),
    error: RangeError,
    field: "options.toleranceSec",
    builtin: true,
  },
  {
    name: "signWebhook(null)",
    call: () => signWebhook(bad(null)),
    error: TypeError,
    field: "input",
    builtin: true,
  },
  {
    name: "signWebhook: timestamp NaN",
    call: () => signWebhook({ eventID: "e1", timestamp: Number.NaN, body: "{}", secrets: SECRET }),
    error: TypeError,
    field: "timestamp",
    builtin: true,
  },
  {
    name: "signWebhook: timestamp a string",
    call: () => signWebhook(bad({ eventID: "e1", timestamp: "now", body: "{}", secrets: SECRET })),
    error: TypeError,
    field: "timestamp",
    builtin: true,
  },
  {
    name: "signWebhook: eventID empty",
    call: () => signWebhook({ eventID: "", timestamp: 1, body: "{}", secrets: SECRET }),
    error: TypeError,
    field: "eventID",
    builtin: true,
  },
  {
    name: "signWebhook: body a number",
    call: () => signWebhook(bad({ eventID: "e1", timestamp: 1, body: 5, secrets: SECRET })),
    error: TypeError,
    field: "body",
    builtin: true,
  },
  {
    name: "signWebhook: secrets missing",
    call: () => signWebhook(bad({ eventID: "e1", timestamp: 1, body: "{}" })),
    error: WebhookSecretError,
    field: "secret",
  },

  // ── server: reconciler, push relay ──────────────────────────────────────────────────────────────
  {
    name: "createReconciler(null)",
    call: () => createReconciler(bad(null)),
    error: ReconcilerConfigError,
    field: "options",
  },
  {
    name: "createReconciler: store missing",
    call: () => createReconciler(bad({ fetchState: fn })),
    error: ReconcilerConfigError,
    field: "store",
  },
  {
    name: "createReconciler: store wrong shape",
    call: () => createReconciler(bad({ fetchState: fn, store: { get: fn } })),
    error: ReconcilerConfigError,
    field: "store",
  },
  {
    name: "createReconciler: fetchState missing",
    call: () => createReconciler(bad({ store })),
    error: ReconcilerConfigError,
    field: "fetchState",
  },
  {
    name: "createReconciler: apply string",
    call: () => createReconciler(bad({ ...goodReconcilerOptions, apply: "x" })),
    error: ReconcilerConfigError,
    field: "apply",
  },
  {
    name: "createReconciler: now number",
    call: () => createReconciler(bad({ ...goodReconcilerOptions, now: 5 })),
    error: ReconcilerConfigError,
    field: "now",
  },
  {
    name: "createReconciler: staleAfterMs negative",
    call: () => createReconciler({ ...goodReconcilerOptions, staleAfterMs: -1 }),
    error: ReconcilerConfigError,
    field: "staleAfterMs",
  },
  {
    name: "createReconciler: concurrency zero",
    call: () => createReconciler({ ...goodReconcilerOptions, concurrency: 0 }),
    error: ReconcilerConfigError,
    field: "concurrency",
  },
  {
    name: "createReconciler: concurrency fractional",
    call: () => createReconciler({ ...goodReconcilerOptions, concurrency: 2.5 }),
    error: ReconcilerConfigError,
    field: "concurrency",
  },
  {
    name: "createReconciler: batchSize NaN",
    call: () => createReconciler({ ...goodReconcilerOptions, batchSize: Number.NaN }),
    error: ReconcilerConfigError,
    field: "batchSize",
  },
  {
    name: "reconciler.start(0)",
    call: () => createReconciler(goodReconcilerOptions).start(0),
    error: ReconcilerConfigError,
    field: "intervalMs",
  },
  {
    name: "reconciler.start(NaN)",
    call: () => createReconciler(goodReconcilerOptions).start(Number.NaN),
    error: ReconcilerConfigError,
    field: "intervalMs",
  },
  {
    name: "reconciler.start(string)",
    call: () => createReconciler(goodReconcilerOptions).start(bad("1000")),
    error: ReconcilerConfigError,
    field: "intervalMs",
  },
  {
    name: "reconciler.start: onReport a string",
    call: () => createReconciler(goodReconcilerOptions).start(1000, bad("log")),
    error: ReconcilerConfigError,
    field: "onReport",
  },
  {
    name: "createPushRelay(null)",
    call: () => createPushRelay(bad(null)),
    error: PushRelayConfigError,
    field: "options",
  },
  {
    name: "createPushRelay: authorize missing",
    call: () => createPushRelay(bad({})),
    error: PushRelayConfigError,
    field: "authorize",
  },
  {
    name: "createPushRelay: authorize a string",
    call: () => createPushRelay(bad({ authorize: "yes" })),
    error: PushRelayConfigError,
    field: "authorize",
  },
  {
    name: "createPushRelay: latest an object",
    call: () => createPushRelay(bad({ ...goodRelayOptions, latest: {} })),
    error: PushRelayConfigError,
    field: "latest",
  },
  {
    name: "createPushRelay: heartbeatMs zero",
    call: () => createPushRelay({ ...goodRelayOptions, heartbeatMs: 0 }),
    error: PushRelayConfigError,
    field: "heartbeatMs",
  },
  {
    name: "createPushRelay: heartbeatMs Infinity",
    call: () => createPushRelay({ ...goodRelayOptions, heartbeatMs: Number.POSITIVE_INFINITY }),
    error: PushRelayConfigError,
    field: "heartbeatMs",
  },
  {
    name: "createPushRelay: maxWatchers fractional",
    call: () => createPushRelay({ ...goodRelayOptions, maxWatchers: 1.5 }),
    error: PushRelayConfigError,
    field: "maxWatchers",
  },
  {
    name: "createPushRelay: snapshotTtlMs negative",
    call: () => createPushRelay({ ...goodRelayOptions, snapshotTtlMs: -1 }),
    error: PushRelayConfigError,
    field: "snapshotTtlMs",
  },
  {
    name: "createPushRelay: maxSnapshots string",
    call: () => createPushRelay(bad({ ...goodRelayOptions, maxSnapshots: "10" })),
    error: PushRelayConfigError,
    field: "maxSnapshots",
  },

  // ── server: stores ──────────────────────────────────────────────────────────────────────────────
  {
    name: "createMemoryJourneyStore(null)",
    call: () => createMemoryJourneyStore(bad(null)),
    error: StoreConfigError,
    field: "options",
  },
  {
    name: "createMemoryJourneyStore: now a Date",
    call: () => createMemoryJourneyStore(bad({ now: new Date() })),
    error: StoreConfigError,
    field: "now",
  },
  {
    name: "createMemoryJourneyStore: onCorruptRecord a string",
    call: () => createMemoryJourneyStore(bad({ onCorruptRecord: "warn" })),
    error: StoreConfigError,
    field: "onCorruptRecord",
  },
  { name: "store.get('')", call: () => store.get(""), error: StoreInputError, field: "journeyID" },
  { name: "store.get(null)", call: () => store.get(bad(null)), error: StoreInputError, field: "journeyID" },
  { name: "store.get(oversized)", call: () => store.get(huge), error: StoreInputError, field: "journeyID" },
  { name: "store.touch(42)", call: () => store.touch(bad(42)), error: StoreInputError, field: "journeyID" },
  {
    name: "store.markWebhookSeen('')",
    call: () => store.markWebhookSeen(""),
    error: StoreInputError,
    field: "webhookId",
  },
  {
    name: "store.markWebhookSeen(fn)",
    call: () => store.markWebhookSeen(bad(fn)),
    error: StoreInputError,
    field: "webhookId",
  },
  {
    name: "store.applySnapshot(null)",
    call: () => store.applySnapshot(bad(null)),
    error: StoreInputError,
    field: "record",
  },
  {
    name: "store.applySnapshot: snapshot wrong",
    call: () => store.applySnapshot(bad({ snapshot: { status: 1 } })),
    error: ContractError,
    field: "status",
  },
  {
    name: "store.applySnapshot: state not JSON",
    call: () => store.applySnapshot(bad({ snapshot: snapshotFixture(), state: { f: fn } })),
    error: StoreInputError,
    field: "state.f",
  },
  {
    name: "store.applySnapshot: state has NaN",
    call: () => store.applySnapshot(bad({ snapshot: snapshotFixture(), state: { n: Number.NaN } })),
    error: StoreInputError,
    field: "state.n",
  },
  {
    name: "store.applyWebhook(null)",
    call: () => store.applyWebhook(bad(null)),
    error: StoreInputError,
    field: "delivery",
  },
  {
    name: "store.applyWebhook: id empty",
    call: () => store.applyWebhook(bad({ webhookId: "", records: [{ snapshot: snapshotFixture() }] })),
    error: StoreInputError,
    field: "webhookId",
  },
  {
    name: "store.applyWebhook: records empty",
    call: () => store.applyWebhook(bad({ webhookId: "e1", records: [] })),
    error: StoreInputError,
    field: "record",
  },
  {
    name: "store.listStale(null)",
    call: () => store.listStale(bad(null)),
    error: StoreInputError,
    field: "olderThan",
  },
  {
    name: "store.listStale: olderThan a string",
    call: () => store.listStale(bad({ olderThan: "yesterday", limit: 10 })),
    error: StoreInputError,
    field: "olderThan",
  },
  {
    name: "store.listStale: olderThan Invalid Date",
    call: () => store.listStale({ olderThan: new Date(Number.NaN), limit: 10 }),
    error: StoreInputError,
    field: "olderThan",
  },
  {
    name: "store.listStale: limit zero",
    call: () => store.listStale({ olderThan: new Date(), limit: 0 }),
    error: StoreInputError,
    field: "limit",
  },
  {
    name: "store.listStale: limit fractional",
    call: () => store.listStale({ olderThan: new Date(), limit: 2.5 }),
    error: StoreInputError,
    field: "limit",
  },
  {
    name: "store.pruneWebhookIds(undefined)",
    call: () => store.pruneWebhookIds(bad(undefined)),
    error: StoreInputError,
    field: "olderThan",
  },
  {
    name: "store.pruneWebhookIds: olderThan a number",
    call: () => store.pruneWebhookIds(bad({ olderThan: 5 })),
    error: StoreInputError,
    field: "olderThan",
  },
  {
    name: "createSqlJourneyStore: db null",
    call: () => createSqlJourneyStore(bad(null), bad({})),
    error: StoreConfigError,
    field: "db",
  },
  {
    name: "createSqlJourneyStore: db wrong shape",
    call: () => createSqlJourneyStore(bad({ query: fn }), bad({})),
    error: StoreConfigError,
    field: "db",
  },
  {
    name: "createSqlJourneyStore: options null",
    call: () => createSqlJourneyStore(bad(fakeDb), bad(null)),
    error: StoreConfigError,
    field: "options",
  },
  {
    name: "createSqlJourneyStore: now a number",
    call: () => createSqlJourneyStore(bad(fakeDb), bad({ now: 5 })),
    error: StoreConfigError,
    field: "now",
  },
  {
    name: "createPostgresJourneyStore(null)",
    call: () => createPostgresJourneyStore(bad(null)),
    error: StoreConfigError,
    field: "options",
  },
  {
    name: "createPostgresJourneyStore: nothing to connect to",
    call: () => createPostgresJourneyStore(bad({})),
    error: StoreConfigError,
    field: "pool",
  },
  {
    name: "createPostgresJourneyStore: connectTimeoutMs negative",
    call: () => createPostgresJourneyStore(bad({ connectionString: "postgres://x", connectTimeoutMs: -1 })),
    error: StoreConfigError,
    field: "connectTimeoutMs",
  },
  {
    name: "createPGliteJourneyStore(null)",
    call: () => createPGliteJourneyStore(bad(null)),
    error: StoreConfigError,
    field: "options",
  },
  {
    name: "createPGliteJourneyStore: dataDir a number",
    call: () => createPGliteJourneyStore(bad({ dataDir: 5 })),
    error: StoreConfigError,
    field: "dataDir",
  },
  {
    name: "createPGliteJourneyStore: db wrong shape",
    call: () => createPGliteJourneyStore(bad({ db: {} })),
    error: StoreConfigError,
    field: "db",
  },
  {
    name: "createPGliteJourneyStore: migrate a string",
    call: () => createPGliteJourneyStore(bad({ migrate: "yes" })),
    error: StoreConfigError,
    field: "migrate",
  },

  // ── server: sessions ────────────────────────────────────────────────────────────────────────────
  {
    name: "bootstrapSession: partner client null",
    call: () => bootstrapSession(bad(null), { borrowerExternalID: "b1", mobile: "9999999999" } as Any),
    error: ContractError,
    field: "client",
  },
  {
    name: "bootstrapSession: borrower null",
    call: () => bootstrapSession(sessionCreator, bad(null)),
    error: ContractError,
    field: "borrower",
  },
  {
    name: "bootstrapSession: borrowerExternalID missing",
    call: () => bootstrapSession(sessionCreator, bad({ mobile: "9999999999" })),
    error: ContractError,
    field: "borrowerExternalID",
  },
  {
    name: "bootstrapSession: borrowerExternalID number",
    call: () => bootstrapSession(sessionCreator, bad({ borrowerExternalID: 5, mobile: "9999999999" })),
    error: ContractError,
    field: "borrowerExternalID",
  },
  {
    name: "bootstrapSession: returnUrl not a URL",
    call: () =>
      bootstrapSession(sessionCreator, bad({ borrowerExternalID: "b1", mobile: "9999999999" }), {
        returnUrl: "nope",
      }),
    error: ContractError,
    field: "returnUrl",
  },
  {
    name: "bootstrapSession: options null",
    call: () =>
      bootstrapSession(sessionCreator, bad({ borrowerExternalID: "b1", mobile: "9999999999" }), bad(null)),
    error: ContractError,
    field: "options",
  },
  {
    name: "bootstrapSession: tokenStore wrong shape",
    call: () =>
      bootstrapSession(
        sessionCreator,
        bad({ borrowerExternalID: "b1", mobile: "9999999999" }),
        bad({ tokenStore: {} }),
      ),
    error: ContractError,
    field: "tokenStore",
  },
  {
    name: "bootstrapSession: refreshTokenCustody unknown",
    call: () =>
      bootstrapSession(
        sessionCreator,
        bad({ borrowerExternalID: "b1", mobile: "9999999999" }),
        bad({ refreshTokenCustody: "both" }),
      ),
    error: ContractError,
    field: "refreshTokenCustody",
  },
  {
    name: "bootstrapSession: tokenKey empty",
    call: () =>
      bootstrapSession(sessionCreator, bad({ borrowerExternalID: "b1", mobile: "9999999999" }), {
        tokenKey: "",
      }),
    error: ContractError,
    field: "tokenKey",
  },
  {
    name: "bootstrapSession: idempotencyKey number",
    call: () =>
      bootstrapSession(
        sessionCreator,
        bad({ borrowerExternalID: "b1", mobile: "9999999999" }),
        bad({ idempotencyKey: 5 }),
      ),
    error: ContractError,
    field: "idempotencyKey",
  },
  {
    name: "getFreshSession: client null",
    call: () => getFreshSession(bad(null), tokens, "k"),
    error: ContractError,
    field: "client",
  },
  {
    name: "getFreshSession: tokenStore null",
    call: () => getFreshSession(refresher, bad(null), "k"),
    error: ContractError,
    field: "tokenStore",
  },
  {
    name: "getFreshSession: key empty",
    call: () => getFreshSession(refresher, tokens, ""),
    error: ContractError,
    field: "key",
  },
  {
    name: "getFreshSession: minValiditySec NaN",
    call: () => getFreshSession(refresher, tokens, "k", { minValiditySec: Number.NaN }),
    error: ContractError,
    field: "minValiditySec",
  },
  {
    name: "getFreshSession: now a Date",
    call: () => getFreshSession(refresher, tokens, "k", bad({ now: new Date() })),
    error: ContractError,
    field: "now",
  },
  {
    name: "refreshStoredSession: tokenStore wrong shape",
    call: () => refreshStoredSession(refresher, bad({}), "k"),
    error: ContractError,
    field: "tokenStore",
  },
  {
    name: "refreshStoredSession: key number",
    call: () => refreshStoredSession(refresher, tokens, bad(5)),
    error: ContractError,
    field: "key",
  },
  {
    name: "refreshStoredSession: client wrong shape",
    call: () => refreshStoredSession(bad({}), tokens, "k"),
    error: ContractError,
    field: "client",
  },

  // ── server: raw bodies ──────────────────────────────────────────────────────────────────────────
  {
    name: "readRawBody: limit zero",
    call: () => readRawBody(bad({}), { limit: 0 }),
    error: RawBodyLimitError,
    field: "limit",
  },
  {
    name: "readRawBody: limit NaN",
    call: () => readRawBody(bad({}), { limit: Number.NaN }),
    error: RawBodyLimitError,
    field: "limit",
  },
  {
    name: "readRawBody: limit string",
    call: () => readRawBody(bad({}), bad({ limit: "1mb" })),
    error: RawBodyLimitError,
    field: "limit",
  },
  {
    name: "readRawBody: options null",
    call: () => readRawBody(bad({}), bad(null)),
    error: RawBodyLimitError,
    field: "options",
  },
  {
    name: "readRequestBody: limit negative",
    call: () => readRequestBody(new Request("http://x", { method: "POST", body: "{}" }), { limit: -1 }),
    error: RawBodyLimitError,
    field: "limit",
  },
  {
    name: "readRequestBody: limit fractional",
    call: () => readRequestBody(new Request("http://x", { method: "POST", body: "{}" }), { limit: 0.5 }),
    error: RawBodyLimitError,
    field: "limit",
  },
  {
    name: "readRequestBody: options null",
    call: () => readRequestBody(new Request("http://x", { method: "POST", body: "{}" }), bad(null)),
    error: RawBodyLimitError,
    field: "options",
  },
  {
    name: "expressRawBody: limit zero",
    call: () => expressRawBody(fn as Any, 0),
    error: RawBodyLimitError,
    field: "limit",
  },
  {
    name: "useRawJsonBody: limit Infinity",
    call: () => useRawJsonBody(bad({ addContentTypeParser: fn }), Number.POSITIVE_INFINITY),
    error: RawBodyLimitError,
    field: "limit",
  },
];

let runtimes: { stop(): void }[] = [];
/** A started runtime, stopped after the row. */
function started() {
  const runtime = createJourney(goodJourneyOptions());
  runtime.start();
  runtimes.push(runtime);
  return runtime;
}

/** Everything an error says about where it is wrong: its message and its field, path, issues and errors. */
function named(error: unknown): string {
  const e = error as {
    message?: string;
    field?: string;
    header?: string;
    issues?: readonly { path: string }[];
    errors?: readonly { path: string }[];
  };
  return [
    e.message ?? "",
    e.field ?? "",
    e.header ?? "",
    ...(e.issues ?? []).map((i) => i.path || "(root)"),
    ...(e.errors ?? []).map((i) => i.path || "(body)"),
  ].join(" | ");
}

async function outcome(call: () => unknown): Promise<{ threw: true; error: unknown } | { threw: false }> {
  try {
    await call();
    return { threw: false };
  } catch (error) {
    return { threw: true, error };
  }
}

describe("the bad-call corpus", () => {
  it("has at least 150 rows, each named once", () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it.each(rows.map((r) => [r.name, r] as const))("%s", async (_name, row) => {
    const sentBefore = borrowerFetch.calls.length + partnerFetch.calls.length;
    const result = await outcome(row.call);
    for (const runtime of runtimes) runtime.stop();
    runtimes = [];
    expect(result.threw, "the call did not fail").toBe(true);
    if (!result.threw) return;
    const { error } = result;
    expect(
      TYPED.some((cls) => error instanceof cls) || row.builtin === true,
      `untyped ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`,
    ).toBe(true);
    expect(error).toBeInstanceOf(row.error);
    expect(named(error)).toContain(row.field);
    // Refused before anything was sent.
    expect(borrowerFetch.calls.length + partnerFetch.calls.length).toBe(sentBefore);
  });
});

describe("the reducer refuses bad events with a reason, never a throw", () => {
  const cases: [string, unknown, string][] = [
    ["null event", null, "INVALID_EVENT"],
    ["a string", "poll", "INVALID_EVENT"],
    ["an unknown type", { type: "nope", at: 1 }, "INVALID_EVENT"],
    ["at missing", { type: "app.visible" }, "INVALID_EVENT"],
    ["at NaN", { type: "app.visible", at: Number.NaN }, "INVALID_EVENT"],
    ["at Infinity", { type: "app.hidden", at: Number.POSITIVE_INFINITY }, "INVALID_EVENT"],
    [
      "a snapshot of the wrong shape",
      { type: "snapshot.received", snapshot: { asOf: 5, status: 1 }, source: "poll", at: 1 },
      "INVALID_SNAPSHOT",
    ],
    [
      "a snapshot that is a function",
      { type: "snapshot.received", snapshot: fn, source: "poll", at: 1 },
      "INVALID_SNAPSHOT",
    ],
    [
      "a journey of the wrong shape",
      { type: "journey.loaded", journey: { offers: "x" }, at: 1 },
      "INVALID_JOURNEY",
    ],
    ["an oversized type", { type: huge, at: 1 }, "INVALID_EVENT"],
  ];
  it.each(cases)("%s", (_name, event, reason) => {
    const result = reduce(state0, bad(event));
    expect(result.rejected?.reason).toBe(reason);
    expect(result.state).toBe(state0);
    expect(journey.reduce(state0, bad(event)).rejected?.reason).toBe(reason);
  });

  it("a garbage state is refused, not thrown", () => {
    expect(reduce(bad(null), { type: "app.visible", at: 1 } as Any).rejected?.reason).toBe("INVALID_EVENT");
  });
});

describe("a misconfigured handler never starts", () => {
  it("createWebhookHandler with bad options rejects without touching the store", async () => {
    let touched = 0;
    const spy = new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        return typeof value === "function"
          ? (...args: unknown[]) => {
              touched++;
              return value.apply(target, args);
            }
          : value;
      },
    });
    for (const options of [
      { store: spy, secrets: "" },
      { store: spy, secrets: SECRET, bodyLimit: -1 },
      { store: spy, secrets: SECRET, toleranceSec: -1 },
    ]) {
      await expect(createWebhookHandler(options)).rejects.toSatisfy((e) =>
        TYPED.some((cls) => e instanceof cls),
      );
    }
    expect(touched).toBe(0);
  });

  it("createReconciler with bad options throws before any pass or timer", async () => {
    let listed = 0;
    const counting = {
      ...store,
      listStale: async () => {
        listed++;
        return [];
      },
    };
    expect(() => createReconciler(bad({ store: counting, fetchState: fn, concurrency: -1 }))).toThrow(
      ReconcilerConfigError,
    );
    const reconciler = createReconciler({ store: counting, fetchState: async () => snapshotFixture() });
    expect(() => reconciler.start(-5)).toThrow(ReconcilerConfigError);
    await new Promise((r) => setTimeout(r, 20));
    reconciler.stop();
    expect(listed).toBe(0);
  });

  it("createPushRelay with bad options throws before its heartbeat starts", () => {
    expect(() => createPushRelay(bad({ authorize: fn, heartbeatMs: -1 }))).toThrow(PushRelayConfigError);
  });

  it("startSandbox with bad options rejects, naming the option, and leaves no port listening", async () => {
    const port = await freePort();
    const badOptions: [unknown, string][] = [
      [{ port, clock: { mode: "accelerated", factor: 0 } }, "factor"],
      [{ port, limits: { journeys: -1 } }, "limits.journeys"],
      [{ port, limits: { nope: 1 } }, "limits.nope"],
      [{ port, webhookSecret: "" }, "webhookSecret"],
      [{ port, allowedOrigins: ["not an origin"] }, "allowedOrigins[0]"],
      [{ port, allowedHosts: "localhost" }, "allowedHosts"],
      [{ port, extensions: { nope: "yes" } }, "extensions"],
      [{ port, startAt: Number.NaN }, "startAt"],
      [{ port, webhooks: [{ url: "nope" }] }, "webhooks[0].url"],
      [{ port, webhooks: [{ url: "https://x.test/h", secrets: [""] }] }, "webhooks[0].secrets[0]"],
      [{ port, timings: null }, "timings"],
      [{ port, timings: { journeyStart: -1 } }, "timings.journeyStart"],
      [{ port, timings: { webhookMaxAttempt: 3 } }, "timings.webhookMaxAttempt"],
      [{ port, timings: { sessionTtl: Number.MAX_SAFE_INTEGER } }, "timings.sessionTtl"],
      [{ port, timings: { webhookBackoff: [1_000, 1e300] } }, "timings.webhookBackoff"],
      [{ port, webhooks: [{ url: "mailto:ops@example.com" }] }, "webhooks[0].url"],
      [{ port, seed: "one" }, "seed"],
      [{ port, apiKey: "" }, "apiKey"],
      [{ port, clock: "sideways" }, "clock"],
      [{ port: -1 }, "port"],
      [{ port: 1.5 }, "port"],
      [{ port, host: 5 }, "host"],
      [{ port, faults: "many" }, "faults"],
      [{ port, rateLimit: -1 }, "rateLimit"],
      [null, "options"],
    ];
    for (const [options, field] of badOptions) {
      const result = await outcome(() => startSandbox(bad(options)));
      expect(result.threw, JSON.stringify(options)).toBe(true);
      if (!result.threw) continue;
      expect(result.error, JSON.stringify(options)).toBeInstanceOf(Error);
      expect(
        result.error instanceof TypeError || result.error instanceof RangeError,
        `${JSON.stringify(options)}: ${(result.error as Error).constructor.name}`,
      ).toBe(true);
      expect(named(result.error), JSON.stringify(options)).toContain(field);
      expect(await isFree(port), `port left listening after ${JSON.stringify(options)}`).toBe(true);
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
