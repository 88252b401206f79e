/** Why a webhook delivery was refused before its body was trusted. */
export type WebhookVerificationReason =
  | "MISSING_HEADER"
  | "BAD_TIMESTAMP"
  | "TOO_OLD"
  | "TOO_NEW"
  | "NO_MATCHING_SIGNATURE"
  | "BODY_NOT_RAW";

/** The three Standard Webhooks headers. */
export type WebhookHeaderName = "webhook-id" | "webhook-timestamp" | "webhook-signature";

/**
 * A delivery that failed verification: answer it with a 4xx, never apply it.
 * `reason` says why; `header` names the missing header for `MISSING_HEADER`.
 */
export class WebhookVerificationError extends Error {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "WebhookVerificationError" as const;
  /** Why the delivery was refused. */
  readonly reason: WebhookVerificationReason;
  /** The missing header, for `MISSING_HEADER`. */
  readonly header: WebhookHeaderName | undefined;

  constructor(reason: WebhookVerificationReason, message: string, header?: WebhookHeaderName) {
    super(message);
    this.name = "WebhookVerificationError";
    this.reason = reason;
    this.header = header;
  }
}

/**
 * A signing secret that cannot be used: not `whsec_<base64>`, empty, or no secret at all.
 * A configuration fault of the receiver, not of the delivery: answer 5xx so the platform retries.
 */
export class WebhookSecretError extends Error {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "WebhookSecretError" as const;
  /** Position of the bad secret in the list given, or -1 when the list itself is empty. */
  readonly index: number;

  constructor(index: number, message: string) {
    super(message);
    this.name = "WebhookSecretError";
    this.index = index;
  }
}
