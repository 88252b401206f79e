// Web APIs only: the contract runs in browsers and on the server alike.

/** Bounds of a free JSON value a partner sends (`CreateJourneyRequest.metadata`): not documented, modelled. */
export interface JsonValueLimits {
  /** The deepest nesting of objects and arrays (the value itself is level 1). */
  readonly maxDepth: number;
  /**
   * The most characters the value may take as JSON text, counted while walking, before any is written: strings by
   * their length, numbers as 24 (the longest a number is written), never fewer than the text has without escapes.
   */
  readonly maxChars: number;
}

/** The limits of `metadata` on journey creation (modelled, docs/contract.md): a one-line change if the platform says. */
export const METADATA_LIMITS: JsonValueLimits = { maxDepth: 16, maxChars: 32_768 };

/**
 * Whether `value` is JSON (plain objects, arrays, strings, finite numbers, booleans and `null`) within `limits`.
 * Walks without recursion, so no nesting overflows the stack, and stops at the first fault (a cycle is found as
 * nesting past `maxDepth`). `undefined` object properties are dropped, as `JSON.stringify` drops them. Never throws.
 */
export function isBoundedJson(value: unknown, limits: JsonValueLimits): boolean {
  try {
    return walksBounded(value, limits);
  } catch {
    // A getter or a proxy that throws is no JSON value.
    return false;
  }
}

function walksBounded(value: unknown, limits: JsonValueLimits): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  let chars = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item === "string") chars += item.length + 2;
    else if (typeof item === "number" && Number.isFinite(item)) chars += 24;
    else if (item === null || typeof item === "boolean") chars += 5;
    else if (typeof item !== "object" || depth > limits.maxDepth) return false;
    else if (Array.isArray(item)) {
      chars += 2 + item.length;
      for (const element of item) {
        if (element === undefined || chars > limits.maxChars) return false;
        pending.push([element, depth + 1]);
      }
    } else {
      const proto = Object.getPrototypeOf(item);
      if (proto !== Object.prototype && proto !== null) return false;
      chars += 2;
      for (const [key, property] of Object.entries(item)) {
        if (property === undefined) continue;
        chars += key.length + 4;
        if (chars > limits.maxChars) return false;
        pending.push([property, depth + 1]);
      }
    }
    if (chars > limits.maxChars) return false;
  }
  return true;
}
