import * as Effect from "effect/Effect";
import * as z from "zod/mini";
import {
  BASE_PATH,
  ENDPOINTS,
  type EndpointName,
  endpointPath,
  MAX_OPAQUE_ID_LENGTH,
  safeParse,
} from "../contract/index.js";
import { type ApiError, clientError, type FieldError } from "./errors.js";
import { fieldErrorsOf } from "./field-codes.js";

/** One request to an endpoint of {@link ENDPOINTS}. */
export interface RequestSpec<Name extends EndpointName> {
  readonly endpoint: Name;
  readonly params?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Sent as `If-None-Match`; a 304 then yields `notModified`. */
  readonly etag?: string;
}

/** A request checked against the contract: the concrete path and the JSON body to send, if any. */
export interface PreparedRequest {
  /**
   * The concrete path as observers see it: below the base path for a headless endpoint (`/journeys/…`), the whole
   * path for one outside it (`/api/tenants/…/webhooks/subscribe`).
   */
  readonly path: string;
  /** The concrete path below the platform's root (base path included). */
  readonly fullPath: string;
  readonly body: string | undefined;
}

/** Fills `{name}` placeholders with URI-encoded params (opaque ids, 1–128 characters); fails naming each bad one. */
function buildPath(
  template: string,
  params: Readonly<Record<string, string>>,
  endpoint: string,
): Effect.Effect<string, ApiError> {
  const missing: FieldError[] = [];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    // `.` and `..` survive encoding, and a URL resolves them as segments: the call would reach another path.
    if (
      typeof value !== "string" ||
      value.length === 0 ||
      value.length > MAX_OPAQUE_ID_LENGTH ||
      value === "." ||
      value === ".."
    ) {
      missing.push({
        path: name,
        message: `must be a non-empty string of at most ${MAX_OPAQUE_ID_LENGTH} characters, not . or ..`,
      });
      return "";
    }
    return encodeURIComponent(value);
  });
  if (missing.length === 0) return Effect.succeed(path);
  return Effect.fail(
    clientError("INVALID_REQUEST", `${endpoint}: ${missing.map((m) => m.path).join(", ")} missing`, {
      endpoint,
      errors: missing,
    }),
  );
}

/**
 * Checks a request against the contract before anything is sent: path ids present, body valid (unknown keys
 * stripped). Fails with INVALID_REQUEST naming every bad field.
 */
export function prepareRequest<Name extends EndpointName>(
  spec: RequestSpec<Name>,
): Effect.Effect<PreparedRequest, ApiError> {
  const endpoint: (typeof ENDPOINTS)[EndpointName] = ENDPOINTS[spec.endpoint];
  const name = spec.endpoint;
  return buildPath(endpointPath(endpoint), spec.params ?? {}, name).pipe(
    Effect.flatMap((fullPath): Effect.Effect<PreparedRequest, ApiError> => {
      const path = "base" in endpoint ? fullPath : fullPath.slice(BASE_PATH.length);
      if (!("request" in endpoint)) return Effect.succeed({ path, fullPath, body: undefined });
      const body = spec.body === undefined ? {} : spec.body;
      const checked = safeParse(endpoint.request, body, name);
      if (!checked.ok) {
        // The issues again, with their kind (`required`, `pattern`, `format`, `range`, `enum`) for the UI's words.
        const raw = z.safeParse(endpoint.request, body);
        return Effect.fail(
          clientError("INVALID_REQUEST", checked.error.message, {
            endpoint: name,
            errors: raw.success ? checked.error.issues : fieldErrorsOf(raw.error.issues),
          }),
        );
      }
      return Effect.succeed({ path, fullPath, body: JSON.stringify(checked.value) });
    }),
  );
}
