import type * as z from "zod/mini";
import { formatPath } from "../contract/index.js";
import type { FieldError } from "./errors.js";

/** A validator issue's kind as a field error code a UI can word: `required`, `pattern`, `format`, `range`, `enum`. */
function codeOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "required" : "format";
    case "invalid_format":
      return issue.format === "regex" ? "pattern" : "format";
    case "too_small":
      // An empty string where one is needed reads as a missing value, not as a length.
      return issue.origin === "string" && issue.minimum === 1 ? "required" : "range";
    case "too_big":
      return "range";
    case "invalid_value":
      return "enum";
    default:
      return "format";
  }
}

/** The validator's issues as field errors with a path, the message, and a {@link codeOf code}. */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
    code: codeOf(issue),
  }));
}
