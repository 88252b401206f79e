import {
  ContractError,
  CreateSessionRequest,
  CreateSessionResponse,
  type JourneySummary,
  parse,
  type Session,
} from "../../contract/index.js";
import { checkSessionArgs } from "./check.js";
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

/** Who the session is for: the partner's stable borrower id, the product, and optional prefill [L4]. */
export type BorrowerRef = Omit<CreateSessionRequest, "returnUrl">;

/** Who keeps the refresh token: the partner backend (the default; the app never sees it) or the app. */
export type RefreshTokenCustody = "backend" | "app";

/** Options of {@link bootstrapSession}. */
export interface BootstrapSessionOptions extends PartnerCallOptions {
  /** Where hosted steps send the borrower back (a sandbox extension; the platform's docs are silent). */
  readonly returnUrl?: string;
  /** Keeps the session pair, under `tokenKey`, for later refreshes. */
  readonly tokenStore?: TokenStore;
  /** The token-store key (default: the borrower's `borrowerExternalID`). */
  readonly tokenKey?: string;
  /**
   * Who keeps the refresh token (default `"backend"`): with `"backend"` it goes to `tokenStore` (or nowhere,
   * when there is none: the app then renews by asking its backend to bootstrap again, the documented resume
   * path [L8]); only `"app"` hands it to the app.
   */
  readonly refreshTokenCustody?: RefreshTokenCustody;
}

/** What the partner backend returns to its authenticated app: the platform's field names [L4]. */
export interface AppSessionContext {
  readonly borrowerID: string;
  readonly borrowerExternalID: string;
  readonly sessionToken: string;
  readonly sessionExpiresAt: string;
  /** The borrower's active journey, or `null`: the app then creates one (`startOrResumeJourney`). */
  readonly activeJourney: JourneySummary | null;
  /** The product a new journey is created for (the bootstrap's `journeyType`, default `PERSONAL_LOAN`). */
  readonly journeyType: string;
  /** Only with `"app"` custody. */
  readonly refreshToken?: string;
  /** Only with `"app"` custody. */
  readonly refreshExpiresAt?: string;
}

/** The outcome of {@link bootstrapSession}. */
export interface BootstrapSessionResult {
  /** The full pair, for the backend. */
  readonly session: Session;
  /** The platform's id of the borrower. */
  readonly borrowerID: string;
  /** The borrower's active journey at bootstrap, or `null` when there is none. */
  readonly activeJourney: JourneySummary | null;
  /** What to send to the app: the refresh token stays out of it unless custody is `"app"`. */
  readonly appContext: AppSessionContext;
}

/**
 * Bootstraps a borrower session (`POST /api/v1/headless/sessions` with the API key [L4]); stores the pair when a
 * token store is given, and returns what the app needs: the session token, and the active journey or `null`.
 * @throws {ContractError} naming the field, when the partner client, the borrower or options (`tokenStore`,
 *   `tokenKey`, `refreshTokenCustody`, the call options) are invalid (nothing is sent) or the
 *   platform's answer does not match the contract (rejects the promise).
 * @throws {Error} whatever the partner client rejects with (e.g. its `ApiError`: `AUTH_INVALID_API_KEY`),
 *   unchanged (rejects).
 * @throws {Error} the token store's failure: the session exists on the platform; calling again resumes it (rejects).
 */
export async function bootstrapSession(
  partnerClient: SessionCreator,
  borrower: BorrowerRef,
  options: BootstrapSessionOptions = {},
): Promise<BootstrapSessionResult> {
  checkSessionArgs("BootstrapSessionOptions", {
    client: [partnerClient, "createSession"],
    options,
    ...(options?.tokenStore === undefined ? {} : { tokenStore: options.tokenStore }),
  });
  if (typeof borrower !== "object" || borrower === null)
    throw new ContractError("CreateSessionRequest", [{ path: "borrower", message: "must be an object" }]);
  const body = parse(
    CreateSessionRequest,
    { ...borrower, ...(options.returnUrl === undefined ? {} : { returnUrl: options.returnUrl }) },
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
  const session: Session = {
    sessionToken: answer.sessionToken,
    sessionExpiresAt: answer.sessionExpiresAt,
    refreshToken: answer.refreshToken,
    refreshExpiresAt: answer.refreshExpiresAt,
  };
  const custody = options.refreshTokenCustody ?? "backend";
  if (options.tokenStore) await options.tokenStore.set(options.tokenKey ?? body.borrowerExternalID, session);
  return {
    session,
    borrowerID: answer.borrowerID,
    activeJourney: answer.activeJourney,
    appContext: {
      borrowerID: answer.borrowerID,
      borrowerExternalID: answer.borrowerExternalID,
      sessionToken: session.sessionToken,
      sessionExpiresAt: session.sessionExpiresAt,
      activeJourney: answer.activeJourney,
      journeyType: body.journeyType ?? "PERSONAL_LOAN",
      ...(custody === "app"
        ? { refreshToken: session.refreshToken, refreshExpiresAt: session.refreshExpiresAt }
        : {}),
    },
  };
}
