import * as Effect from "effect/Effect";
import type * as z from "zod/mini";
import {
  ENDPOINTS,
  type EndpointName,
  Envelope,
  envelopeMeta,
  type FieldIssue,
  type ResponseMeta,
  readableState,
  safeParse,
  stampSnapshot,
  withOfferIDs,
} from "../contract/index.js";
import { MAX_RESPONSE_BYTES } from "./body.js";
import { ApiError, type ApiErrorCode, clientError } from "./errors.js";
import type { RequestSpec } from "./request.js";
import { parseRetryAfter } from "./retry-policy.js";

/** The parsed success payload of an endpoint. */
export type EndpointOutput<Name extends EndpointName> = z.output<
  (typeof ENDPOINTS)[Name]["response"]["schema"]
>;

/** What a call yields: the parsed `data` with the answer's meta and ETag, or `notModified` after a 304. */
export type Outcome<A> =
  | { readonly kind: "ok"; readonly value: A; readonly meta: ResponseMeta; readonly etag: string | undefined }
  | { readonly kind: "notModified"; readonly etag: string };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The field errors of an error answer, read in either shape (modelled, docs/contract.md): a list of
 * `{ path (or field), message, code? }`, or a map of path to message. What is neither is left out.
 */
function fieldIssues(raw: unknown): FieldIssue[] {
  const items: unknown[] = Array.isArray(raw)
    ? raw
    : typeof raw === "object" && raw !== null
      ? Object.entries(raw).map(([path, message]) => ({ path, message }))
      : [];
  return items.flatMap((item) => {
    const {
      path = (item as { field?: unknown })?.field,
      message,
      code,
    } = (item ?? {}) as Record<string, unknown>;
    return typeof path === "string" && typeof message === "string"
      ? [{ path, message, ...(typeof code === "string" ? { code } : {}) }]
      : [];
  });
}

/**
 * Reads an error answer `{ error: { code, message, fields? } }`, enveloped or not [L3], into an ApiError; a body
 * without one gives HTTP_ERROR. The code is kept as the platform sent it (an open set).
 */
function errorAnswer(response: Response, text: string, endpoint: string, sentCorrelationID: string) {
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
  const json = parseJson(text);
  const envelope = safeParse(Envelope, json, "Envelope");
  const meta = envelope.ok ? envelopeMeta(envelope.value) : undefined;
  const error = (json as { error?: Record<string, unknown> } | null)?.error;
  // The documented part [L3] is the code: read whenever it is a string, whatever else the body holds (a message
  // that is null, field errors in another shape), so it is never lost to a difference in what is modelled.
  const code: ApiErrorCode = typeof error?.code === "string" ? error.code : "HTTP_ERROR";
  const message = typeof error?.message === "string" && error.message ? `: ${error.message}` : "";
  const status = response.status;
  return new ApiError({
    code,
    status,
    correlationID: meta?.correlationID ?? response.headers.get("x-correlation-id") ?? sentCorrelationID,
    requestID: meta?.requestID,
    errors: fieldIssues(error?.fields),
    retryAfterMs,
    endpoint,
    message:
      code === "HTTP_ERROR" && typeof error?.code !== "string"
        ? `${endpoint}: HTTP ${status} without an error body`
        : `${endpoint}: ${status} ${code}${message}`,
  });
}

/**
 * Turns one HTTP answer into an outcome: the envelope's `data` parsed with the endpoint's schema (unknown keys
 * stripped), `notModified`, or a typed failure.
 */
export function classifyResponse<Name extends EndpointName>(
  response: Response,
  text: string | undefined,
  spec: RequestSpec<Name>,
  correlationID: string,
): Effect.Effect<Outcome<EndpointOutput<Name>>, ApiError> {
  const name = spec.endpoint;
  if (text === undefined)
    return Effect.fail(
      // No status on the error: an oversized answer is a CONTRACT failure whatever its status (not retried).
      clientError("CONTRACT", `${name}: the ${response.status} body is over ${MAX_RESPONSE_BYTES} bytes`, {
        endpoint: name,
        correlationID,
      }),
    );
  const etag = response.headers.get("etag") ?? undefined;
  if (response.status === 304 && spec.etag !== undefined)
    return Effect.succeed({ kind: "notModified", etag: etag ?? spec.etag });
  if (response.status < 200 || response.status > 299)
    return Effect.fail(errorAnswer(response, text, name, correlationID));
  const facts = { endpoint: name, correlationID, status: response.status };
  const json = parseJson(text);
  if (json === undefined)
    return Effect.fail(clientError("CONTRACT", `${name}: the ${response.status} body is not JSON`, facts));
  const endpoint: (typeof ENDPOINTS)[EndpointName] = ENDPOINTS[name];
  const envelope = safeParse(Envelope, json, "Envelope");
  const isEnvelope = envelope.ok && typeof json === "object" && json !== null && "data" in json;
  // Tolerated, for the endpoints whose answer the docs do not say is enveloped (the webhook subscription's): a
  // JSON object without `data` is read as the bare payload, with no requestID or timestamp of its own.
  if (!isEnvelope && "bareAnswer" in endpoint && typeof json === "object" && json !== null) {
    const bare = safeParse(endpoint.response.schema, json, name);
    if (!bare.ok)
      return Effect.fail(
        clientError("CONTRACT", bare.error.message, { ...facts, errors: bare.error.issues }, bare.error),
      );
    const meta: ResponseMeta = {
      requestID: undefined,
      correlationID: response.headers.get("x-correlation-id") ?? undefined,
      timestamp: undefined,
    };
    return Effect.succeed({ kind: "ok", value: bare.value as EndpointOutput<Name>, meta, etag });
  }
  if (!envelope.ok || !isEnvelope)
    return Effect.fail(
      clientError("CONTRACT", `${name}: the ${response.status} body is not the platform's envelope`, facts),
    );
  // A 2xx that still carries an error (documented as null on success [L3]): the error is the answer, its code kept.
  if ((json as { error?: unknown }).error != null)
    return Effect.fail(errorAnswer(response, text, name, correlationID));
  const meta = envelopeMeta(envelope.value);
  // A contract breach keeps the answer's own support ids: what a ticket to the platform needs.
  const ids = {
    ...facts,
    requestID: meta.requestID,
    correlationID: meta.correlationID ?? response.headers.get("x-correlation-id") ?? correlationID,
  };
  const answer = endpoint.response;
  const asked = spec.params?.journeyID;
  // A state of another journey than the one asked for is never taken for it (it would be stored under its id).
  if ("wire" in answer && asked !== undefined && namesOtherJourney(envelope.value.data, asked))
    return Effect.fail(
      clientError("CONTRACT", `${name}: the answer's state names another journey than ${asked}`, {
        ...ids,
        errors: [{ path: "journeyID", message: "must be the journey asked for" }],
      }),
    );
  const sent = withOfferIDs(envelope.value.data);
  const data =
    "wire" in answer
      ? stampSnapshot(sent, asked ?? "", meta.timestamp)
      : "listsStates" in answer
        ? statesListed(sent)
        : sent;
  if (data === undefined)
    return Effect.fail(
      clientError(
        "CONTRACT",
        `${name}: the answer's timestamp is not an ISO-8601 time, so the state it carries cannot be ordered`,
        { ...ids, errors: [{ path: "timestamp", message: "must be an ISO-8601 time" }] },
      ),
    );
  const parsed = safeParse(answer.schema, data, name);
  if (!parsed.ok)
    return Effect.fail(
      clientError("CONTRACT", parsed.error.message, { ...ids, errors: parsed.error.issues }, parsed.error),
    );
  return Effect.succeed({ kind: "ok", value: parsed.value as EndpointOutput<Name>, meta, etag });
}

/** Whether a state's `data` names a journey (a string `journeyID`) other than `journeyID`. */
function namesOtherJourney(data: unknown, journeyID: string): boolean {
  if (typeof data !== "object" || data === null) return false;
  const named = (data as { journeyID?: unknown }).journeyID;
  return typeof named === "string" && named !== journeyID;
}

/** A listing's `data` with each state read as a state's is (`readableState`); anything else as it is. */
function statesListed(data: unknown): unknown {
  const journeys = (data as { journeys?: unknown } | null)?.journeys;
  return Array.isArray(journeys) ? { ...(data as object), journeys: journeys.map(readableState) } : data;
}
