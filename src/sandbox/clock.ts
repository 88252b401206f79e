/** How the sandbox's time moves: wall time, wall time sped up, or only when a test calls `advance`. */
export type ClockMode = "real" | { readonly mode: "accelerated"; readonly factor: number } | "manual";

/** Cancels a timer set with {@link SandboxClock.setTimer}. */
export type CancelTimer = () => void;

/** The one clock everything time-based in the sandbox runs on (expiries, lifecycle progress, webhook retries). */
export interface SandboxClock {
  /** `real`, `accelerated` or `manual`. */
  readonly mode: "real" | "accelerated" | "manual";
  /** Sandbox time in milliseconds since the Unix epoch. */
  now(): number;
  /** Sandbox time as an ISO-8601 UTC string. */
  nowIso(): string;
  /**
   * The platform's time for an answer's `timestamp` or an event's `createdAt`: sandbox time, but always at least
   * 1 ms later than the stamp before, so no two states ever share an order key (even on a manual clock).
   */
  stamp(): string;
  /**
   * Moves sandbox time forward by `ms`, firing every timer due on the way in order.
   * @throws {RangeError} when `ms` is negative or not finite.
   */
  advance(ms: number): void;
  /** Runs `fn` once when sandbox time reaches now + `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): CancelTimer;
  /** How many timers are waiting. */
  pending(): number;
  /** Cancels every timer and stops the wall-clock driver; the clock still answers `now()`. */
  stop(): void;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * Creates the sandbox clock. `startAt` (ms) fixes where a manual clock starts (default: the wall time now).
 * `onTimerError` receives whatever a timer callback throws, so a failing timer is reported, not lost.
 * @throws {RangeError} when an accelerated factor is not a positive finite number.
 */
export function createSandboxClock(
  mode: ClockMode,
  onTimerError: (error: unknown) => void,
  startAt: number = Date.now(),
): SandboxClock {
  const kind = typeof mode === "string" ? mode : "accelerated";
  const factor = typeof mode === "string" ? 1 : mode.factor;
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError("accelerated clock factor must be > 0");
  const realStart = Date.now();
  let offset = 0;
  let pinned: number | undefined;
  let seq = 0;
  let stopped = false;
  let lastStamp = Number.NEGATIVE_INFINITY;
  let driver: ReturnType<typeof setTimeout> | undefined;
  const timers = new Map<number, Timer>();

  const base = (): number => {
    if (kind === "manual") return startAt;
    if (kind === "real") return Date.now();
    return startAt + (Date.now() - realStart) * factor;
  };
  const now = (): number => pinned ?? Math.floor(base() + offset);

  const earliestDue = (limit: number): Timer | undefined => {
    let due: Timer | undefined;
    for (const timer of timers.values())
      if (timer.at <= limit && (!due || timer.at < due.at || (timer.at === due.at && timer.seq < due.seq)))
        due = timer;
    return due;
  };

  const fire = (timer: Timer): void => {
    timers.delete(timer.seq);
    try {
      timer.fn();
    } catch (error) {
      onTimerError(error);
    }
  };

  const runDue = (): void => {
    for (let due = earliestDue(now()); due; due = earliestDue(now())) fire(due);
  };

  // Wall-clock modes arm one real timer for the earliest sandbox timer; manual mode never does.
  const arm = (): void => {
    if (driver) clearTimeout(driver);
    driver = undefined;
    if (kind === "manual" || stopped || timers.size === 0) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const timer of timers.values()) earliest = Math.min(earliest, timer.at);
    const realDelay = Math.max(0, Math.ceil((earliest - now()) / factor));
    driver = setTimeout(
      () => {
        runDue();
        arm();
      },
      Math.min(realDelay, 2 ** 31 - 1),
    );
    driver.unref?.();
  };

  return {
    mode: kind,
    now,
    nowIso: () => new Date(now()).toISOString(),
    stamp() {
      lastStamp = Math.max(now(), lastStamp + 1);
      return new Date(lastStamp).toISOString();
    },
    advance(ms) {
      if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError("advance(ms) needs a finite ms >= 0");
      const start = now();
      const target = start + ms;
      for (let due = earliestDue(target); due; due = earliestDue(target)) {
        pinned = Math.max(pinned ?? start, due.at);
        fire(due);
      }
      pinned = undefined;
      offset += target - now();
      arm();
    },
    setTimer(fn, ms) {
      const timer: Timer = { at: now() + Math.max(0, ms), seq: seq++, fn };
      timers.set(timer.seq, timer);
      arm();
      return () => {
        timers.delete(timer.seq);
      };
    },
    pending: () => timers.size,
    stop() {
      stopped = true;
      timers.clear();
      if (driver) clearTimeout(driver);
      driver = undefined;
    },
  };
}
