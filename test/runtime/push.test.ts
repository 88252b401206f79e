import { describe, expect, it } from "vitest";
import type { JourneyEvent } from "../../machines/journey/journey.types.js";
import { consumePush, PUSH_HEARTBEAT } from "../../src/runtime/push.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";

async function* frames(...values: unknown[]) {
  yield* values;
}

describe("consumePush", () => {
  it("delivers newer snapshots as push, and heartbeats or nothing-new frames as push.alive", async () => {
    const delivered: JourneyEvent[] = [];
    const errors: unknown[] = [];
    let held = 5;
    consumePush(
      frames(
        snapshotFixture({ asOf: 6 }),
        PUSH_HEARTBEAT,
        snapshotFixture({ asOf: 6 }),
        snapshotFixture({ journeyID: "jrn_other", asOf: 99 }),
        { nonsense: true },
      ),
      {
        journeyID: "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9",
        now: () => 1_000,
        isNews: (snapshot) => snapshot.asOf > held,
        refresh: () => {},
        deliver: (event) => {
          delivered.push(event);
          if (event.type === "snapshot.received") held = event.snapshot.asOf;
        },
        onError: (error) => errors.push(error),
      },
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(
      delivered.map((e) =>
        e.type === "snapshot.received" ? `${e.type}:${e.source}:${e.snapshot.asOf}` : e.type,
      ),
    ).toEqual(["snapshot.received:push:6", "push.alive", "push.alive"]);
    expect(errors).toHaveLength(1);
  });

  it("never throws for a source whose iterator cannot start: onError hears it, and stopping is a no-op", () => {
    const errors: unknown[] = [];
    const failing = {
      [Symbol.asyncIterator]() {
        throw new Error("EventSource not supported here");
      },
    } as AsyncIterable<unknown>;
    const stop = consumePush(failing, {
      journeyID: "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9",
      now: () => 1_000,
      isNews: () => true,
      refresh: () => {},
      deliver: () => {},
      onError: (error) => errors.push(error),
    });
    expect(errors.map(String)).toEqual(["Error: EventSource not supported here"]);
    expect(() => stop()).not.toThrow();
  });
});
