import type { JourneySnapshot, JourneySummary } from "../contract/index.js";
import type { BorrowerClient } from "./borrower-client.js";
import { ClientConfigError, clientError } from "./errors.js";
import type { CallOptions } from "./transport.js";

/** What the app got from its backend's session bootstrap, as far as starting the journey needs it. */
export interface JourneyBootstrap {
  /** The borrower's active journey, or `null` when there is none [L4]. */
  readonly activeJourney: JourneySummary | null;
  /** The product to create a journey of when there is none (default `PERSONAL_LOAN`). */
  readonly journeyType?: string;
}

/** Options of {@link startOrResumeJourney}. */
export interface StartOrResumeOptions extends CallOptions {
  /** Free metadata for a created journey [L3], e.g. `{ source: "web_app" }`. */
  readonly metadata?: Record<string, unknown>;
}

/**
 * The partner flow after bootstrap [L3] [L4]: resume the active journey, or create one (`POST /journeys`, with
 * an Idempotency-Key that a retry of the same start should pass again as `options.idempotencyKey`).
 * @throws {ClientConfigError} when `client` is not a borrower client, or `bootstrap` has no `activeJourney` field
 *   (not a session context).
 * @throws {ApiError} / {ScopeError} as `client.createJourney` does (rejects).
 */
export async function startOrResumeJourney(
  client: BorrowerClient,
  bootstrap: JourneyBootstrap,
  options: StartOrResumeOptions = {},
): Promise<JourneySummary & { readonly resumed: boolean }> {
  if (typeof client?.createJourney !== "function" || typeof client.getJourneyState !== "function")
    throw new ClientConfigError("client", "must be a borrower client (createBorrowerClient)");
  if (typeof bootstrap !== "object" || bootstrap === null || !("activeJourney" in bootstrap))
    throw new ClientConfigError(
      "activeJourney",
      "pass the session context your backend's bootstrap returned",
    );
  if (bootstrap.activeJourney) return { ...bootstrap.activeJourney, resumed: true };
  const { metadata, ...callOptions } = options;
  const created = await client.createJourney(
    { type: bootstrap.journeyType ?? "PERSONAL_LOAN", ...(metadata === undefined ? {} : { metadata }) },
    callOptions,
  );
  return {
    journeyID: created.journeyID,
    status: created.status,
    nextAction: created.nextAction,
    resumed: false,
  };
}

/**
 * {@link startOrResumeJourney}, then the journey's state: what a backend acting as the borrower's middleware, a
 * test or a benchmark hands a runtime as its first snapshot (an app may instead let the runtime's first poll
 * fetch it).
 * @throws {ClientConfigError} as {@link startOrResumeJourney} does (rejects).
 * @throws {ApiError} / {ScopeError} as the client's calls do; {ApiError} CONTRACT when the state read answers
 *   304 (rejects).
 */
export async function openJourney(
  client: BorrowerClient,
  bootstrap: JourneyBootstrap,
  options: StartOrResumeOptions = {},
): Promise<{ readonly journeyID: string; readonly snapshot: JourneySnapshot; readonly resumed: boolean }> {
  const { journeyID, resumed } = await startOrResumeJourney(client, bootstrap, options);
  const { metadata: _metadata, idempotencyKey: _key, ...readOptions } = options;
  const state = await client.getJourneyState(journeyID, readOptions);
  if (state.kind !== "snapshot")
    throw clientError("CONTRACT", `getJourneyState: unexpected 304 for ${journeyID}`, { status: 304 });
  return { journeyID, snapshot: state.snapshot, resumed };
}
