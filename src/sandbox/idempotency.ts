import { createHash } from "node:crypto";
import type { SandboxClock } from "./clock.js";
import { SandboxProblem } from "./problem.js";

/** A response as the sandbox stores and replays it. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

type Entry =
  | { readonly state: "running"; readonly fingerprint: string; readonly createdAtMs: number }
  | {
      readonly state: "done";
      readonly fingerprint: string;
      readonly createdAtMs: number;
      readonly response: StoredResponse;
    };

/** What {@link IdempotencyStore.begin} decided: run the request, or replay a stored response. */
export type IdempotencyDecision =
  | { readonly kind: "run" }
  | { readonly kind: "replay"; readonly response: StoredResponse };

/** Fingerprints a request: method, path and the body with object keys sorted, so key order doesn't matter. */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/**
 * Idempotency keys per principal: the first request with a key runs; a later one with the same
 * fingerprint replays its stored response, a different fingerprint is 422, and one that arrives while
 * the first still runs is 409. Keys are kept `retentionMs` on the sandbox clock (then swept), at most `maxKeys`
 * of them (the oldest finished one dropped first; a running one never is: a new key is then refused, 429).
 */
export class IdempotencyStore {
  /** In reservation order (an expired key reserved again moves to the end), so the first entry is the oldest. */
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: SandboxClock,
    private readonly retentionMs: number,
    private readonly maxKeys = Number.POSITIVE_INFINITY,
  ) {}

  /** How many keys are held. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every finished key older than the retention; never throws. */
  sweep(): void {
    const now = this.clock.now();
    for (const [id, entry] of this.entries)
      if (entry.state === "done" && now - entry.createdAtMs >= this.retentionMs) this.entries.delete(id);
  }

  /**
   * Reserves `key` for this request, or decides a replay.
   * @throws {SandboxProblem} 409 IDEMPOTENCY_IN_PROGRESS while the first request runs;
   * 422 IDEMPOTENCY_KEY_REUSED when the key was used with a different request; 429 RATE_LIMITED when `maxKeys`
   * keys are held and every one is still running.
   */
  begin(principal: string, key: string, requestFingerprint: string): IdempotencyDecision {
    const id = `${principal}\u0000${key}`;
    const now = this.clock.now();
    const entry = this.entries.get(id);
    if (entry && now - entry.createdAtMs < this.retentionMs) {
      if (entry.fingerprint !== requestFingerprint)
        throw new SandboxProblem(
          422,
          "IDEMPOTENCY_KEY_REUSED",
          "this Idempotency-Key was already used with a different request",
        );
      if (entry.state === "running")
        throw new SandboxProblem(
          409,
          "IDEMPOTENCY_IN_PROGRESS",
          "a request with this Idempotency-Key is still running",
        );
      return { kind: "replay", response: entry.response };
    }
    this.entries.delete(id);
    if (!this.makeRoom())
      throw new SandboxProblem(429, "RATE_LIMITED", "too many requests with an Idempotency-Key are running", {
        headers: { "Retry-After": "1" },
      });
    this.entries.set(id, { state: "running", fingerprint: requestFingerprint, createdAtMs: now });
    return { kind: "run" };
  }

  /**
   * Drops the oldest finished keys until one more fits under `maxKeys`; a running key is never dropped (its
   * request would then finish unrecorded, and a retry run twice). `false` when only running keys are held.
   */
  private makeRoom(): boolean {
    if (this.entries.size < this.maxKeys) return true;
    for (const [id, entry] of this.entries) {
      if (entry.state !== "done") continue;
      this.entries.delete(id);
      if (this.entries.size < this.maxKeys) return true;
    }
    return false;
  }

  /** Stores the response of a reserved key; a 5xx releases the key instead, so a retry runs again. */
  finish(principal: string, key: string, response: StoredResponse): void {
    const id = `${principal}\u0000${key}`;
    const entry = this.entries.get(id);
    if (!entry) return;
    if (response.status >= 500) {
      this.entries.delete(id);
      return;
    }
    this.entries.set(id, {
      state: "done",
      fingerprint: entry.fingerprint,
      createdAtMs: entry.createdAtMs,
      response,
    });
  }
}
