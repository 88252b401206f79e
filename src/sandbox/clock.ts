import type { Clock } from "../contract/clock.js";
/** How the sandbox's time moves: wall time, wall time sped up, or only when a test calls `advance`. */
export type ClockMode = "real" | { readonly mode: "accelerated"; readonly factor: number } | "manual";

/** Cancels a timer set with {@link SandboxClock.setTimer}. */
export type CancelTimer = () => void;

/** The one clock everything time-based in the sandbox runs on (expiries, lifecycle progress, webhook retries). */
export interface SandboxClock extends Clock {
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
   * @throws {RangeError} naming `ms` when it is negative, not finite, more than {@link MAX_ADVANCE_MS} (10 years),
   * or would take the clock past {@link MAX_CLOCK_MS} (the end of year 9999); the clock is left as it was.
   */
  advance(ms: number): void;
  /** Runs `fn` once when sandbox time reaches now + `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): CancelTimer;
  /** How many timers are waiting. */
  pending(): number;
  /** Cancels every timer and stops the wall-clock driver; the clock still answers `now()`. */
  stop(): void;
}

/** The furthest one `advance` may move: 10 years (of 365.25 days). */
export const MAX_ADVANCE_MS = 10 * 365.25 * 24 * 3_600_000;

/** The latest time the clock may show: 9999-12-31T23:59:59.999Z (an ISO string's last four-digit year). */
export const MAX_CLOCK_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The fastest accelerated clock: a million times wall time. */
export const MAX_CLOCK_FACTOR = 1_000_000;

/**
 * Checks one `advance(ms)` from `now`.
 * @throws {RangeError} naming `ms` (see {@link SandboxClock.advance}).
 */
export function checkAdvance(ms: number, now: number): void {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
    throw new RangeError("ms must be a finite number of milliseconds >= 0");
  if (ms > MAX_ADVANCE_MS)
    throw new RangeError(`ms must be at most ${MAX_ADVANCE_MS} (10 years) per advance`);
  if (now + ms > MAX_CLOCK_MS) throw new RangeError("ms would move the clock past the year 9999");
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * Creates the sandbox clock. `startAt` (ms) fixes where a manual clock starts (default: the wall time now).
 * `onTimerError` receives whatever a timer callback throws, so a failing timer is reported, not lost.
 * @throws {RangeError} when an accelerated factor is not a positive number up to {@link MAX_CLOCK_FACTOR}, or
 * `startAt` is not a time in [0, {@link MAX_CLOCK_MS}].
 */
export function createSandboxClock(
  mode: ClockMode,
  onTimerError: (error: unknown) => void,
  startAt: number = Date.now(),
): SandboxClock {
  const kind = typeof mode === "string" ? mode : "accelerated";
  const factor = typeof mode === "string" ? 1 : mode.factor;
  if (!(factor > 0) || !(factor <= MAX_CLOCK_FACTOR))
    throw new RangeError(`accelerated clock factor must be > 0 and <= ${MAX_CLOCK_FACTOR}`);
  if (typeof startAt !== "number" || !(startAt >= 0 && startAt <= MAX_CLOCK_MS))
    throw new RangeError("startAt must be a time in ms since the epoch, up to the year 9999");
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
      const start = now();
      checkAdvance(ms, start);
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
