import type { JourneyEvent } from "../../machines/journey/journey.types.js";
import { safeParseSnapshot } from "../contract/schemas.js";

/** What the push consumer needs from its runtime. */
export interface PushDeps {
  readonly journeyId: string;
  readonly now: () => number;
  readonly heldVersion: () => number;
  readonly deliver: (event: JourneyEvent) => void;
  /** Hears frames dropped as invalid and the stream's own failure. */
  readonly onError: (error: unknown) => void;
}

/**
 * Feeds an async iterable of untrusted snapshots (an SSE relay, a WebSocket, a test queue) to the journey as
 * `snapshot.received` with source `push`. Frames of another journey, invalid ones (reported to `onError`) and
 * ones no newer than the held version are dropped. Returns a function that stops the iteration.
 * Never throws; a failing stream is reported to `onError` and polling carries on.
 */
export function consumePush(source: AsyncIterable<unknown>, deps: PushDeps): () => void {
  let stopped = false;
  const iterator = source[Symbol.asyncIterator]();
  (async () => {
    for (;;) {
      const next = await iterator.next();
      if (stopped || next.done) return;
      const parsed = safeParseSnapshot(next.value);
      if (!parsed.ok) {
        deps.onError(parsed.error);
        continue;
      }
      const snapshot = parsed.value;
      if (snapshot.journeyId !== deps.journeyId || snapshot.version <= deps.heldVersion()) continue;
      deps.deliver({ type: "snapshot.received", snapshot, source: "push", at: deps.now() });
    }
  })().catch((error: unknown) => {
    if (!stopped) deps.onError(error);
  });
  return () => {
    stopped = true;
    void Promise.resolve(iterator.return?.()).catch(() => {});
  };
}
