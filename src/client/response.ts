import * as Effect from "effect/Effect";
import type * as z from "zod/mini";
import { ENDPOINTS, type EndpointName, Problem, safeParse } from "../contract/index.js";
import { ApiError, type ApiErrorCode, clientError } from "./errors.js";
import type { RequestSpec } from "./request.js";
import { isTransient, parseRetryAfter } from "./retry-policy.js";

/** The parsed success payload of an endpoint. */
export type EndpointOutput<Name extends EndpointName> = z.output<
  (typeof ENDPOINTS)[Name]["response"]["schema"]
>;

/** What a call yields: the parsed payload with the response's ETag, or `notModified` after a 304. */
export type Outcome<A> =
  | { readonly kind: "ok"; readonly value: A; readonly etag: string | undefined }
  | { readonly kind: "notModified"; readonly etag: string };

/** Parses a problem body into an ApiError; a body that is not a problem gives HTTP_ERROR. */
function problemError(response: Response, text: string, endpoint: string, sentCorrelationID: string) {
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
  const headerCorrelationID = response.headers.get("x-correlation-id") ?? sentCorrelationID;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = safeParse(Problem, json, "Problem");
  const code: ApiErrorCode = parsed.ok ? parsed.value.code : "HTTP_ERROR";
  const status = response.status;
  return new ApiError({
    code,
    status,
    retryable: isTransient({ code, status }),
    correlationID: parsed.ok ? parsed.value.correlationID : headerCorrelationID,
    errors: parsed.ok ? (parsed.value.errors ?? []) : [],
    retryAfterMs,
    endpoint,
    message: parsed.ok
      ? `${endpoint}: ${status} ${code}: ${parsed.value.detail ?? parsed.value.title}`
      : `${endpoint}: HTTP ${status} without a problem body`,
  });
}

/** Turns one HTTP answer into an outcome: a parsed payload, `notModified`, or a typed failure. */
export function classifyResponse<Name extends EndpointName>(
  response: Response,
  text: string,
  spec: RequestSpec<Name>,
  correlationID: string,
): Effect.Effect<Outcome<EndpointOutput<Name>>, ApiError> {
  const name = spec.endpoint;
  const etag = response.headers.get("etag") ?? undefined;
  if (response.status === 304 && spec.etag !== undefined)
    return Effect.succeed({ kind: "notModified", etag: etag ?? spec.etag });
  if (response.status < 200 || response.status > 299)
    return Effect.fail(problemError(response, text, name, correlationID));
  const facts = { endpoint: name, correlationID, status: response.status };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return Effect.fail(
      clientError("CONTRACT", `${name}: the ${response.status} body is not JSON`, facts, cause),
    );
  }
  const parsed = safeParse(ENDPOINTS[name].response.schema, json, name);
  if (!parsed.ok)
    return Effect.fail(
      clientError("CONTRACT", parsed.error.message, { ...facts, errors: parsed.error.issues }, parsed.error),
    );
  return Effect.succeed({ kind: "ok", value: parsed.value as EndpointOutput<Name>, etag });
}
