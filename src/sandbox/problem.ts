import {
  type DocumentedErrorCode,
  type ModelledErrorCode,
  SANDBOX_GUARD_CODES,
  type SandboxGuardCode,
} from "../contract/error-codes.js";
import { CreditJourneyError } from "../contract/errors.js";
import type { ContractIssue, ErrorBody, FieldIssue, PlatformErrorCode } from "../contract/index.js";

/** Every code the sandbox answers with: each one listed in src/contract/error-codes.ts. */
export type SandboxErrorCode = DocumentedErrorCode | ModelledErrorCode | SandboxGuardCode;

/** The envelope fields the sandbox stamps on every answer, success or error. */
export interface AnswerMeta {
  readonly requestID: string;
  readonly correlationID: string;
  readonly timestamp: string;
}

/**
 * A platform error on its way to becoming an answer: `{ requestID, correlationID, timestamp, data: null,
 * error: { code, message, fields? } }` [L3], sent as `application/json`.
 */
export class SandboxProblem extends CreditJourneyError {
  /** Discriminant for plain-data error handling. */
  readonly _tag = "SandboxProblem" as const;
  readonly status: number;
  readonly code: PlatformErrorCode;
  readonly fields: readonly FieldIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: SandboxErrorCode,
    message: string,
    extra: { fields?: readonly FieldIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "SandboxProblem";
    this.status = status;
    this.code = code;
    this.fields = extra.fields;
    this.headers = extra.headers ?? {};
  }

  /** The error answer's body, in the platform's envelope. */
  toBody(meta: AnswerMeta): ErrorBody & AnswerMeta & { data: null } {
    return {
      ...meta,
      data: null,
      error: { code: this.code, message: this.message, ...(this.fields ? { fields: [...this.fields] } : {}) },
    };
  }
}

/** A 404 NOT_FOUND for `what` (modelled code). */
export function notFound(what: string): SandboxProblem {
  return new SandboxProblem(404, "NOT_FOUND", `${what} not found`);
}

/** A 409 INVALID_STATE explaining why (modelled code). */
export function invalidState(detail: string): SandboxProblem {
  return new SandboxProblem(409, "INVALID_STATE", detail);
}

/** The kind of failure a validator message describes, for a field issue's `code`. */
function issueCode(message: string): string {
  if (/required|expected .*, received undefined/i.test(message)) return "required";
  if (/too (small|big)|minimum|maximum|>=|<=|at least|at most/i.test(message)) return "range";
  if (/invalid (option|enum)|expected one of|must be one of/i.test(message)) return "enum";
  if (/must look like|must match|pattern|regex|invalid string|must be/i.test(message)) return "pattern";
  return "format";
}

/** A 400 VALIDATION_FAILED [L7] naming every failing field, each with a kind of failure. */
export function validationFailed(issues: readonly ContractIssue[]): SandboxProblem {
  const listed = issues.map((i) => `${i.path || "(body)"}: ${i.message}`).join("; ");
  return new SandboxProblem(400, "VALIDATION_FAILED", listed, {
    fields: issues.map((i) => ({ path: i.path, message: i.message, code: issueCode(i.message) })),
  });
}

/** A refusal by one of the sandbox's transport guards, at the status `SANDBOX_GUARD_CODES` lists for its code. */
export function guardProblem(code: SandboxGuardCode, message: string): SandboxProblem {
  return new SandboxProblem(SANDBOX_GUARD_CODES[code], code, message);
}
