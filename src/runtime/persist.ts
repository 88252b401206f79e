import type { JourneyState } from "../../machines/journey/journey.connect.js";
import { ContractError, type ContractIssue } from "../contract/errors.js";
import { safeParseSnapshot } from "../contract/schemas.js";
import { migrateState, STATE_VERSION, type VersionedState } from "../journey/state-version.js";

/**
 * What `persist()` returns and `initial` accepts to carry a journey on after a restart: the machine's state as
 * plain JSON, the very state `journey.reduce` works on (so a state stored by a backend restores here too), stamped
 * with the version of its shape (`version`; an older one is migrated, see `migrateState`).
 */
export type PersistedJourney = VersionedState;

/** True when `value` looks like a persisted journey state (`{ value, context }`), not a bare snapshot. */
export function isPersistedJourney(value: unknown): value is PersistedJourney {
  return typeof value === "object" && value !== null && "value" in value && "context" in value;
}

/**
 * A persisted state, checked, as this version's reducer state (an older version migrated).
 * @throws {ContractError} (`PersistedJourney`) naming every failing path: the state value's regions, the
 *   journey id (it must be `journeyID`), the polling record, the held order key `asOf`, the held snapshot, and a
 *   `version` this SDK does not read.
 */
export function restoredState(state: PersistedJourney, journeyID: string): JourneyState {
  const issues: ContractIssue[] = [];
  const value = state.value as unknown as Record<string, unknown> | null;
  if (typeof value !== "object" || value === null)
    issues.push({ path: "value", message: "must be an object" });
  else
    for (const region of ["lifecycle", "mutation", "sync"])
      if (value[region] === undefined) issues.push({ path: `value.${region}`, message: "is required" });
  const context = state.context as unknown as Record<string, unknown> | null;
  if (typeof context !== "object" || context === null) {
    issues.push({ path: "context", message: "must be an object" });
  } else {
    if (context.journeyID !== journeyID)
      issues.push({ path: "context.journeyID", message: `must be ${journeyID}` });
    if (typeof context.polling !== "object" || context.polling === null)
      issues.push({ path: "context.polling", message: "must be an object" });
    // The order key (docs/architecture.md, Ordering); a first-release state has none and is never misread.
    if (typeof context.asOf !== "number" || !Number.isSafeInteger(context.asOf) || context.asOf < 0)
      issues.push({ path: "context.asOf", message: "must be the held order key (epoch ms)" });
    if (context.snapshot !== null) {
      const parsed = safeParseSnapshot(context.snapshot);
      if (!parsed.ok)
        for (const issue of parsed.error.issues)
          issues.push({
            path: issue.path ? `context.snapshot.${issue.path}` : "context.snapshot",
            message: issue.message,
          });
    }
  }
  const restored = issues.length === 0 ? migrateState(state) : null;
  if (issues.length === 0 && restored === null)
    issues.push({
      path: "version",
      message: `must be a state version this SDK reads (1 to ${STATE_VERSION})`,
    });
  if (restored === null) throw new ContractError("PersistedJourney", issues);
  return restored;
}
