import type { JourneyEvent } from "../../machines/journey/journey.types.js";
import type { JourneySnapshot } from "../contract/index.js";
import { safeParseSnapshot } from "../contract/schemas.js";
import { isThinState } from "../contract/snapshot.js";

/** What the push consumer needs from its runtime. */
export interface PushDeps {
  readonly journeyID: string;
  readonly now: () => number;
  /** Whether a snapshot is news to the state held now (later than its order key, or a tie): `isNewsTo`. */
  readonly isNews: (snapshot: JourneySnapshot) => boolean;
  readonly deliver: (event: JourneyEvent) => void;
  /** Polls at once (a thin frame says something changed without saying what). */
  readonly refresh: () => void;
  /** Hears frames dropped as invalid and the stream's own failure. */
  readonly onError: (error: unknown) => void;
}

/** What a push source yields to say it is live with nothing new (an SSE relay's heartbeat). */
export const PUSH_HEARTBEAT = { kind: "heartbeat" } as const;

function isHeartbeat(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "heartbeat";
}

/**
 * Feeds an async iterable of untrusted snapshots (an SSE relay, a WebSocket, a test queue) to the journey as
 * `snapshot.received` with source `push`. A heartbeat ({@link PUSH_HEARTBEAT}) or a frame of this journey that is
 * no news (`deps.isNews`: not later than the held order key, nor a tie at it) is `push.alive`: the source is live, so polling stays relaxed. Frames of another
 * journey and invalid ones (reported to `onError`) are dropped; a thin frame (only id, status and nextAction, as
 * a webhook says them) makes the runtime poll at once for the full state. Returns a function that stops the
 * iteration.
 * Never throws; a failing stream is reported to `onError` and polling carries on.
 */
export function consumePush(source: AsyncIterable<unknown>, deps: PushDeps): () => void {
  let stopped = false;
  let iterator: AsyncIterator<unknown>;
  try {
    iterator = source[Symbol.asyncIterator]();
  } catch (error) {
    // A source that cannot even start (no EventSource here, say): reported; polling carries on alone.
    deps.onError(error);
    return () => {};
  }
  (async () => {
    for (;;) {
      const next = await iterator.next();
      if (stopped || next.done) return;
      if (isHeartbeat(next.value)) {
        deps.deliver({ type: "push.alive", at: deps.now() });
        continue;
      }
      const parsed = safeParseSnapshot(next.value);
      if (!parsed.ok) {
        deps.onError(parsed.error);
        continue;
      }
      const snapshot = parsed.value;
      if (snapshot.journeyID !== deps.journeyID) continue;
      if (!deps.isNews(snapshot)) {
        deps.deliver({ type: "push.alive", at: deps.now() });
        continue;
      }
      // A thin frame (a relayed webhook: id, status, nextAction, when the backend read nothing more) is news
      // without its details: applying it would show a step without its action. Poll at once for the full state.
      if (isThinState(snapshot)) {
        deps.deliver({ type: "push.alive", at: deps.now() });
        deps.refresh();
        continue;
      }
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
