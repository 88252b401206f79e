import * as z from "zod/mini";

/**
 * The envelope of every headless answer: `{ requestID, correlationID, timestamp, data, error }` [L3] [L4]. The
 * Hybrid surface spells the ids `request_id` / `correlation_id` [C15]: both spellings are read (modelled: the
 * headless docs show only the camelCase form), neither is required, so a missing id never fails a parse.
 */
export const Envelope = z.object({
  requestID: z.optional(z.nullable(z.string())),
  request_id: z.optional(z.nullable(z.string())),
  correlationID: z.optional(z.nullable(z.string())),
  correlation_id: z.optional(z.nullable(z.string())),
  timestamp: z.optional(z.nullable(z.string())),
  data: z.optional(z.unknown()),
  error: z.optional(z.unknown()),
});
/** The envelope of every headless answer, before `data` is parsed. */
export type Envelope = z.infer<typeof Envelope>;

/** What an answer says about itself: quote `requestID` and `correlationID` in a support ticket. */
export interface ResponseMeta {
  /** The platform's id of this request (`requestID`, or `request_id`). */
  readonly requestID: string | undefined;
  /** The correlation id the platform filed the call under (echo of `X-Correlation-ID`, or its own). */
  readonly correlationID: string | undefined;
  /** The server's time of the answer, ISO-8601 (`timestamp`): the order key of a state it carries. */
  readonly timestamp: string | undefined;
}

/** The meta fields of an envelope, either casing; never throws. */
export function envelopeMeta(envelope: Envelope): ResponseMeta {
  return {
    requestID: envelope.requestID ?? envelope.request_id ?? undefined,
    correlationID: envelope.correlationID ?? envelope.correlation_id ?? undefined,
    timestamp: envelope.timestamp ?? undefined,
  };
}
