/** The webhook handler's per-journey serializer: one task of a key at a time, in arrival order, never a deadlock. */
import { describe, expect, it } from "vitest";
import { createKeyedSerializer } from "../../src/server/keyed-serializer.js";

function gate() {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe("createKeyedSerializer", () => {
  it("runs a key's tasks one after another in arrival order, other keys alongside", async () => {
    const serial = createKeyedSerializer();
    const log: string[] = [];
    const first = gate();
    const a1 = serial(["a"], async () => {
      log.push("a1 start");
      await first.promise;
      log.push("a1 end");
    });
    const a2 = serial(["a"], async () => void log.push("a2"));
    const b1 = serial(["b"], async () => void log.push("b1"));
    await b1;
    expect(log).toEqual(["a1 start", "b1"]);
    first.open();
    await Promise.all([a1, a2]);
    expect(log).toEqual(["a1 start", "b1", "a1 end", "a2"]);
  });

  it("makes a task of several keys wait for each, and later tasks of any of them wait for it", async () => {
    const serial = createKeyedSerializer();
    const log: string[] = [];
    const a = gate();
    const b = gate();
    const onA = serial(["a"], async () => {
      await a.promise;
      log.push("a");
    });
    const onB = serial(["b"], async () => {
      await b.promise;
      log.push("b");
    });
    const both = serial(["a", "b", "a"], async () => void log.push("ab"));
    const afterB = serial(["b"], async () => void log.push("b again"));
    b.open();
    await onB;
    expect(log).toEqual(["b"]);
    a.open();
    await Promise.all([onA, both, afterB]);
    expect(log).toEqual(["b", "a", "ab", "b again"]);
  });

  it("lets the next task of a key run after one that failed, and hands back the failure", async () => {
    const serial = createKeyedSerializer();
    await expect(serial(["a"], async () => Promise.reject(new Error("store down")))).rejects.toThrow(
      "store down",
    );
    const stuck = new Promise((resolve) => setTimeout(() => resolve("still waiting"), 1_000));
    await expect(Promise.race([serial(["a"], async () => "ran"), stuck])).resolves.toBe("ran");
  });
});
