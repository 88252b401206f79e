import type { RuntimeClock } from "../../src/runtime/index.js";

/** A runtime clock running `factor` times faster than wall time from `startAt`, to match an accelerated sandbox. */
export function acceleratedClock(startAt: number, factor: number): RuntimeClock {
  const realStart = Date.now();
  return {
    now: () => Math.floor(startAt + (Date.now() - realStart) * factor),
    setTimeout(fn, ms) {
      const handle = setTimeout(fn, Math.max(0, ms) / factor);
      return () => clearTimeout(handle);
    },
  };
}
