/**
 * The one clock shape of the SDK: the time, in milliseconds since the Unix epoch. The runtime's `RuntimeClock`
 * (with timers) and the sandbox's `SandboxClock` (with stamps and moves) extend it; the partner-backend kit's
 * options take its `now` (`Clock["now"]`), so one manual clock can drive every part in a test.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
