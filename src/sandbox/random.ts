import { randomBytes } from "node:crypto";

/** A seeded source of randomness: the same seed replays the same faults, ids and offers. */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** An opaque id `prefix_` followed by 16 base-36 characters. */
  id(prefix: string): string;
}

/** Creates a {@link SeededRandom} (mulberry32); never throws. */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => p > 0 && next() < p,
    id(prefix) {
      let body = "";
      for (let i = 0; i < 16; i++) body += Math.floor(next() * 36).toString(36);
      return `${prefix}_${body}`;
    },
  };
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An unguessable credential `prefix` + 32 alphanumeric characters, from the OS's CSPRNG; never throws. */
export function secretToken(prefix: string): string {
  const bytes = randomBytes(32);
  let body = "";
  for (const byte of bytes) body += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return `${prefix}${body}`;
}
