/**
 * The sandbox's idempotency keys under their cap: finished keys make room, oldest first; a key whose request is
 * still running is never dropped (its request would finish unrecorded, and a retry would run it twice).
 */
import { describe, expect, it } from "vitest";
import { createSandboxClock } from "../../src/sandbox/clock.js";
import { IdempotencyStore } from "../../src/sandbox/idempotency.js";
import { SandboxProblem } from "../../src/sandbox/problem.js";

const OK = { status: 200, headers: {}, body: { ok: true } };

function store(maxKeys: number) {
  const clock = createSandboxClock("manual", (error) => {
    throw error;
  });
  return new IdempotencyStore(clock, 60_000, maxKeys);
}

describe("IdempotencyStore at its cap", () => {
  it("drops the oldest finished key to make room, and replays the ones it kept", () => {
    const keys = store(2);
    expect(keys.begin("p", "k1", "f1").kind).toBe("run");
    keys.finish("p", "k1", OK);
    expect(keys.begin("p", "k2", "f2").kind).toBe("run");
    keys.finish("p", "k2", OK);
    expect(keys.begin("p", "k3", "f3").kind).toBe("run");
    expect(keys.size).toBe(2);
    expect(keys.begin("p", "k2", "f2")).toEqual({ kind: "replay", response: OK });
    // k1 was the one dropped: it runs again.
    keys.finish("p", "k3", OK);
    expect(keys.begin("p", "k1", "f1").kind).toBe("run");
  });

  it("keeps a running key past the cap: a finished one goes instead, and the running one is still answered 409", () => {
    const keys = store(2);
    expect(keys.begin("p", "slow", "fs").kind).toBe("run");
    expect(keys.begin("p", "k2", "f2").kind).toBe("run");
    keys.finish("p", "k2", OK);
    expect(keys.begin("p", "k3", "f3").kind).toBe("run");
    expect(() => keys.begin("p", "slow", "fs")).toThrow(
      expect.objectContaining({ status: 409, code: "IDEMPOTENCY_IN_PROGRESS" }),
    );
    keys.finish("p", "slow", OK);
    expect(keys.begin("p", "slow", "fs")).toEqual({ kind: "replay", response: OK });
  });

  it("refuses a new key with 429 RATE_LIMITED while every held key is running, and takes it once one finishes", () => {
    const keys = store(2);
    keys.begin("p", "a", "fa");
    keys.begin("p", "b", "fb");
    let refused: unknown;
    try {
      keys.begin("p", "c", "fc");
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(SandboxProblem);
    expect(refused).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    expect(keys.size).toBe(2);
    keys.finish("p", "a", OK);
    expect(keys.begin("p", "c", "fc").kind).toBe("run");
    expect(() => keys.begin("p", "b", "fb")).toThrow(expect.objectContaining({ status: 409 }));
  });
});
