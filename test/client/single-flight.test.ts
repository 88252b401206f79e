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
    const { refresher, calls } = counting(["session-new1"]);
    const tokens = await Promise.all([
      refresher.refresh("session-old"),
      refresher.refresh("session-old"),
      refresher.refresh("session-old"),
    ]);
    expect(tokens).toEqual(["session-new1", "session-new1", "session-new1"]);
    expect(calls()).toBe(1);
  });

  it("a late caller with a superseded token gets the refreshed one without a new call", async () => {
    const { refresher, calls } = counting(["session-new1", "session-new2"]);
    await refresher.refresh("session-old");
    expect(await refresher.refresh("session-old")).toBe("session-new1");
    expect(calls()).toBe(1);
    expect(await refresher.refresh("session-new1")).toBe("session-new2");
    expect(calls()).toBe(2);
  });

  it("refreshes a token it did not replace (another tab stored a newer one, which then expired) instead of handing back its own stale one", async () => {
    const { refresher, calls } = counting(["session-new1", "session-new2"]);
    await refresher.refresh("session-old");
    // The app's getSessionToken now gives a token this refresher never made; it expires too.
    expect(await refresher.refresh("session-from-other-tab")).toBe("session-new2");
    expect(calls()).toBe(2);
    // What it replaced before is still answered without a call.
    expect(await refresher.refresh("session-old")).toBe("session-new2");
    expect(calls()).toBe(2);
  });

  it("a failed refresh rejects its joiners, reports it, and the next expiry tries again", async () => {
    const { refresher, calls, settled } = counting([]);
    const both = await Promise.allSettled([
      refresher.refresh("session-old"),
      refresher.refresh("session-old"),
    ]);
    expect(both.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(calls()).toBe(1);
    await expect(refresher.refresh("session-old")).rejects.toThrow(/no more tokens/);
    expect(calls()).toBe(2);
    expect(settled).toEqual([false, false]);
  });

  it("a straggler that left before a refresh failed shares the failure; one that left after tries again", async () => {
    const { refresher, calls } = counting([]);
    const leftBefore = refresher.settled;
    await expect(refresher.refresh("session-old", leftBefore)).rejects.toThrow(/no more tokens/);
    await expect(refresher.refresh("session-old", leftBefore)).rejects.toThrow(/no more tokens/);
    expect(calls()).toBe(1);
    // Another token that left as early is not answered with this failure.
    await expect(refresher.refresh("session-other", leftBefore)).rejects.toThrow(/no more tokens/);
    expect(calls()).toBe(2);
    await expect(refresher.refresh("session-old", refresher.settled)).rejects.toThrow(/no more tokens/);
    expect(calls()).toBe(3);
  });
});
