/** Wires a signed-in borrower to a live journey: the borrower client, the runtime, push, persistence. */
import { type BorrowerClient, createBorrowerClient } from "../../client/index.js";
import {
  createJourney,
  type JourneyRuntime,
  type JourneyTransition,
  snapshotStream,
} from "../../runtime/index.js";
import { type AppSession, refreshToken, savePersisted } from "./session.js";

/** Holds the current session; the client reads its token and the refresh replaces it. */
export interface SessionHolder {
  current: AppSession;
}

/**
 * A borrower client over this page's origin (the server proxies `/api/v1/headless/*` to the platform), whose
 * token refresh goes through the partner backend. @throws {ClientConfigError} never in a browser (the origin is
 * an absolute http(s) URL).
 */
export function borrowerClientFor(holder: SessionHolder): BorrowerClient {
  return createBorrowerClient({
    baseUrl: window.location.origin,
    getSessionToken: () => holder.current.token,
    refreshSession: async () => {
      holder.current = await refreshToken(holder.current);
      return holder.current.token;
    },
  });
}

/**
 * A journey runtime (not started) fed by the backend's SSE push relay, saving `persist()` on every view change so
 * a reload resumes where the borrower was, and telling `onTransition` (the developer panel's log) each event
 * applied. Its `stop()` also ends the push stream.
 * @throws {RuntimeConfigError} or {ContractError} as `createJourney` does for a malformed `initial`.
 */
export function journeyRuntimeFor(
  client: BorrowerClient,
  holder: SessionHolder,
  initial: unknown,
  onError: (error: unknown) => void,
  onTransition?: (transition: JourneyTransition) => void,
): JourneyRuntime {
  const { journeyID } = holder.current;
  const pushStop = new AbortController();
  const runtime = createJourney({
    client,
    journeyID,
    initial,
    onError,
    ...(onTransition ? { onTransition } : {}),
    push: snapshotStream({
      url: `/push/${journeyID}`,
      headers: { authorization: `Bearer ${holder.current.appToken}` },
      signal: pushStop.signal,
    }),
  });
  const unsubscribe = runtime.subscribe(() => savePersisted(journeyID, runtime.persist()));
  savePersisted(journeyID, runtime.persist());
  return {
    ...runtime,
    stop() {
      unsubscribe();
      pushStop.abort();
      runtime.stop();
    },
  };
}
