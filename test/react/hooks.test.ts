// @vitest-environment happy-dom
import { act, cleanup, render, renderHook } from "@testing-library/react";
import { createElement, StrictMode } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { initial, view } from "../../src/journey/index.js";
import { shallowEqual, useJourney, useJourneyRuntime, useJourneyView } from "../../src/react/index.js";
import type { JourneyRuntime, JourneyView } from "../../src/runtime/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";

/** A store with the runtime's subscribe/getSnapshot contract, whose view the test replaces by hand. */
interface FakeRuntime {
  readonly runtime: JourneyRuntime;
  /** Replaces the view and tells subscribers, as the runtime does when its view changes. */
  emit(next: JourneyView): void;
  /** Tells subscribers without changing the view (a store must not cause a re-render then). */
  notifyUnchanged(): void;
  listeners(): number;
  readonly started: number[];
  readonly stopped: number[];
}

function viewAt(status: "PROFILE_REQUIRED" | "OFFERS_AVAILABLE" | "KYC_PENDING", asOf: number) {
  const snapshot = snapshotFixture({
    status,
    asOf,
    nextAction: status === "PROFILE_REQUIRED" ? "SUBMIT_PROFILE" : "WAIT",
  });
  return view(initial({ journeyID: snapshot.journeyID, snapshot, at: Date.UTC(2026, 10, 26) }));
}

let nextId = 0;
function fakeRuntime(first: JourneyView = viewAt("PROFILE_REQUIRED", 1)): FakeRuntime {
  let current = first;
  const subscribers = new Set<(view: JourneyView) => void>();
  const id = nextId++;
  const fake: FakeRuntime = {
    started: [],
    stopped: [],
    runtime: {
      getSnapshot: () => current,
      view: () => current,
      subscribe(listener: (view: JourneyView) => void) {
        subscribers.add(listener);
        return () => subscribers.delete(listener);
      },
      start: () => fake.started.push(id),
      stop: () => fake.stopped.push(id),
    } as unknown as JourneyRuntime,
    emit(next) {
      current = next;
      for (const listener of [...subscribers]) listener(current);
    },
    notifyUnchanged() {
      for (const listener of [...subscribers]) listener(current);
    },
    listeners: () => subscribers.size,
  };
  return fake;
}

afterEach(cleanup);

function Screen({ runtime }: { runtime: JourneyRuntime }) {
  const current = useJourney(runtime);
  return createElement("p", { "data-testid": "screen" }, `${current.screen} v${current.asOf}`);
}

describe("useJourney", () => {
  it("renders the current view and re-renders when the view changes", () => {
    const fake = fakeRuntime();
    let renders = 0;
    const { result } = renderHook(() => {
      renders++;
      return useJourney(fake.runtime);
    });
    expect(result.current.screen).toBe("profile");
    const before = renders;
    act(() => fake.emit(viewAt("OFFERS_AVAILABLE", 2)));
    expect(result.current.screen).toBe("offers");
    expect(result.current.asOf).toBe(2);
    expect(renders).toBe(before + 1);
  });

  it("does not re-render when subscribers are told but the view is the same object", () => {
    const fake = fakeRuntime();
    let renders = 0;
    renderHook(() => {
      renders++;
      return useJourney(fake.runtime);
    });
    const before = renders;
    act(() => fake.notifyUnchanged());
    act(() => fake.notifyUnchanged());
    expect(renders).toBe(before);
  });

  it("unsubscribes on unmount", () => {
    const fake = fakeRuntime();
    const { unmount } = renderHook(() => useJourney(fake.runtime));
    expect(fake.listeners()).toBe(1);
    unmount();
    expect(fake.listeners()).toBe(0);
  });

  it("renders a component from the view (DOM text follows the runtime)", () => {
    const fake = fakeRuntime();
    const { getByTestId } = render(createElement(Screen, { runtime: fake.runtime }));
    expect(getByTestId("screen").textContent).toBe("profile v1");
    act(() => fake.emit(viewAt("KYC_PENDING", 7)));
    expect(getByTestId("screen").textContent).toBe("kyc v7");
  });
});

describe("useJourneyView", () => {
  it("without a selector returns the whole view", () => {
    const fake = fakeRuntime();
    const { result } = renderHook(() => useJourneyView(fake.runtime));
    expect(result.current).toBe(fake.runtime.getSnapshot());
  });

  it("re-renders only when the selected value changes", () => {
    const fake = fakeRuntime(viewAt("OFFERS_AVAILABLE", 1));
    let renders = 0;
    const { result } = renderHook(() => {
      renders++;
      return useJourneyView(fake.runtime, (v) => v.screen);
    });
    expect(result.current).toBe("offers");
    const before = renders;
    // A new view (newer asOf) with the same screen: the selection is equal, no re-render.
    act(() => fake.emit(viewAt("OFFERS_AVAILABLE", 2)));
    expect(renders).toBe(before);
    act(() => fake.emit(viewAt("KYC_PENDING", 3)));
    expect(result.current).toBe("kyc");
    expect(renders).toBe(before + 1);
  });

  it("keeps the previous selection object when the custom equality says equal", () => {
    const fake = fakeRuntime(viewAt("OFFERS_AVAILABLE", 1));
    let renders = 0;
    const { result } = renderHook(() => {
      renders++;
      return useJourneyView(fake.runtime, (v) => ({ screen: v.screen, ended: v.isEnded }), shallowEqual);
    });
    const first = result.current;
    const before = renders;
    act(() => fake.emit(viewAt("OFFERS_AVAILABLE", 2)));
    expect(result.current).toBe(first);
    expect(renders).toBe(before);
    act(() => fake.emit(viewAt("KYC_PENDING", 3)));
    expect(result.current).toEqual({ screen: "kyc", ended: false });
    expect(renders).toBe(before + 1);
  });

  it("with Object.is, a selector building fresh objects re-renders on every view change but not in a loop", () => {
    const fake = fakeRuntime(viewAt("OFFERS_AVAILABLE", 1));
    let renders = 0;
    const { result } = renderHook(() => {
      renders++;
      return useJourneyView(fake.runtime, (v) => ({ asOf: v.asOf }));
    });
    const before = renders;
    act(() => fake.emit(viewAt("OFFERS_AVAILABLE", 2)));
    expect(result.current).toEqual({ asOf: 2 });
    expect(renders).toBe(before + 1);
  });

  it("selects anew when the selector changes (a prop it closes over), with the view unchanged", () => {
    const fake = fakeRuntime(viewAt("OFFERS_AVAILABLE", 1));
    const { result, rerender } = renderHook(
      ({ suffix }: { suffix: string }) => useJourneyView(fake.runtime, (v) => `${v.screen}${suffix}`),
      { initialProps: { suffix: "-a" } },
    );
    expect(result.current).toBe("offers-a");
    rerender({ suffix: "-b" });
    expect(result.current).toBe("offers-b");
  });

  it("unsubscribes on unmount", () => {
    const fake = fakeRuntime();
    const { unmount } = renderHook(() => useJourneyView(fake.runtime, (v) => v.status));
    expect(fake.listeners()).toBe(1);
    unmount();
    expect(fake.listeners()).toBe(0);
  });
});

describe("shallowEqual", () => {
  it("compares own keys by Object.is, one level deep", () => {
    expect(shallowEqual({ a: 1, b: "x" }, { a: 1, b: "x" })).toBe(true);
    expect(shallowEqual([1, 2], [1, 2])).toBe(true);
    expect(shallowEqual({ a: 1 }, { a: 2 })).toBe(false);
    expect(shallowEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(shallowEqual({ a: {} }, { a: {} })).toBe(false);
    expect(shallowEqual([1], { 0: 1 })).toBe(false);
    expect(shallowEqual(null, null)).toBe(true);
  });
});

describe("useJourneyRuntime", () => {
  it("creates and starts a runtime after mount, stops it on unmount", () => {
    const made: FakeRuntime[] = [];
    const { result, unmount } = renderHook(() =>
      useJourneyRuntime(() => {
        const fake = fakeRuntime();
        made.push(fake);
        return fake.runtime;
      }, []),
    );
    expect(made).toHaveLength(1);
    expect(result.current).toBe(made[0]?.runtime);
    expect(made[0]?.started).toHaveLength(1);
    unmount();
    expect(made[0]?.stopped).toHaveLength(1);
  });

  it("under strict mode's double effects ends with one running runtime and the other stopped", () => {
    const made: FakeRuntime[] = [];
    const { result } = renderHook(
      () =>
        useJourneyRuntime(() => {
          const fake = fakeRuntime();
          made.push(fake);
          return fake.runtime;
        }, []),
      { wrapper: StrictMode },
    );
    const running = made.filter((f) => f.started.length === 1 && f.stopped.length === 0);
    expect(running).toHaveLength(1);
    expect(result.current).toBe(running[0]?.runtime);
    expect(made.every((f) => f.started.length === 1)).toBe(true);
  });

  it("replaces the runtime when deps change", () => {
    const made: FakeRuntime[] = [];
    const { result, rerender } = renderHook(
      ({ id }: { id: string }) =>
        useJourneyRuntime(() => {
          const fake = fakeRuntime();
          made.push(fake);
          return fake.runtime;
        }, [id]),
      { initialProps: { id: "a" } },
    );
    const first = result.current;
    rerender({ id: "b" });
    expect(made).toHaveLength(2);
    expect(made[0]?.stopped).toHaveLength(1);
    expect(result.current).not.toBe(first);
    expect(result.current).toBe(made[1]?.runtime);
  });

  it("stops a runtime whose start() threw, and surfaces the error", () => {
    const fake = fakeRuntime();
    const failing = {
      ...fake.runtime,
      start: () => {
        fake.started.push(-1);
        throw new Error("isVisible: the signal failed");
      },
      stop: () => fake.stopped.push(-1),
    } as unknown as JourneyRuntime;
    expect(() => renderHook(() => useJourneyRuntime(() => failing, []))).toThrow(/isVisible/);
    expect(fake.started).toEqual([-1]);
    expect(fake.stopped).toEqual([-1]);
  });

  it("surfaces a failing create() as a render error", () => {
    expect(() =>
      renderHook(() =>
        useJourneyRuntime(() => {
          throw new Error("journeyID: must be a jrn_… id");
        }, []),
      ),
    ).toThrow(/journeyID/);
  });
});
