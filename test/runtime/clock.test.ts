import { describe, expect, it, vi } from "vitest";
import { createManualClock, MAX_TIMER_MS, systemClock } from "../../src/runtime/clock.js";
import { controlledSignals } from "../../src/runtime/signals.js";
import { backgroundClock } from "../../src/server/timers.js";

describe("createManualClock", () => {
  it("fires due timers in time order (ties in registration order), moving now() to each, and skips cancelled ones", () => {
    const clock = createManualClock(1_000);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(["b", clock.now()]), 200);
    const cancel = clock.setTimeout(() => fired.push(["x", clock.now()]), 100);
    clock.setTimeout(() => {
      fired.push(["a", clock.now()]);
      clock.setTimeout(() => fired.push(["c", clock.now()]), 50);
    }, 150);
    cancel();
    clock.advance(199);
    expect(fired).toEqual([["a", 1_150]]);
    clock.advance(1);
    expect(fired).toEqual([
      ["a", 1_150],
      ["b", 1_200],
      ["c", 1_200],
    ]);
    expect(clock.now()).toBe(1_200);
    expect(clock.pending()).toBe(0);
  });
});

describe("the platform clocks", () => {
  it.each([
    ["systemClock", systemClock],
    ["backgroundClock", backgroundClock],
  ])("%s arms a delay past 2^31−1 ms as the longest timer, not as one firing at once", (_name, clock) => {
    const armed = vi.spyOn(globalThis, "setTimeout");
    try {
      const cancel = clock.setTimeout(() => {}, 3e12);
      cancel();
      expect(armed).toHaveBeenCalledTimes(1);
      expect(armed.mock.calls[0]?.[1]).toBe(MAX_TIMER_MS);
      clock.setTimeout(() => {}, 5)();
      expect(armed.mock.calls[1]?.[1]).toBe(5);
    } finally {
      armed.mockRestore();
    }
  });
});

describe("controlledSignals", () => {
  it("notifies only on a real change", () => {
    const signals = controlledSignals();
    const seen: unknown[] = [];
    const off = signals.subscribe((c) => seen.push(c));
    signals.set({ visible: true });
    signals.set({ visible: false });
    signals.set({ online: false });
    off();
    signals.set({ online: true });
    expect(seen).toEqual([
      { visible: false, online: true },
      { visible: false, online: false },
    ]);
    expect(signals.isOnline()).toBe(true);
  });
});
