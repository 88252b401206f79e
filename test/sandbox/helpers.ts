import { randomUUID } from "node:crypto";
import { BASE_PATH, Envelope, ErrorBody, safeParse } from "../../src/contract/index.js";
import { type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";
import { matchRoute } from "../../src/sandbox/router.js";

/** A started sandbox, as `startSandbox` returns it. */
export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

/** Starts a sandbox on a manual clock (nothing moves until the test advances it). */
export function startManual(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ clock: "manual", ...options });
}

/** A response as the tests look at it. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** A success answer's `data` (the envelope unwrapped); an error answer's whole body (`{ …, error }`). */
  // biome-ignore lint/suspicious/noExplicitAny: test convenience: bodies are checked against the contract schemas
  readonly body: any;
  /** The answer's body as sent: the platform's envelope. */
  // biome-ignore lint/suspicious/noExplicitAny: test convenience, as above
  readonly envelope: any;
}

/** Options of one call. */
export interface CallOptions {
  readonly token?: string | null;
  readonly body?: unknown;
  /** The Idempotency-Key; generated for mutations unless `null`. */
  readonly key?: string | null;
  readonly headers?: Record<string, string>;
}

/** A tiny HTTP client over real fetch that checks every API answer against the contract schemas. */
export class TestClient {
  /** Every response body received, for the provider-internals scan. */
  readonly bodies: string[] = [];
  /** Every contract violation seen in an answer. */
  readonly violations: string[] = [];

  constructor(readonly sandbox: Sandbox) {}

  /** Calls `method path` (path below the API base) and returns the reply. */
  async call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? this.sandbox.apiKey : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const mutating = method !== "GET";
    if (mutating && options.key !== null) headers["idempotency-key"] = options.key ?? randomUUID();
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.sandbox.url}${BASE_PATH}${path}`, {
      method,
      headers,
      ...(options.body !== undefined
        ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    const text = await response.text();
    this.bodies.push(text);
    const envelope = text ? JSON.parse(text) : undefined;
    this.check(method, path, response.status, envelope);
    const body = response.status < 300 && envelope !== undefined ? envelope.data : envelope;
    return { status: response.status, headers: response.headers, text, body, envelope };
  }

  private check(method: string, path: string, status: number, body: unknown): void {
    if (status === 304) return;
    const route = matchRoute(method, path.split("?")[0] as string);
    const envelope = safeParse(Envelope, body, "Envelope");
    const meta = envelope.ok ? envelope.value : undefined;
    if (
      !meta ||
      typeof meta.requestID !== "string" ||
      typeof meta.timestamp !== "string" ||
      !("data" in meta)
    )
      this.violations.push(`${method} ${path} ${status}: not the platform's envelope`);
    if (status >= 400) {
      const parsed = safeParse(ErrorBody, body, "ErrorBody");
      if (!parsed.ok) this.violations.push(`${method} ${path} ${status}: ${parsed.error.message}`);
      return;
    }
    if (!route) return;
    if (status !== route.endpoint.response.status)
      this.violations.push(
        `${method} ${path}: status ${status}, contract says ${route.endpoint.response.status}`,
      );
    // The sandbox answers what the platform sends: the state without the SDK's order key (`wire`).
    const answer = route.endpoint.response;
    const parsed = safeParse(answer.wire ?? answer.schema, meta?.data, route.name);
    if (!parsed.ok) this.violations.push(`${method} ${path}: ${parsed.error.message}`);
  }
}

/** A valid profile [C4] for a 30-something salaried borrower earning ₹80,000 a month. */
export function profileFor(contactNumber = "9876543210") {
  return {
    contactNumber,
    pan: "ABCDE1234F",
    panName: "Asha Rao",
    dob: "1990-04-12",
    gender: "female",
    personalemail: "asha@example.com",
    workProfile: { employmentType: "salaried", income: "80000", incomeType: "monthly" },
    address: { addressL1: "12 MG Road", city: "Bengaluru", state: "Karnataka", pincode: "560001" },
  };
}

/**
 * The borrower's two profile calls [L3]: `PUT /profile` with `profile`, then (when that succeeded)
 * `POST /profile/submit`; returns the submit's reply, or the upsert's when it failed.
 */
export async function submitProfile(
  client: TestClient,
  token: string,
  profile: object = profileFor(),
  headers: Record<string, string> = {},
): Promise<Reply> {
  const put = await client.call("PUT", "/profile", { token, body: profile, headers });
  if (put.status !== 200) return put;
  return client.call("POST", "/profile/submit", { token, body: { bureauConsent: true }, headers });
}

/** A valid bank-mandate FORM submission. */
export const MANDATE_DATA = {
  accountHolderName: "Asha Rao",
  accountNumber: "123456789012",
  ifsc: "HDFC0001234",
  accountType: "SAVINGS",
} as const;

/**
 * Bootstraps a session for `borrowerExternalID` [L4], then resumes its active journey or creates one with the
 * session token [L3]; returns the tokens and the journey id.
 */
export async function openSession(client: TestClient, borrowerExternalID: string, phone?: string) {
  const reply = await client.call("POST", "/sessions", {
    body: { borrowerExternalID, ...(phone ? { profile: { contactNumber: phone } } : {}) },
  });
  if (reply.status !== 201) throw new Error(`session: ${reply.status} ${reply.text}`);
  const token = reply.body.sessionToken as string;
  let journeyID = reply.body.activeJourney?.journeyID as string | undefined;
  if (!journeyID) {
    const created = await client.call("POST", "/journeys", { token, body: { type: "PERSONAL_LOAN" } });
    if (created.status !== 201) throw new Error(`journey: ${created.status} ${created.text}`);
    journeyID = created.body.journeyID as string;
  }
  return { token, refreshToken: reply.body.refreshToken as string, journeyID, reply };
}

/** The journey's current snapshot, read with `token`. */
export async function stateOf(client: TestClient, token: string, journeyID: string) {
  const reply = await client.call("GET", `/journeys/${journeyID}/state`, { token });
  return reply.body;
}

/** Follows a hosted REDIRECT link's "complete" (or "fail") button, as a browser would; returns the reply. */
export async function pressHosted(url: string, outcome: "complete" | "fail" = "complete") {
  return fetch(`${url}/${outcome}`, { method: "POST", redirect: "manual" });
}

/** Submits the profile and advances the clock until offers are available (or the journey ends). */
export async function toOffers(client: TestClient, token: string, journeyID: string) {
  const { clock } = client.sandbox;
  const put = await submitProfile(client, token);
  if (put.status !== 202) throw new Error(`profile: ${put.status} ${put.text}`);
  clock.advance(1000);
  clock.advance(2000);
  return stateOf(client, token, journeyID);
}

/**
 * Completes the current step the way an app would (hosted page, FORM submit, document accept) and
 * advances through processing; returns the new snapshot.
 */
export async function completeCurrentStep(client: TestClient, token: string, journeyID: string) {
  const { clock } = client.sandbox;
  const state = await stateOf(client, token, journeyID);
  const stepID = state.actionRequired.stepID as string;
  const step = (await client.call("GET", `/journeys/${journeyID}/steps/${stepID}`, { token })).body;
  if (step.kind === "AA_CONSENT") {
    const consent = await client.call("POST", `/journeys/${journeyID}/aa/consents`, { token, body: {} });
    await pressHosted(consent.body.resource.url);
  } else if (step.kind === "BANK_MANDATE") {
    await client.call("POST", `/journeys/${journeyID}/steps/${stepID}/actions`, {
      token,
      body: { action: "SUBMIT", data: MANDATE_DATA },
    });
  } else if (step.kind === "LOAN_AGREEMENT") {
    await client.call("POST", `/journeys/${journeyID}/steps/${stepID}/actions`, {
      token,
      body: { action: "SUBMIT", data: { accepted: true } },
    });
  } else {
    if (step.status === "FAILED")
      await client.call("POST", `/journeys/${journeyID}/steps/${stepID}/actions`, {
        token,
        body: { action: "START" },
      });
    const fresh = (await client.call("GET", `/journeys/${journeyID}/steps/${stepID}`, { token })).body;
    await pressHosted(fresh.resource.url);
    await client.call("POST", `/journeys/${journeyID}/steps/${stepID}/actions`, {
      token,
      body: { action: "CONFIRM_RETURN" },
    });
  }
  clock.advance(1000);
  return stateOf(client, token, journeyID);
}

/** Drives a journey from a fresh session to DISBURSED (proceeding the first offer); returns the final snapshot. */
export async function toDisbursed(client: TestClient, token: string, journeyID: string) {
  const offers = await toOffers(client, token, journeyID);
  if (offers.status !== "OFFERS_AVAILABLE") throw new Error(`expected offers, got ${offers.status}`);
  const list = await client.call("GET", `/journeys/${journeyID}/offers`, { token });
  await client.call("POST", `/journeys/${journeyID}/offers/${list.body.offers[0].id}/proceed`, { token });
  client.sandbox.clock.advance(1000);
  let state = await stateOf(client, token, journeyID);
  for (let guard = 0; guard < 10 && state.nextAction === "COMPLETE_STEP"; guard++)
    state = await completeCurrentStep(client, token, journeyID);
  client.sandbox.clock.advance(2000);
  return stateOf(client, token, journeyID);
}
