import { describe, expect, it } from "vitest";
import { createTokenRefresher } from "../../src/client/single-flight.js";

function counting(tokens: string[]) {
  let calls = 0;
  const settled: boolean[] = [];
  const refresher = createTokenRefresher(
    async () => {
      const token = tokens[calls++];
      if (token === undefined) throw new Error("no more tokens");
      return token;
    },
    (ok) => settled.push(ok),
  );
  return { refresher, calls: () => calls, settled };
}

describe("createTokenRefresher", () => {
  it("joins concurrent refreshes of the same token into one call", async () => {
    const { refresher, calls } = counting(["bst_new1"]);
    const tokens = await Promise.all([
      refresher.refresh("bst_old"),
      refresher.refresh("bst_old"),
      refresher.refresh("bst_old"),
    ]);
    expect(tokens).toEqual(["bst_new1", "bst_new1", "bst_new1"]);
    expect(calls()).toBe(1);
  });

  it("a late caller with a superseded token gets the refreshed one without a new call", async () => {
    const { refresher, calls } = counting(["bst_new1", "bst_new2"]);
    await refresher.refresh("bst_old");
    expect(await refresher.refresh("bst_old")).toBe("bst_new1");
    expect(calls()).toBe(1);
    expect(await refresher.refresh("bst_new1")).toBe("bst_new2");
    expect(calls()).toBe(2);
  });

  it("a failed refresh rejects its joiners, reports it, and the next expiry tries again", async () => {
    const { refresher, calls, settled } = counting([]);
    const both = await Promise.allSettled([refresher.refresh("bst_old"), refresher.refresh("bst_old")]);
    expect(both.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(calls()).toBe(1);
    await expect(refresher.refresh("bst_old")).rejects.toThrow(/no more tokens/);
    expect(calls()).toBe(2);
    expect(settled).toEqual([false, false]);
  });
});
