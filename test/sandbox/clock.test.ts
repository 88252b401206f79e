import { describe, expect, it } from "vitest";
import { createSandboxClock } from "../../src/sandbox/clock.js";

const failOnError = (error: unknown) => {
  throw error;
};

describe("sandbox clock", () => {
  it("fires manual timers only on advance, in time order, at their own time", () => {
    const clock = createSandboxClock("manual", failOnError, 1_000_000);
    const fired: [string, number][] = [];
    clock.setTimer(() => fired.push(["b", clock.now()]), 200);
    clock.setTimer(() => {
      fired.push(["a", clock.now()]);
      clock.setTimer(() => fired.push(["c", clock.now()]), 50);
    }, 100);
    expect(fired).toEqual([]);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(200);
    expect(fired).toEqual([
      ["a", 1_000_100],
      ["c", 1_000_150],
      ["b", 1_000_200],
    ]);
    expect(clock.now()).toBe(1_000_299);
    expect(clock.pending()).toBe(0);
  });
  it("cancels timers and reports a throwing timer instead of losing it", () => {
    const errors: unknown[] = [];
    const clock = createSandboxClock("manual", (e) => errors.push(e), 0);
    const cancel = clock.setTimer(() => errors.push("should not run"), 10);
    cancel();
    clock.setTimer(() => {
      throw new Error("boom");
    }, 5);
    clock.advance(20);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain("boom");
  });
  it("runs an accelerated clock faster than the wall clock and still honours advance", async () => {
    const clock = createSandboxClock({ mode: "accelerated", factor: 1000 }, failOnError, 0);
    const fired = new Promise<number>((resolve) => clock.setTimer(() => resolve(clock.now()), 5_000));
    expect(await fired).toBeGreaterThanOrEqual(5_000);
    const before = clock.now();
    clock.advance(60_000);
    expect(clock.now()).toBeGreaterThanOrEqual(before + 60_000);
    clock.stop();
  });
  it("rejects a bad factor and a negative advance", () => {
    expect(() => createSandboxClock({ mode: "accelerated", factor: 0 }, failOnError)).toThrow(RangeError);
    expect(() => createSandboxClock("manual", failOnError).advance(-1)).toThrow(RangeError);
  });
});
