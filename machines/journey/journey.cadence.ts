import type { CadenceBand } from "./journey.lifecycle.js";

/** The polling bounds, in milliseconds, and the factors the cadence policy applies. */
export const CADENCE = {
  /** Active band (active step, active wait, or right after a submitted action): 2–5 s. */
  active: { minMs: 2_000, maxMs: 5_000 },
  /** Passive band (waiting on lenders, disbursal, or the borrower in-app): 10–20 s. */
  passive: { minMs: 10_000, maxMs: 20_000 },
  /** Multiplier while the app is hidden or a push source (webhook/SSE) delivered or proved live within `pushFreshMs`. */
  slowFactor: 4,
  /** How long after the last pushed snapshot or heartbeat the push source counts as fresh. */
  pushFreshMs: 60_000,
  /** Backoff ceiling after repeated failures (a longer `Retry-After` still wins). */
  maxBackoffMs: 120_000,
} as const;

/** Everything the cadence policy needs; all plain values so the function stays pure. */
export interface CadenceInput {
  /** The polling band of the current status (`none` for an ended journey). */
  readonly band: CadenceBand;
  /** A mutation is in flight, or succeeded and the platform has not answered with a newer snapshot yet. */
  readonly justSubmitted: boolean;
  /** The app is in the background. */
  readonly hidden: boolean;
  /** A push source (webhook relay, SSE) delivered a snapshot or a heartbeat recently. */
  readonly pushFresh: boolean;
  /** Consecutive failed polls (0 when the last one succeeded). */
  readonly failures: number;
  /** The last failure's `Retry-After`, in milliseconds, if any. */
  readonly retryAfterMs?: number | undefined;
  /** A number in [0, 1) the caller supplies (so this stays pure); spreads clients across the band. */
  readonly jitter: number;
}

/**
 * The polling interval in milliseconds, or `null` when the journey must not be polled (ended).
 * Base: active band 2–5 s (or right after a submitted action), passive band 10–20 s, placed by `jitter`.
 * Hidden or push-fresh: base × {@link CADENCE.slowFactor}. After `failures` ≥ 1: base × 2^failures, capped at
 * {@link CADENCE.maxBackoffMs}, and never below `retryAfterMs`. Never throws; out-of-range jitter is clamped.
 */
export function pollCadence(input: CadenceInput): number | null {
  if (input.band === "none") return null;
  const bounds = input.justSubmitted || input.band === "active" ? CADENCE.active : CADENCE.passive;
  const jitter = Number.isFinite(input.jitter) ? Math.min(Math.max(input.jitter, 0), 0.999_999) : 0;
  let ms = bounds.minMs + Math.floor(jitter * (bounds.maxMs - bounds.minMs));
  if (input.hidden || input.pushFresh) ms *= CADENCE.slowFactor;
  const failures = Math.max(0, Math.floor(input.failures) || 0);
  if (failures > 0) {
    ms = Math.min(ms * 2 ** Math.min(failures, 16), Math.max(CADENCE.maxBackoffMs, ms));
    const retryAfter = input.retryAfterMs ?? 0;
    if (Number.isFinite(retryAfter) && retryAfter > ms) ms = Math.ceil(retryAfter);
  }
  return ms;
}

/** A deterministic jitter in [0, 1) from a string (FNV-1a): spreads journeys without reading randomness. */
export function deterministicJitter(seed: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x1_0000_0000;
}
