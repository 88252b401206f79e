import * as z from "zod/mini";
import type { ParseResult } from "../contract/parse.js";
import { sameJson } from "../contract/same-json.js";
import { safeParseSnapshot } from "../contract/schemas.js";
import { JourneySnapshot } from "../contract/snapshot.js";

const FIELDS = Object.entries(JourneySnapshot.shape) as [string, z.ZodMiniType][];

/**
 * Parses an untrusted snapshot exactly as `safeParseSnapshot` does, validating only the fields that differ from
 * `held`, a snapshot the reducer validated before: a field equal to the held one is the held one's value, already
 * checked (the schema's fields are checked one by one, none depends on another). A newer snapshot mostly repeats
 * what it replaces, so this costs the changed fields only. Any failure is re-parsed whole, for the same error.
 * Proven equal to `safeParseSnapshot` by test/property/fast-path.property.test.ts. Never throws.
 */
export function parseSnapshotAgainst(
  input: unknown,
  held: JourneySnapshot | null,
): ParseResult<JourneySnapshot> {
  if (held === null || typeof input !== "object" || input === null || Array.isArray(input))
    return safeParseSnapshot(input);
  try {
    const raw = input as Record<string, unknown>;
    const known = held as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, schema] of FIELDS) {
      const value = raw[key];
      const present = value !== undefined || key in raw;
      // Absent here and in the held snapshot: the field is optional (the held one passed without it).
      if (!present && known[key] === undefined) continue;
      if (present && sameJson(value, known[key])) {
        out[key] = known[key];
        continue;
      }
      const field = z.safeParse(schema, value);
      if (!field.success) return safeParseSnapshot(input);
      if (present) out[key] = field.data;
    }
    return { ok: true, value: out as JourneySnapshot };
  } catch {
    return safeParseSnapshot(input);
  }
}
