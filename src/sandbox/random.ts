import { randomBytes } from "node:crypto";

/** A seeded source of randomness: the same seed replays the same faults, ids and offers. */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** An opaque id `prefix_` followed by 16 base-36 characters (webhook event ids, like `evt_01JB2X4CE6` [L6]). */
  id(prefix: string): string;
  /** A version-4-shaped UUID, the form of the platform's journey ids [L6]. */
  uuid(): string;
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
    uuid() {
      let hex = "";
      for (let i = 0; i < 32; i++) hex += Math.floor(next() * 16).toString(16);
      const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An unguessable opaque credential: `prefix` and 43 alphanumeric characters from the OS's CSPRNG; never throws. */
export function secretToken(prefix = ""): string {
  const bytes = randomBytes(43);
  let body = "";
  for (const byte of bytes) body += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return `${prefix}${body}`;
}
