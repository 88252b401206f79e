import type { ContractIssue, Problem, ProblemCode } from "../contract/index.js";

const TITLES: Readonly<Record<ProblemCode, string>> = {
  UNAUTHENTICATED: "Unauthenticated",
  TOKEN_EXPIRED: "Token expired",
  REFRESH_TOKEN_REUSED: "Refresh token reused",
  SCOPE_FORBIDDEN: "Credential not allowed here",
  NOT_FOUND: "Not found",
  VALIDATION_FAILED: "Validation failed",
  INVALID_STATE: "Invalid state",
  OFFER_LOCKED: "Offer locked",
  OFFER_EXPIRED: "Offer expired",
  IDEMPOTENCY_KEY_REQUIRED: "Idempotency-Key required",
  IDEMPOTENCY_KEY_REUSED: "Idempotency-Key reused",
  IDEMPOTENCY_IN_PROGRESS: "Idempotency-Key in progress",
  RATE_LIMITED: "Rate limited",
  INTERNAL: "Internal error",
};

/** A platform error on its way to becoming an `application/problem+json` response. */
export class SandboxProblem extends Error {
  /** Discriminant for plain-data error handling. */
  readonly _tag = "SandboxProblem" as const;
  readonly status: number;
  readonly code: ProblemCode;
  readonly errors: readonly ContractIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: ProblemCode,
    detail: string,
    extra: { errors?: readonly ContractIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = "SandboxProblem";
    this.status = status;
    this.code = code;
    this.errors = extra.errors;
    this.headers = extra.headers ?? {};
  }

  /** The problem+json body, stamped with the request's correlation id. */
  toBody(correlationID: string): Problem {
    return {
      type: `https://docs.credit-journey.dev/problems/${this.code.toLowerCase().replaceAll("_", "-")}`,
      title: TITLES[this.code],
      status: this.status,
      code: this.code,
      detail: this.message,
      correlationID,
      ...(this.errors ? { errors: [...this.errors] } : {}),
    };
  }
}

/** A 404 NOT_FOUND for `what`. */
export function notFound(what: string): SandboxProblem {
  return new SandboxProblem(404, "NOT_FOUND", `${what} not found`);
}

/** A 409 INVALID_STATE explaining why. */
export function invalidState(detail: string): SandboxProblem {
  return new SandboxProblem(409, "INVALID_STATE", detail);
}

/** A 422 VALIDATION_FAILED naming every failing field. */
export function validationFailed(issues: readonly ContractIssue[]): SandboxProblem {
  const listed = issues.map((i) => `${i.path || "(body)"}: ${i.message}`).join("; ");
  return new SandboxProblem(422, "VALIDATION_FAILED", listed, { errors: issues });
}
