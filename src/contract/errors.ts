/** One failing field of a parse: a dotted path (`actionRequired.stepID`, `offers.0.emi.amount`) and what was wrong. */
export interface ContractIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The base of every error the SDK throws or rejects with: `instanceof CreditJourneyError` tells the SDK's own
 * errors from any other, and `_tag` (the class's name) is the one discriminant to switch on, also across a JSON
 * boundary. The one exception is `RawBodyLimitError`, kept a `RangeError` (an option out of range) with its `_tag`.
 */
export abstract class CreditJourneyError extends Error {
  /** The error's class name: the one discriminant. */
  abstract readonly _tag: string;
}

/**
 * Raised when a payload does not match the wire contract.
 * `issues` names every failing path; `schema` names the payload that was being parsed.
 */
export class ContractError extends CreditJourneyError {
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
