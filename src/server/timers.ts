import { type CancelTimer, MAX_TIMER_MS, type RuntimeClock, timerDelay } from "../runtime/clock.js";

export { MAX_TIMER_MS };

/**
 * The kit's default clock: `Date.now`, and timers that never keep the process alive on their own (unref'd where
 * the platform can), so a backend exits when its server closes.
 */
export const backgroundClock: RuntimeClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = globalThis.setTimeout(fn, timerDelay(ms));
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
