/** The runtime's `onTransition` hook: each event the reducer applied, its commands and its refusal, for dev tools. */
import { describe, expect, it } from "vitest";
import {
  createJourney,
  createManualClock,
  type JourneyTransition,
  RuntimeConfigError,
} from "../../src/runtime/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";
import { createFakeClient, flush, profileSubmitRun } from "./fake-client.js";

const JOURNEY = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";

describe("onTransition", () => {
  it("hears each applied event in order with the commands it produced, the refusals and the state value after", async () => {
    const heard: JourneyTransition[] = [];
    await profileSubmitRun({ onTransition: (t) => heard.push(t) });
    const submit = heard.find((t) => t.event.type === "profile.submit");
    expect(submit?.commands.map((c) => c.type)).toContain("submitProfile");
    expect(submit?.value.mutation).toBe("submittingProfile");
    // An intent the machine refuses (a mutation in flight) is applied as an error, with no command.
    const refused = heard.find((t) => t.event.type === "offer.select");
    expect(refused?.commands).toEqual([]);
    expect(refused?.value.mutation).toBe("submittingProfile");
    // A snapshot the reducer refuses outright says why.
    expect(heard.find((t) => t.rejected !== undefined)?.rejected?.reason).toBe("DUPLICATE");
    expect(heard.some((t) => t.event.type === "mutation.succeeded" && t.value.mutation === "idle")).toBe(
      true,
    );
    const polled = heard.find(
      (t) => t.event.type === "snapshot.received" && t.value.lifecycle === "PROFILE_SUBMITTED",
    );
    expect(polled?.event).toMatchObject({ source: "poll" });
    expect(heard.every((t) => t.at === 1_000)).toBe(true);
    expect(heard.indexOf(submit!)).toBeLessThan(heard.indexOf(polled!));
  });

  it("submits the profile naming the runtime's journey (the answer's state need not name it)", async () => {
    const state = snapshotFixture({ asOf: 5, status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" });
    const fake = createFakeClient(state);
    const runtime = createJourney({
      client: fake.client,
      journeyID: JOURNEY,
      initial: state,
      clock: createManualClock(),
    });
    runtime.start();
    await flush();
    expect(runtime.send({ type: "profile.submit", bureauConsent: true, profile: {} as never }).accepted).toBe(
      true,
    );
    await flush();
    const submit = fake.calls.find((c) => c.method === "submitProfile");
    expect((submit?.options as { journeyID?: string } | undefined)?.journeyID).toBe(JOURNEY);
    runtime.stop();
  });

  it("shows a mutation's success and its answer's state together, never the mutation done with the journey not moved on", async () => {
    const state = snapshotFixture({ asOf: 5, status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" });
    const fake = createFakeClient(state);
    fake.mutationAnswers.push(snapshotFixture({ asOf: 7, status: "PROFILE_SUBMITTED", nextAction: "WAIT" }));
    let answer = (): void => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    // The submit's answer waits while a read brings a newer state of the same step (the profile's save, say).
    const client = {
      ...fake.client,
      submitProfile: async (...args: Parameters<typeof fake.client.submitProfile>) => {
        await answered;
        return fake.client.submitProfile(...args);
      },
    };
    const runtime = createJourney({ client, journeyID: JOURNEY, initial: state, clock: createManualClock() });
    runtime.start();
    await flush();
    const seen: { status: string | null; pending: boolean }[] = [];
    runtime.subscribe((view) => seen.push({ status: view.status, pending: view.pendingMutation !== null }));
    runtime.send({ type: "profile.submit", bureauConsent: true, profile: {} as never });
    await flush();
    fake.state = snapshotFixture({ asOf: 6, status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" });
    runtime.refresh();
    await flush();
    answer();
    await flush();
    // Shown apart, the success left the profile form up with nothing pending: the demo's borrower submitted again.
    expect(seen).toEqual([
      { status: "PROFILE_REQUIRED", pending: true },
      { status: "PROFILE_SUBMITTED", pending: false },
    ]);
    runtime.stop();
  });

  it("is checked when the runtime is created, and a throwing listener goes to onError without stopping it", async () => {
    const state = snapshotFixture({ asOf: 5, status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" });
    const fake = createFakeClient(state);
    const make = (onTransition: unknown, onError?: (e: unknown) => void) =>
      createJourney({
        client: fake.client,
        journeyID: JOURNEY,
        initial: state,
        clock: createManualClock(),
        onTransition: onTransition as never,
        ...(onError ? { onError } : {}),
      });
    expect(() => make("yes")).toThrow(RuntimeConfigError);
    const errors: unknown[] = [];
    const runtime = make(
      () => {
        throw new Error("panel down");
      },
      (e) => errors.push(e),
    );
    runtime.start();
    await flush();
    const sent = runtime.send({ type: "profile.submit", bureauConsent: true, profile: {} as never });
    await flush();
    expect(sent.accepted).toBe(true);
    expect(errors.some((e) => String(e).includes("panel down"))).toBe(true);
    // The mutation went out and its answer was applied: the listener's failure stopped nothing.
    expect(fake.calls.filter((c) => c.method === "submitProfile")).toHaveLength(1);
    expect(runtime.getState().value.mutation).toBe("idle");
    runtime.stop();
  });
});
