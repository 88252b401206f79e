/** Why {@link JourneyWaitError} was raised. */
export type JourneyWaitReason = "STOPPED" | "ENDED" | "ABORTED";

import { CreditJourneyError } from "../contract/errors.js";

/** A `waitFor` that can no longer be satisfied: the runtime stopped, the journey ended, or the wait was aborted. */
export class JourneyWaitError extends CreditJourneyError {
  readonly _tag = "JourneyWaitError" as const;
  readonly reason: JourneyWaitReason;

  constructor(reason: JourneyWaitReason, message: string) {
    super(message);
    this.name = "JourneyWaitError";
    this.reason = reason;
  }
}

/** A `createJourney` option that is missing or malformed; `field` names it. */
export class RuntimeConfigError extends CreditJourneyError {
  readonly _tag = "RuntimeConfigError" as const;
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "RuntimeConfigError";
    this.field = field;
  }
}

/** A runtime used out of order: `send` before `start` or after `stop`. */
export class RuntimeStateError extends CreditJourneyError {
  readonly _tag = "RuntimeStateError" as const;

  constructor(message: string) {
    super(message);
    this.name = "RuntimeStateError";
  }
}
