// Internal (not re-exported by the contract's index): the reducer and the snapshot helpers share it.

/** Deep equality of two JSON values, `undefined` members ignored; `skip` names a top-level key left out. */
export function sameJson(a: unknown, b: unknown, skip?: string): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || !a || !b || Array.isArray(a) !== Array.isArray(b))
    return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let count = 0;
  for (const key in left) {
    if (key === skip || left[key] === undefined) continue;
    // An own `__proto__` (JSON.parse makes one) is compared with the other side's own, never with its prototype.
    const other = key === "__proto__" && !Object.hasOwn(right, key) ? undefined : right[key];
    if (!sameJson(left[key], other)) return false;
    count++;
  }
  for (const key in right) if (key !== skip && right[key] !== undefined) count--;
  return count === 0;
}
