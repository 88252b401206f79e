/**
 * The borrower app's session: sign-in, bootstrap and refresh through the partner backend, kept in localStorage.
 * The backend's app token is sent as a Bearer header (never a cookie), every POST as JSON with the CSRF header.
 */
import type { JourneySnapshot } from "../../contract/index.js";
import { isPersistedJourney, type PersistedJourney } from "../../runtime/index.js";
import { CSRF_HEADER, CSRF_HEADER_VALUE } from "../sign-in.js";

/** What the partner backend's `POST /session` answers (its own `appToken` authenticates the app to it). */
export interface AppSession {
  readonly borrowerExternalID: string;
  readonly token: string;
  readonly expiresAt: string;
  readonly journeyID: string;
  readonly resumed: boolean;
  /** The backend's token for this signed-in borrower (from `POST /sign-in`). */
  readonly appToken: string;
  /** When the backend stops honouring `appToken` (ISO 8601): the borrower signs in again after it. */
  readonly appTokenExpiresAt: string;
}

/** A signed-in borrower as the page holds it: the session and the journey to start from. */
export interface SignedIn {
  readonly session: AppSession;
  /** What `createJourney` takes as `initial`: the persisted state of this journey, else the bootstrap snapshot. */
  readonly initial: PersistedJourney | JourneySnapshot;
}

/** The backend refused or failed a session call; `status` is its HTTP status. */
export class SessionError extends Error {
  readonly _tag = "SessionError" as const;
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "SessionError";
    this.status = status;
  }
}

const SESSION_KEY = "credit-journey-demo:session";
const journeyKey = (journeyID: string) => `credit-journey-demo:journey:${journeyID}`;
const RETURN_KEY = "credit-journey-demo:left-for-step";

function readJson(key: string): unknown {
  try {
    const text = localStorage.getItem(key);
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** The session saved by an earlier visit, if any. Never throws. */
export function savedSession(): AppSession | null {
  const value = readJson(SESSION_KEY) as Partial<AppSession> | null;
  return typeof value?.borrowerExternalID === "string" &&
    typeof value.journeyID === "string" &&
    typeof value.appToken === "string"
    ? (value as AppSession)
    : null;
}

/** Saves the session (the refresh token never reaches the app: the backend keeps it). */
export function saveSession(session: AppSession): void {
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

/** Saves what `runtime.persist()` returned, so a reload resumes on the same screen. */
export function savePersisted(journeyID: string, state: PersistedJourney): void {
  localStorage.setItem(journeyKey(journeyID), JSON.stringify(state));
}

/** Remembers the step whose hosted page the borrower is leaving for, to confirm the return when they come back. */
export function rememberLeftFor(stepID: string): void {
  localStorage.setItem(RETURN_KEY, stepID);
}

/** The step the borrower left for, and forgets it. Never throws. */
export function takeLeftFor(): string | null {
  const stepID = localStorage.getItem(RETURN_KEY);
  localStorage.removeItem(RETURN_KEY);
  return stepID;
}

/** Forgets the session and every saved journey (sign out, or start a new application). */
export function forgetAll(): void {
  for (const key of Object.keys(localStorage))
    if (key.startsWith("credit-journey-demo:")) localStorage.removeItem(key);
}

async function post(path: string, body: unknown, appToken?: string): Promise<unknown> {
  const response = await fetch(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [CSRF_HEADER]: CSRF_HEADER_VALUE,
      ...(appToken === undefined ? {} : { authorization: `Bearer ${appToken}` }),
    },
    body: JSON.stringify(body),
  });
  if (response.status === 204) return {};
  const answer = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new SessionError(response.status, answer.error ?? `${path} answered ${response.status}`);
  return answer;
}

/**
 * Opens the signed-in borrower's session (`POST /session` with the app token: the backend resumes their open
 * journey or creates one). When the journey is the one saved before, its persisted state is the starting point,
 * so the app comes back on the screen it left.
 * @throws {SessionError} (rejects) when the backend refuses (401: the app token expired or was revoked) or fails.
 */
export async function openSession(borrowerExternalID: string, appToken: string): Promise<SignedIn> {
  const answer = (await post("/session", { borrowerExternalID }, appToken)) as Omit<
    AppSession,
    "borrowerExternalID"
  > & { journey: JourneySnapshot };
  const { journey, ...context } = answer;
  const session: AppSession = { ...context, appToken, borrowerExternalID };
  saveSession(session);
  const persisted = readJson(journeyKey(session.journeyID));
  return { session, initial: isPersistedJourney(persisted) ? persisted : journey };
}

/**
 * Signs the borrower in (`POST /sign-in` with their customer id and password), then opens their session.
 * @throws {SessionError} (rejects) 401 for a wrong password, 429 when sign-in is locked, or what
 *   {@link openSession} throws.
 */
export async function signIn(borrowerExternalID: string, password: string): Promise<SignedIn> {
  const { appToken } = (await post("/sign-in", { borrowerExternalID, password })) as { appToken: string };
  return openSession(borrowerExternalID, appToken);
}

/**
 * Resumes a saved session with its app token (a reload, another tab of the same browser). On `401` (the token
 * expired or was revoked by a newer sign-in) everything saved is forgotten, so the page asks to sign in again.
 * @throws {SessionError} (rejects) as {@link openSession}.
 */
export async function resumeSession(saved: AppSession): Promise<SignedIn> {
  try {
    return await openSession(saved.borrowerExternalID, saved.appToken);
  } catch (error) {
    if (error instanceof SessionError && error.status === 401) forgetAll();
    throw error;
  }
}

/**
 * Signs out: every saved key goes at once, and the backend revokes the app token (best effort: offline, it expires
 * anyway). Never rejects.
 */
export async function signOut(session: AppSession): Promise<void> {
  forgetAll();
  await post("/sign-out", {}, session.appToken).catch(() => {});
}

/**
 * A fresh borrower token from the backend (`POST /session/refresh`, authenticated by the app token); it is saved.
 * @throws {SessionError} (rejects) when the backend refuses (401: the app token expired or was revoked) or fails.
 */
export async function refreshToken(session: AppSession): Promise<AppSession> {
  const answer = (await post("/session/refresh", {}, session.appToken)) as {
    token: string;
    expiresAt: string;
  };
  const next = { ...session, token: answer.token, expiresAt: answer.expiresAt };
  saveSession(next);
  return next;
}
