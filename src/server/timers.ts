import type { CancelTimer, RuntimeClock } from "../runtime/clock.js";

/** The longest delay a timer keeps: a signed 32-bit integer of ms (a longer one fires at once). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The kit's default clock: `Date.now`, and timers that never keep the process alive on their own (unref'd where
 * the platform can), so a backend exits when its server closes.
 */
export const backgroundClock: RuntimeClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = globalThis.setTimeout(fn, ms);
    (handle as { unref?: () => void }).unref?.();
    return () => globalThis.clearTimeout(handle);
  },
};

/** Runs `fn` every `ms` on `clock`'s timers until the returned function is called. Never throws itself. */
export function every(clock: RuntimeClock, ms: number, fn: () => void): CancelTimer {
  let cancel: CancelTimer;
  const tick = () => {
    cancel = clock.setTimeout(tick, ms);
    fn();
  };
  cancel = clock.setTimeout(tick, ms);
  return () => cancel();
}

/** Whether `clock` has the shape of a {@link RuntimeClock} (`now` and `setTimeout` functions). Never throws. */
export function isRuntimeClock(clock: unknown): clock is RuntimeClock {
  const c = clock as Partial<RuntimeClock> | null | undefined;
  return typeof c?.now === "function" && typeof c.setTimeout === "function";
}
