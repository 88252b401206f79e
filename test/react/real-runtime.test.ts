// @vitest-environment happy-dom
import { act, cleanup, render, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, expect, it } from "vitest";
import { useJourneyRuntime, useJourneyView } from "../../src/react/index.js";
import {
  createJourney,
  createManualClock,
  type JourneyRuntime,
  steadySignals,
} from "../../src/runtime/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";
import { createFakeClient } from "../runtime/fake-client.js";

afterEach(cleanup);

function Status({ runtime }: { runtime: JourneyRuntime }) {
  const status = useJourneyView(runtime, (view) => view.status);
  return createElement("p", { "data-testid": "status" }, status ?? "loading");
}

function App({ create }: { create: () => JourneyRuntime }) {
  const runtime = useJourneyRuntime(create, []);
  return runtime === null ? null : createElement(Status, { runtime });
}

it("a real createJourney runtime drives a component: polled snapshots re-render it, stop on unmount", async () => {
  const fake = createFakeClient(snapshotFixture({ status: "KYC_PENDING", asOf: 3, nextAction: "WAIT" }));
  const clock = createManualClock(Date.UTC(2026, 10, 26));
  let made: JourneyRuntime | undefined;
  const create = () => {
    made = createJourney({
      client: fake.client,
      journeyID: "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9",
      clock,
      signals: steadySignals,
    });
    return made;
  };
  const { getByTestId, unmount } = render(createElement(App, { create }));
  // No initial snapshot: the first poll runs at once.
  await waitFor(() => expect(getByTestId("status").textContent).toBe("KYC_PENDING"));
  fake.state = snapshotFixture({ status: "BANK_MANDATE_PENDING", asOf: 4, nextAction: "WAIT" });
  await act(async () => {
    clock.advance(10_000);
  });
  await waitFor(() => expect(getByTestId("status").textContent).toBe("BANK_MANDATE_PENDING"));
  unmount();
  expect(() => made?.send({ type: "journey.resume" })).toThrow(/stopped/);
});
