/** One logical mutation the sandbox applied (a fresh, successful mutating call; replays are not logged). */
export interface MutationLogEntry {
  readonly principal: string;
  readonly endpoint: string;
  readonly method: string;
  readonly path: string;
  readonly idempotencyKey: string;
  readonly journeyID: string | undefined;
  readonly status: number;
  readonly correlationID: string;
  readonly appliedAt: string;
}

/** One HTTP request the sandbox received and how it was answered. */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  /** Request headers, lower-cased; `authorization` is reduced to the credential's prefix. */
  readonly headers: Readonly<Record<string, string>>;
  readonly endpoint: string | undefined;
  /** The status sent, or the status committed when the response was lost. */
  readonly status: number;
  readonly replayed: boolean;
  /** `lost`: committed, then the connection was cut; `error`: an injected 5xx. */
  readonly fault: "lost" | "error" | undefined;
  readonly correlationID: string;
  readonly at: string;
}
