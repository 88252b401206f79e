import type { JourneySnapshot } from "../contract/index.js";
import type { Outcome } from "./response.js";

/** What a conditional `GET …/state` resolves to: a new snapshot with its ETag, or "not modified" (304, no body). */
export type JourneyStateResult =
  | { readonly kind: "snapshot"; readonly snapshot: JourneySnapshot; readonly etag: string | undefined }
  | { readonly kind: "notModified"; readonly etag: string };

/** Maps a transport outcome of `getJourneyState` to its public result; pure. */
export function toJourneyStateResult(outcome: Outcome<JourneySnapshot>): JourneyStateResult {
  return outcome.kind === "ok"
    ? { kind: "snapshot", snapshot: outcome.value, etag: outcome.etag }
    : { kind: "notModified", etag: outcome.etag };
}
