/** Why a webhook delivery was refused before its body was trusted. */
export type WebhookVerificationReason =
  | "MISSING_HEADER"
  | "BAD_EVENT_ID"
  | "BAD_TIMESTAMP"
  | "TOO_OLD"
  | "TOO_NEW"
  | "NO_MATCHING_SIGNATURE"
  | "BODY_NOT_RAW";

import { CreditJourneyError } from "../../contract/errors.js";

/** The headers a delivery is verified with [L6]. */
export type WebhookHeaderName = "x-al-event-id" | "x-al-webhook-timestamp" | "x-al-webhook-signature";

/**
 * A delivery that failed verification: answer it with a 4xx, never apply it.
 * `reason` says why; `header` names the header for `MISSING_HEADER` and `BAD_EVENT_ID`.
 */
export class WebhookVerificationError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "WebhookVerificationError" as const;
  /** Why the delivery was refused. */
  readonly reason: WebhookVerificationReason;
  /** The header at fault, for `MISSING_HEADER` and `BAD_EVENT_ID`. */
  readonly header: WebhookHeaderName | undefined;

  constructor(reason: WebhookVerificationReason, message: string, header?: WebhookHeaderName) {
    super(message);
    this.name = "WebhookVerificationError";
    this.reason = reason;
    this.header = header;
  }
}

/**
 * A signing secret that cannot be used: not a non-empty string, too many, or no secret at all.
 * A configuration fault of the receiver, not of the delivery: raised when the handler or verifier is created.
 */
export class WebhookSecretError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "WebhookSecretError" as const;
  /** Position of the bad secret in the list given, or -1 when the list itself is wrong. */
  readonly index: number;

  constructor(index: number, message: string) {
    super(message);
    this.name = "WebhookSecretError";
    this.index = index;
  }
}
