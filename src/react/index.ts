/**
 * credit-journey/react: React hooks over a journey runtime. The runtime is an external store, so the binding is
 * `useSyncExternalStore` and nothing else; React is a peer dependency and the core never imports it.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { JourneyRuntime, JourneyView } from "../runtime/index.js";

/** Decides whether two selections are the same, so a component re-renders only when its selection changes. */
export type SelectionEquality<Selection> = (previous: Selection, next: Selection) => boolean;

/**
 * The journey's whole view; the component re-renders exactly when the runtime tells its subscribers (never for a
 * `304`, a duplicate or a stale snapshot). Never throws.
 */
export function useJourney(runtime: JourneyRuntime): JourneyView {
  return useSyncExternalStore(runtime.subscribe, runtime.getSnapshot, runtime.getSnapshot);
}

/**
 * A slice of the journey's view: `selector(view)`, re-rendering only when the selection changes by `isEqual`
 * (default `Object.is`; pass {@link shallowEqual} for a selector that builds a fresh object or array). Without a
 * selector it is {@link useJourney}. Rethrows what `selector` throws, as React does for a render error.
 */
export function useJourneyView(runtime: JourneyRuntime): JourneyView;
export function useJourneyView<Selection>(
  runtime: JourneyRuntime,
  selector: (view: JourneyView) => Selection,
  isEqual?: SelectionEquality<Selection>,
): Selection;
export function useJourneyView<Selection>(
  runtime: JourneyRuntime,
  selector?: (view: JourneyView) => Selection,
  isEqual: SelectionEquality<Selection> = Object.is,
): Selection | JourneyView {
  const memo = useRef<{
    view: JourneyView;
    select: (view: JourneyView) => Selection;
    selection: Selection;
  } | null>(null);
  // The latest selector and equality, read by a stable getSnapshot so an inline selector does not resubscribe.
  const latest = useRef({ selector, isEqual });
  latest.current = { selector, isEqual };
  const getSelection = useCallback((): Selection | JourneyView => {
    const view = runtime.getSnapshot();
    const select = latest.current.selector;
    if (select === undefined) return view;
    const previous = memo.current;
    // Selected again when the view or the selector changed (a selector over a prop that changed selects anew).
    if (previous !== null && previous.view === view && previous.select === select) return previous.selection;
    const next = select(view);
    const selection =
      previous !== null && latest.current.isEqual(previous.selection, next) ? previous.selection : next;
    memo.current = { view, select, selection };
    return selection;
  }, [runtime]);
  return useSyncExternalStore(runtime.subscribe, getSelection, getSelection);
}

/** True when two values are `Object.is`, or plain objects/arrays whose own keys hold `Object.is` values. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) &&
      Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

/**
 * Owns a runtime for a component's lifetime: `create()` runs in an effect, the runtime is started, and stopped
 * on unmount or when `deps` change (then a fresh one is created, since a stopped runtime cannot restart). Safe
 * under strict mode's double effects. Returns `null` until the first runtime exists. Errors `create()` or `start()`
 * throws surface as a render error of the component (caught by an error boundary); a runtime whose `start()` threw
 * is stopped first.
 */
export function useJourneyRuntime(
  create: () => JourneyRuntime,
  deps: readonly unknown[],
): JourneyRuntime | null {
  const [runtime, setRuntime] = useState<JourneyRuntime | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const latestCreate = useRef(create);
  latestCreate.current = create;
  useEffect(() => {
    let created: JourneyRuntime | undefined;
    try {
      created = latestCreate.current();
      created.start();
    } catch (error) {
      // A runtime whose start() threw part-way (its poller may be running) is stopped: nobody else owns it.
      try {
        created?.stop();
      } catch {
        // The start's failure is the one reported.
      }
      setFailure({ error });
      return;
    }
    const started = created;
    setRuntime(started);
    return () => {
      started.stop();
      setRuntime((current) => (current === started ? null : current));
    };
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when a runtime is made.
  }, deps);
  if (failure !== null) throw failure.error;
  return runtime;
}
