import { SandboxProblem } from "./problem.js";

/**
 * The deepest nesting of `[` and `{` in a JSON text, counted outside strings, stopping as soon as it passes `limit`
 * (so a hostile body costs one linear scan, never recursion). Pure, never throws.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Refuses a JSON body nested deeper than `maxDepth` before anything parses it.
 * @throws {SandboxProblem} 400 VALIDATION_FAILED naming the body (path `""`) when it is too deep.
 */
export function checkJsonDepth(text: string, maxDepth: number): void {
  if (jsonDepth(text, maxDepth) <= maxDepth) return;
  const message = `the body nests arrays/objects deeper than ${maxDepth} levels`;
  throw new SandboxProblem(400, "VALIDATION_FAILED", message, {
    fields: [{ path: "", message, code: "range" }],
  });
}
