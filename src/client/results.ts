import type { JourneySnapshot, ResponseMeta } from "../contract/index.js";
import type { Outcome } from "./response.js";

/**
 * What a conditional `GET …/state` resolves to: a new snapshot with the answer's meta (its `timestamp` orders it
 * against other updates) and ETag, or "not modified" (304, no body: a sandbox extension, see docs/contract.md).
 */
export type JourneyStateResult =
  | {
      readonly kind: "snapshot";
      readonly snapshot: JourneySnapshot;
      readonly meta?: ResponseMeta;
      readonly etag: string | undefined;
    }
  | { readonly kind: "notModified"; readonly etag: string };

/** Maps a transport outcome of `getJourneyState` to its public result; pure. */
export function toJourneyStateResult(outcome: Outcome<JourneySnapshot>): JourneyStateResult {
  return outcome.kind === "ok"
    ? { kind: "snapshot", snapshot: outcome.value, meta: outcome.meta, etag: outcome.etag }
    : { kind: "notModified", etag: outcome.etag };
}
