import {
  CreateSessionRequest,
  CreateSessionResponse,
  type JourneySnapshot,
  parse,
  type Session,
} from "../../contract/index.js";
import type { JourneyStore } from "../store/types.js";
import type { TokenStore } from "./token-store.js";

/** Per-call options a partner client accepts (idempotency, correlation, cancellation). */
export interface PartnerCallOptions {
  readonly idempotencyKey?: string;
  readonly correlationID?: string;
  readonly signal?: AbortSignal;
}

/** The part of the partner client `bootstrapSession` needs: `POST /sessions` with the API key. */
export interface SessionCreator {
  createSession(body: CreateSessionRequest, options?: PartnerCallOptions): Promise<CreateSessionResponse>;
}

/** Who the session is for: the partner's own borrower id, and optional contact details. */
export type BorrowerRef = CreateSessionRequest["borrower"];

/** Who keeps the refresh token: the partner backend (safer; the app never sees it) or the app. */
export type RefreshTokenCustody = "backend" | "app";

/** Options of {@link bootstrapSession}. */
export interface BootstrapSessionOptions extends PartnerCallOptions {
  /** Resume this journey rather than the borrower's open one. */
  readonly journeyID?: string;
  /** Where hosted steps send the borrower back. */
  readonly returnUrl?: string;
  /** Keeps the session pair, under `tokenKey`, for later refreshes. */
  readonly tokenStore?: TokenStore;
  /** The token-store key (default: the borrower's `borrowerExternalID`). */
  readonly tokenKey?: string;
  /** Who keeps the refresh token (default `"backend"` with a token store, else `"app"`). */
  readonly refreshTokenCustody?: RefreshTokenCustody;
  /** Records the returned snapshot, so the journey is known (and reconciled) from the start. */
  readonly journeyStore?: JourneyStore;
}

/** What the partner backend returns to its authenticated app. */
export interface AppSessionContext {
  readonly token: string;
  readonly expiresAt: string;
  readonly journeyID: string;
  readonly resumed: boolean;
  /** Only with `"app"` custody. */
  readonly refreshToken?: string;
  /** Only with `"app"` custody. */
  readonly refreshExpiresAt?: string;
}

/** The outcome of {@link bootstrapSession}. */
export interface BootstrapSessionResult {
  /** The full pair, for the backend. */
  readonly session: Session;
  /** The journey's snapshot at bootstrap. */
  readonly journey: JourneySnapshot;
  /** True when the borrower's open journey was resumed rather than a new one started. */
  readonly resumed: boolean;
  /** What to send to the app: the refresh token stays out of it under `"backend"` custody. */
  readonly appContext: AppSessionContext;
}

/**
 * Creates a borrower session, or resumes the borrower's open journey (`POST /sessions`); stores the pair and the
 * snapshot when asked, and returns what the app needs.
 * @throws {ContractError} naming the field, when the borrower or options are invalid (nothing is sent) or the
 *   platform's answer does not match the contract (rejects the promise).
 * @throws {Error} whatever the partner client rejects with (e.g. its `ApiError`), unchanged (rejects).
 * @throws {Error} the token or journey store's failure: the session exists on the platform; calling again resumes
 *   it (rejects).
 */
export async function bootstrapSession(
  partnerClient: SessionCreator,
  borrower: BorrowerRef,
  options: BootstrapSessionOptions = {},
): Promise<BootstrapSessionResult> {
  const body = parse(
    CreateSessionRequest,
    {
      borrower,
      ...(options.journeyID === undefined ? {} : { journeyID: options.journeyID }),
      ...(options.returnUrl === undefined ? {} : { returnUrl: options.returnUrl }),
    },
    "CreateSessionRequest",
  );
  const callOptions: PartnerCallOptions = {
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    ...(options.correlationID === undefined ? {} : { correlationID: options.correlationID }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const answer = parse(
    CreateSessionResponse,
    await partnerClient.createSession(body, callOptions),
    "CreateSessionResponse",
  );
  const custody = options.refreshTokenCustody ?? (options.tokenStore ? "backend" : "app");
  if (options.tokenStore)
    await options.tokenStore.set(options.tokenKey ?? body.borrower.borrowerExternalID, answer.session);
  if (options.journeyStore) await options.journeyStore.applySnapshot({ snapshot: answer.journey });
  const { session, journey, resumed } = answer;
  return {
    session,
    journey,
    resumed,
    appContext: {
      token: session.sessionToken,
      expiresAt: session.sessionExpiresAt,
      journeyID: journey.journeyID,
      resumed,
      ...(custody === "app"
        ? { refreshToken: session.refreshToken, refreshExpiresAt: session.refreshExpiresAt }
        : {}),
    },
  };
}
