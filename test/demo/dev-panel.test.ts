import { describe, expect, it } from "vitest";
import { activePaths, sourceOf } from "../../src/demo/web/dev-panel.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";

describe("the developer panel's reading of events and states", () => {
  it("names where each event came from: a snapshot's own source, answers as response, intents as borrower", () => {
    const at = 1;
    const snapshot = snapshotFixture();
    expect(sourceOf({ type: "snapshot.received", snapshot, source: "webhook", at })).toBe("webhook");
    expect(sourceOf({ type: "poll.notModified", at })).toBe("poll");
    expect(sourceOf({ type: "push.alive", at })).toBe("push");
    expect(sourceOf({ type: "journey.loaded", journey: {}, at })).toBe("response");
    expect(sourceOf({ type: "mutation.succeeded", idempotencyKey: "k", at })).toBe("response");
    expect(sourceOf({ type: "network.offline", at })).toBe("signal");
    // Intents whose names look like answers are still the borrower's.
    expect(sourceOf({ type: "journey.resume", idempotencyKey: "k", at })).toBe("borrower");
    expect(sourceOf({ type: "mutation.retry", at })).toBe("borrower");
  });

  it("lights every active state's path, a nested end with its parent", () => {
    expect([...activePaths({ lifecycle: { ended: "REJECTED" }, mutation: "idle", sync: "stopped" })]).toEqual(
      [
        "lifecycle",
        "lifecycle.ended",
        "lifecycle.ended.REJECTED",
        "mutation",
        "mutation.idle",
        "sync",
        "sync.stopped",
      ],
    );
  });
});
