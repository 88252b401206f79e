import type * as Clock from "effect/Clock";
import * as Duration from "effect/Duration";
import * as Effect from "effect/Effect";

/** A clock that keeps `base`'s time but waits with `sleep`: backoff waits go through it, timeouts do not. */
export function clockWithSleep(
  base: Clock.Clock,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
): Clock.Clock {
  return {
    currentTimeMillisUnsafe: () => base.currentTimeMillisUnsafe(),
    currentTimeMillis: base.currentTimeMillis,
    currentTimeNanosUnsafe: () => base.currentTimeNanosUnsafe(),
    currentTimeNanos: base.currentTimeNanos,
    monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: base.monotonicTimeNanos,
    sleep: (duration) => Effect.promise((signal) => sleep(Duration.toMillis(duration), signal)),
  };
}
