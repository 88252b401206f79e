/** One failing field of a parse: a dotted path (`actionRequired.stepID`, `offers.0.emi.amount`) and what was wrong. */
export interface ContractIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Raised when a payload does not match the wire contract.
 * `issues` names every failing path; `schema` names the payload that was being parsed.
 */
export class ContractError extends Error {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "ContractError" as const;
  /** The payload that was being parsed, e.g. `JourneySnapshot`. */
  readonly schema: string;
  /** Every failing path, in the order the validator met them. */
  readonly issues: readonly ContractIssue[];

  constructor(schema: string, issues: readonly ContractIssue[]) {
    const listed = issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ");
    super(`Invalid ${schema}: ${listed}`);
    this.name = "ContractError";
    this.schema = schema;
    this.issues = issues;
  }
}

/** Formats a validator path (`["offers", 0, "emi"]`) as a dotted string (`offers.0.emi`). */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(".");
}
