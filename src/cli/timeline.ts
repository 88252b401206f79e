import { isEnded, type JourneyStatus, LIFECYCLE, lifecycleIndex } from "../contract/index.js";

/** What delivered a state change to the borrower's runtime. */
export type DeliverySource = "poll" | "webhook" | "push" | "response";

/** One row of the demo's live timeline: a state entered, when, and how the news arrived. */
export interface TimelineEntry {
  readonly elapsedMs: number;
  readonly status: JourneyStatus;
  readonly source: DeliverySource;
  readonly nextAction?: string;
  /** The platform's time of the state (`asOf`, epoch ms). */
  readonly asOf?: number;
}

/** A text progress bar over the 13 lifecycle states; an end shows as full or marked. */
export function progressBar(status: JourneyStatus, width = 13): string {
  if (isEnded(status)) return `[${(status === "CLOSED" ? "#" : "x").repeat(width)}]`;
  const done = Math.round(((lifecycleIndex(status) + 1) / LIFECYCLE.length) * width);
  return `[${"#".repeat(done)}${".".repeat(width - done)}]`;
}

/** Formats milliseconds as `12.3s`. */
export function formatElapsed(ms: number): string {
  return `${(ms / 1000).toFixed(1).padStart(5)}s`;
}

/** Renders one timeline row for a terminal. */
export function formatTimelineEntry(entry: TimelineEntry): string {
  const next = entry.nextAction ? `next: ${entry.nextAction}` : "";
  return `${formatElapsed(entry.elapsedMs)}  ${progressBar(entry.status)}  ${entry.status.padEnd(22)} via ${entry.source.padEnd(8)} ${next}`.trimEnd();
}
