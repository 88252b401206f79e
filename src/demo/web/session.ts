/** The borrower app's session: bootstrap and refresh through the partner backend, kept in localStorage. */
import type { JourneySnapshot } from "../../contract/index.js";
import { isPersistedJourney, type PersistedJourney } from "../../runtime/index.js";

/** What the partner backend's `POST /session` answers (its own `appToken` authenticates the app to it). */
export interface AppSession {
  readonly borrowerExternalID: string;
  readonly token: string;
  readonly expiresAt: string;
  readonly journeyID: string;
  readonly resumed: boolean;
  readonly appToken: string;
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
  return typeof value?.borrowerExternalID === "string" && typeof value.journeyID === "string"
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
      ...(appToken === undefined ? {} : { authorization: `Bearer ${appToken}` }),
    },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new SessionError(response.status, answer.error ?? `${path} answered ${response.status}`);
  return answer;
}

/**
 * Starts or resumes the borrower's session (`POST /session`: the backend resumes their open journey). When the
 * journey is the one saved before, its persisted state is the starting point, so the app comes back on the
 * screen it left.
 * @throws {SessionError} (rejects) when the backend refuses or fails.
 */
export async function signIn(borrowerExternalID: string, phone?: string): Promise<SignedIn> {
  const answer = (await post("/session", { borrowerExternalID, ...(phone ? { phone } : {}) })) as Omit<
    AppSession,
    "borrowerExternalID"
  > & { journey: JourneySnapshot };
  const { journey, ...context } = answer;
  const session: AppSession = { ...context, borrowerExternalID };
  saveSession(session);
  const persisted = readJson(journeyKey(session.journeyID));
  return { session, initial: isPersistedJourney(persisted) ? persisted : journey };
}

/**
 * A fresh borrower token from the backend (`POST /session/refresh`, authenticated by the app token); it is saved.
 * @throws {SessionError} (rejects) when the backend refuses (unknown app session) or fails.
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
