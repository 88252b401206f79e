import type { Clock } from "../contract/clock.js";

/** A cancel function returned by {@link RuntimeClock.setTimeout}. */
export type CancelTimer = () => void;

/** The time source and timer of a runtime; inject a fake one in tests (like TanStack Query's timeout manager). */
export interface RuntimeClock extends Clock {
  /** Runs `fn` once after `ms`; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): CancelTimer;
}

/** The longest delay a timer keeps: a signed 32-bit integer of ms (a longer one fires at once, in Node and browsers). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms` as a platform timer keeps it: at most {@link MAX_TIMER_MS} (so a huge delay waits long, never 1 ms). */
export function timerDelay(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}

/** The platform clock: `Date.now` and the global `setTimeout` (delays capped by {@link timerDelay}). */
export const systemClock: RuntimeClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = globalThis.setTimeout(fn, timerDelay(ms));
    return () => globalThis.clearTimeout(handle);
  },
};

/** A clock that moves only when told to: for tests and simulations. */
export interface ManualClock extends RuntimeClock {
  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): void;
  /** How many timers are waiting. */
  pending(): number;
}

/** Creates a {@link ManualClock} starting at `startMs` (default: 2026-01-01T00:00:00Z). */
export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let current = startMs;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => current,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: current + Math.max(0, ms), fn });
      return () => {
        timers.delete(id);
      };
    },
    advance(ms) {
      const target = current + ms;
      for (;;) {
        let due: [number, { at: number; fn: () => void }] | undefined;
        for (const entry of timers)
          if (entry[1].at <= target && (!due || entry[1].at < due[1].at)) due = entry;
        if (!due) break;
        timers.delete(due[0]);
        current = Math.max(current, due[1].at);
        due[1].fn();
      }
      current = target;
    },
    pending: () => timers.size,
  };
}
