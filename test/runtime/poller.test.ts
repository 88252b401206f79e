import { describe, expect, it } from "vitest";
import { createManualClock, steadySignals } from "../../src/runtime/index.js";
import { createPoller } from "../../src/runtime/poller.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";
import { flush } from "./fake-client.js";

function counted() {
  const clock = createManualClock();
  let polls = 0;
  const client = {
    getJourneyState: async () => {
      polls++;
      return { kind: "snapshot", snapshot: snapshotFixture({ asOf: polls }), etag: `"${polls}"` };
    },
  };
  const poller = createPoller({
    client: client as never,
    clock,
    signals: steadySignals,
    signal: new AbortController().signal,
    isNews: (snapshot) => snapshot.asOf > 0,
    dispatch: () => {},
  });
  return { clock, poller, polls: () => polls };
}

describe("the runtime's poller", () => {
  it("polls at once, then every interval from the last poll; a re-arm replaces a wake still queued (one chain)", async () => {
    const { clock, poller, polls } = counted();
    poller.start("j", 5_000);
    await flush();
    expect(polls()).toBe(1);
    poller.wake();
    poller.start("j", 5_000);
    await flush();
    expect(polls()).toBe(1);
    clock.advance(5_000);
    await flush();
    expect(polls()).toBe(2);
    clock.advance(4_999);
    await flush();
    expect(polls()).toBe(2);
    clock.advance(1);
    await flush();
    expect(polls()).toBe(3);
    poller.stop();
    clock.advance(60_000);
    await flush();
    expect(polls()).toBe(3);
  });
});
