import type { ResolvedLimits, SandboxLimits } from "./options.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The default bounds: generous for a test run or a day of local development, small enough for a laptop. */
export const DEFAULT_LIMITS: ResolvedLimits = {
  requestLog: 10_000,
  mutationLog: 50_000,
  webhookLog: 10_000,
  journeys: 10_000,
  endedJourneyTtl: 24 * HOUR,
  borrowers: 10_000,
  borrowerTtl: 30 * DAY,
  sessions: 10_000,
  idempotencyKeys: 10_000,
  rateLimitBuckets: 10_000,
  maxBodyBytes: 1_000_000,
  maxJsonDepth: 64,
};

/** The deepest `maxJsonDepth` accepted: deeper bodies would risk the recursive steps after parsing. */
const MAX_JSON_DEPTH = 1000;

const COUNTS = [
  "requestLog",
  "mutationLog",
  "webhookLog",
  "journeys",
  "borrowers",
  "sessions",
  "idempotencyKeys",
  "rateLimitBuckets",
] as const;
const TTLS = ["endedJourneyTtl", "borrowerTtl"] as const;

const isCount = (v: unknown) =>
  v === Number.POSITIVE_INFINITY || (typeof v === "number" && Number.isInteger(v) && v > 0);
const isMs = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;

/**
 * Every bound decided: each given one checked, the rest from {@link DEFAULT_LIMITS}.
 * @throws {TypeError} when `limits` is not an object or names an unknown bound; {@link RangeError} naming the
 * bound (`limits.journeys`) when a count is not a positive integer or `Infinity`, a TTL not a finite ms >= 0,
 * `maxBodyBytes` not a positive integer, or `maxJsonDepth` not an integer in [1, 1000].
 */
export function resolveLimits(limits: SandboxLimits = {}, at = "limits"): ResolvedLimits {
  if (typeof limits !== "object" || limits === null) throw new TypeError(`${at} must be an object`);
  for (const name of Object.keys(limits))
    if (!(name in DEFAULT_LIMITS)) throw new TypeError(`${at}.${name} is not a sandbox limit`);
  const given = limits as Record<string, unknown>;
  const check = (name: keyof ResolvedLimits, ok: (v: unknown) => boolean, what: string) => {
    if (given[name] !== undefined && !ok(given[name])) throw new RangeError(`${at}.${name} must be ${what}`);
  };
  for (const name of COUNTS) check(name, isCount, "a positive integer or Infinity");
  for (const name of TTLS) check(name, isMs, "a finite number of milliseconds >= 0");
  check("maxBodyBytes", (v) => typeof v === "number" && Number.isInteger(v) && v > 0, "a positive integer");
  check(
    "maxJsonDepth",
    (v) => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= MAX_JSON_DEPTH,
    `an integer in [1, ${MAX_JSON_DEPTH}]`,
  );
  const resolved = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(given))
    if (value !== undefined) (resolved as Record<string, unknown>)[name] = value;
  return resolved;
}

/**
 * Drops the oldest entries of a Map (its insertion order) until it holds at most `max`, telling `onEvict` of each.
 * Never throws (unless `onEvict` does).
 */
export function trimOldest<K, V>(map: Map<K, V>, max: number, onEvict?: (key: K, value: V) => void): void {
  while (map.size > max) {
    const oldest = map.entries().next();
    if (oldest.done) return;
    const [key, value] = oldest.value;
    map.delete(key);
    onEvict?.(key, value);
  }
}

/** How often (sandbox-clock ms) the stores are swept for what outlived its TTL. */
export const SWEEP_INTERVAL_MS = 1000;

/**
 * A sweep to run before every request that actually sweeps at most once per {@link SWEEP_INTERVAL_MS} of `now()`
 * (and again whenever the clock is seen to go back). Never throws unless a part does.
 */
export function throttledSweep(now: () => number, parts: readonly (() => void)[]): () => void {
  let last = now();
  return () => {
    const at = now();
    if (at >= last && at - last < SWEEP_INTERVAL_MS) return;
    last = at;
    for (const part of parts) part();
  };
}
