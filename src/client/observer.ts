/** What every client event names: the endpoint, the concrete path and the call's headers of record. */
interface CallFacts {
  /** The endpoint's name in `ENDPOINTS`, e.g. `proceedOffer`. */
  readonly endpoint: string;
  readonly method: string;
  /**
   * The concrete path, ids filled in, below the base path (`/journeys/…`); for an endpoint outside it, such as
   * the webhook subscription's, the whole path (`/api/tenants/…`).
   */
  readonly path: string;
  /** The `Idempotency-Key` sent, on mutations. */
  readonly idempotencyKey: string | undefined;
  /** The `X-Correlation-ID` sent. */
  readonly correlationID: string;
}

/** An HTTP request is about to be sent; `attempt` counts from 1 across retries and the post-refresh resend. */
export interface RequestEvent extends CallFacts {
  readonly type: "request";
  readonly attempt: number;
}

/** An attempt ended: with a status, or with a code and no status (NETWORK, TIMEOUT, CONTRACT...). */
export interface ResponseEvent extends CallFacts {
  readonly type: "response";
  readonly attempt: number;
  readonly status: number | undefined;
  /** The failure's code; `undefined` on success and on 304. */
  readonly code: string | undefined;
  readonly durationMs: number;
}

/** A failed attempt will be sent again after `delayMs`. */
export interface RetryEvent extends CallFacts {
  readonly type: "retry";
  /** The attempt that failed. */
  readonly attempt: number;
  readonly code: string;
  readonly status: number | undefined;
  readonly delayMs: number;
  /** True when the delay is the server's `Retry-After`, false for jittered backoff. */
  readonly fromRetryAfter: boolean;
}

/** The borrower session was refreshed after `401 AUTH_INVALID_SESSION` (one event per shared refresh). */
export interface RefreshEvent {
  readonly type: "refresh";
  readonly ok: boolean;
  readonly durationMs: number;
}

/** Everything the client reports to an observer. */
export type ClientEvent = RequestEvent | ResponseEvent | RetryEvent | RefreshEvent;

/** Receives every {@link ClientEvent}; for logs, metrics and the demo's request summary. */
export type ClientObserver = (event: ClientEvent) => void;

/**
 * The observer wrapped so it never throws: what it throws goes to `onError` (whose own failure is dropped), so a
 * broken observer neither fails the call it watches nor crashes the host. Never throws.
 */
export function guardedObserver(
  observer: ClientObserver,
  onError: (error: unknown, event: ClientEvent) => void,
): ClientObserver {
  return (event) => {
    try {
      observer(event);
    } catch (error) {
      try {
        onError(error, event);
      } catch {
        // Nowhere left to report to: the call goes on.
      }
    }
  };
}

/** Hands `event` to `observer` (guarded by the settings, see {@link guardedObserver}). Never throws. */
export function notify(observer: ClientObserver | undefined, event: ClientEvent): void {
  observer?.(event);
}
