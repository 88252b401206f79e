import type { SandboxClock } from "./clock.js";
import { trimOldest } from "./limits.js";
import { SandboxProblem } from "./problem.js";

/**
 * A token bucket per credential on the sandbox clock: `perSecond` requests a second, bursts of the same size (at
 * least one request: below one a second, one every `1 / perSecond` seconds). At most `maxBuckets` are kept (least
 * recently used dropped); idle, full ones are swept.
 */
export class RateLimiter {
  /** Least recently used first. */
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly clock: SandboxClock,
    private perSecond: number | undefined,
    private readonly maxBuckets = Number.POSITIVE_INFINITY,
  ) {}

  /** How many buckets are held. */
  get size(): number {
    return this.buckets.size;
  }

  /** Forgets every bucket idle long enough to be full again (so forgetting it changes nothing); never throws. */
  sweep(): void {
    const rate = this.perSecond;
    if (rate === undefined || !(rate > 0)) {
      this.buckets.clear();
      return;
    }
    const refillMs = (capacityAt(rate) / rate) * 1000;
    const now = this.clock.now();
    for (const [credential, bucket] of this.buckets)
      if (now - bucket.atMs >= refillMs) this.buckets.delete(credential);
  }

  /** Changes the rate; `undefined` turns limiting off. */
  setRate(perSecond: number | undefined): void {
    this.perSecond = perSecond;
    this.buckets.clear();
  }

  /**
   * Takes one token for `credential`.
   * @throws {SandboxProblem} 429 RATE_LIMITED with `Retry-After` (whole seconds) when the bucket is empty.
   */
  take(credential: string): void {
    const rate = this.perSecond;
    if (rate === undefined || !(rate > 0)) return;
    const now = this.clock.now();
    const capacity = capacityAt(rate);
    const bucket = this.buckets.get(credential) ?? { tokens: capacity, atMs: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.atMs) / 1000) * rate);
    bucket.atMs = now;
    this.buckets.delete(credential);
    this.buckets.set(credential, bucket);
    trimOldest(this.buckets, this.maxBuckets);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
    throw new SandboxProblem(429, "RATE_LIMITED", `more than ${rate} requests per second`, {
      headers: { "Retry-After": String(retryAfter) },
    });
  }
}

/** A bucket's size at `rate` a second: a second's worth, but never less than the one request a take needs. */
function capacityAt(rate: number): number {
  return Math.max(1, rate);
}
