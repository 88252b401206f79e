/** The runtime's `onEvent` analytics callbacks: each state entered, each intent sent, each error shown. */
import { describe, expect, it } from "vitest";
import { createJourney, createManualClock, type JourneyAnalyticsEvent } from "../../src/runtime/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";
import { apiError, createFakeClient, flush, profileSubmitRun } from "./fake-client.js";

const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";

describe("onEvent", () => {
  it("tells each state entered, each intent (taken or refused, and why) and each error shown, as plain data", async () => {
    const events: JourneyAnalyticsEvent[] = [];
    await profileSubmitRun({ onEvent: (event) => events.push(event) }, [apiError("RATE_LIMITED", 429)]);
    expect(events.map((e) => e.type)).toEqual([
      "intent.sent",
      "intent.sent",
      "error.shown",
      "error.shown",
      "state.entered",
    ]);
    expect(events[0]).toMatchObject({ intent: "profile.submit", accepted: true, journeyID: JOURNEY });
    // A refused intent is told first, then the error it shows.
    expect(events[1]).toMatchObject({
      intent: "offer.select",
      accepted: false,
      refusedBecause: "MUTATION_IN_FLIGHT",
    });
    expect(events[2]).toMatchObject({ origin: "intent", code: "MUTATION_IN_FLIGHT", kind: "refused" });
    expect(events[3]).toMatchObject({ origin: "mutation", code: "RATE_LIMITED", kind: "transient" });
    expect(events[4]).toMatchObject({ status: "PROFILE_SUBMITTED", screen: "profileReview" });
    // Plain data only: nothing of the profile or a token.
    expect(JSON.stringify(events)).not.toMatch(/token|pan|profile"/i);
  });

  it("keeps a throwing listener from the host: its error goes to onError, and the runtime goes on", async () => {
    const state = snapshotFixture({ asOf: 5, status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" });
    const heard: unknown[] = [];
    const runtime = createJourney({
      client: createFakeClient(state).client,
      journeyID: JOURNEY,
      initial: state,
      clock: createManualClock(),
      onEvent: () => {
        throw new Error("analytics down");
      },
      onError: (error) => heard.push(error),
    });
    runtime.start();
    await flush();
    expect(runtime.send({ type: "profile.submit", bureauConsent: true, profile: {} as never }).accepted).toBe(
      true,
    );
    expect(heard).toEqual([new Error("analytics down")]);
    runtime.stop();
  });
});
