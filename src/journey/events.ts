import type { JourneyEvent, SnapshotSource } from "../../machines/journey/journey.types.js";

/**
 * An event as a host hands it to `journey.reduce`: like the machine's events, except that the payloads that
 * come off the wire (`snapshot`, `journey`) are untrusted `unknown` JSON, validated inside the reducer.
 */
export type JourneyHostEvent =
  | Exclude<JourneyEvent, { type: "snapshot.received" } | { type: "journey.loaded" }>
  | {
      readonly type: "snapshot.received";
      readonly snapshot: unknown;
      readonly source: SnapshotSource;
      readonly at: number;
    }
  | { readonly type: "journey.loaded"; readonly journey: unknown; readonly at: number };

/** Why `reduce` refused an event outright (the returned state is the one passed in). */
export type EventRejection =
  /** The snapshot's `asOf` is earlier than the held order key. */
  | "STALE"
  /** The snapshot says what the held one says, at the same `asOf` (a redelivery). */
  | "DUPLICATE"
  /** The snapshot is not a valid `JourneySnapshot`. */
  | "INVALID_SNAPSHOT"
  /** The journey is not a valid `Journey`. */
  | "INVALID_JOURNEY"
  /** The payload belongs to another journey. */
  | "WRONG_JOURNEY"
  /** The event is not an object with a known `type` and a finite `at`. */
  | "INVALID_EVENT"
  /** The journey has ended; nothing changes any more. */
  | "JOURNEY_ENDED"
  /** The machine had nothing to do with the event in its current state. */
  | "IGNORED";

/** Every event type the reducer accepts. */
export const HOST_EVENT_TYPES = [
  "snapshot.received",
  "journey.loaded",
  "journey.loadFailed",
  "profile.submit",
  "offer.select",
  "step.start",
  "step.submit",
  "step.returned",
  "consent.create",
  "journey.resume",
  "mutation.succeeded",
  "mutation.failed",
  "mutation.retry",
  "poll.notModified",
  "poll.failed",
  "push.alive",
  "app.hidden",
  "app.visible",
  "network.offline",
  "network.online",
  "session.expired",
  "session.refreshed",
] as const satisfies readonly JourneyHostEvent["type"][];
