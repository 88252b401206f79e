import * as z from "zod/mini";
import {
  ENDPOINT_DOCS,
  type EndpointDocs,
  type EndpointErrorCode,
  type PlatformDocTag,
} from "./endpoint-docs.js";
import { ENDPOINT_SUMMARIES } from "./endpoint-summaries.js";
import { ENDPOINTS, type Endpoint, type EndpointName, endpointPath, isMutatingMethod } from "./endpoints.js";
import { DOCUMENTED_ERROR_CODES, ErrorBody, MODELLED_ERROR_CODES } from "./error-body.js";
import { CalendarDate, Timestamp } from "./primitives.js";
import { CONTRACT_SCHEMAS } from "./schemas.js";

type JsonObject = Record<string, unknown>;

/** The public page behind each PLATFORM.md tag the document cites (PLATFORM.md §1; `S` is the page of `L5`). */
const PLATFORM_DOC_PAGES: Readonly<Partial<Record<PlatformDocTag, string>>> = {
  L2: "https://docs.aarthiklabs.com/docs/api-experience",
  L3: "https://docs.aarthiklabs.com/docs/api-client-integration",
  L4: "https://docs.aarthiklabs.com/docs/api-backend-integration",
  L5: "https://docs.aarthiklabs.com/docs/api-integration-overview",
  L6: "https://docs.aarthiklabs.com/docs/api-webhooks",
  L7: "https://docs.aarthiklabs.com/docs/api-troubleshooting",
  L8: "https://docs.aarthiklabs.com/docs/api-faq",
  C1: "https://docs.credit.aarthiklabs.com/documentation/web-hooks",
  C4: "https://docs.credit.aarthiklabs.com/documentation/hosted-experience/back-end-integrations",
  C9: "https://docs.credit.aarthiklabs.com/documentation/hybrid-experience/integrations-guide/overview",
  C13: "https://docs.credit.aarthiklabs.com/api-reference/web-hooks/subscribe-application-web-hooks",
  C14: "https://docs.credit.aarthiklabs.com/api-reference/web-hooks/unsubscribe-application-web-hooks",
  C15: "https://docs.credit.aarthiklabs.com/api-reference/hybrid-experience/start-or-resume-hybrid-personal-loan-journey",
  S: "https://docs.aarthiklabs.com/docs/api-integration-overview",
};

/**
 * The component schemas PLATFORM.md documents, with its tags and the (dotted) fields it does not cover. Every
 * other schema of `CONTRACT_SCHEMAS` is modelled as a whole.
 */
const DOCUMENTED_SCHEMAS: Readonly<
  Record<string, { readonly docs: readonly PlatformDocTag[]; readonly modelled?: readonly string[] }>
> = {
  JourneyStatus: { docs: ["S", "L5"] },
  NextAction: { docs: ["L3", "L4"] },
  Session: { docs: ["L4"] },
  JourneySummary: { docs: ["L3", "L4"] },
  CreateSessionRequest: { docs: ["L4"], modelled: ["returnUrl"] },
  CreateSessionResponse: { docs: ["L4"] },
  CreateJourneyRequest: { docs: ["L3"] },
  ErrorBody: { docs: ["L3", "L7"], modelled: ["error.fields"] },
  Profile: { docs: ["L3", "L8", "C4"], modelled: ["bankingInformation"] },
  WebhookBody: { docs: ["L6", "C1"], modelled: ["borrower.journey"] },
  WebhookSubscribeRequest: { docs: ["C13"] },
  WebhookConfiguration: { docs: ["C13", "C14", "C1"] },
  JourneyStateData: {
    docs: ["L2", "L3", "L7", "S"],
    modelled: [
      "journeyID",
      "actionRequired",
      "resource",
      "diagnostics",
      "pendingOperations",
      "lockedOfferID",
      "offerCount",
      "updatedAt",
      "expiresAt",
    ],
  },
};

const STATUS_OF: Readonly<Record<EndpointErrorCode, number>> = {
  ...DOCUMENTED_ERROR_CODES,
  ...MODELLED_ERROR_CODES,
};

const ERROR_MEANING: Readonly<Record<EndpointErrorCode, string>> = {
  AUTH_INVALID_API_KEY:
    "the API key is missing, wrong-environment, revoked or rotated (or the bearer is not one)",
  AUTH_INVALID_SESSION: "the session token is expired, rotated out, unknown or another environment's",
  VALIDATION_FAILED: "a request field is missing or malformed; `error.fields` may name each",
  OFFER_LOCK_CONFLICT: "another offer of the journey was proceeded first; re-read the journey and its offers",
  NOT_FOUND: "no such journey (or offer, step, consent, tenant or application) for this caller",
  INVALID_STATE: "the journey (or step, loan) is not in a state that allows this",
  OFFER_EXPIRED: "the offer expired",
  IDEMPOTENCY_KEY_REQUIRED: "the mutation carries no `Idempotency-Key`",
  IDEMPOTENCY_KEY_REUSED: "the `Idempotency-Key` was already used with a different request",
  IDEMPOTENCY_IN_PROGRESS: "a request with this `Idempotency-Key` is still running; retry",
  PAYLOAD_TOO_LARGE: "the body is larger than 1 MB",
  RATE_LIMITED: "too many requests; wait `Retry-After` seconds",
  INTERNAL: "the platform failed; retry (a mutation with the same `Idempotency-Key`)",
};

const isDocumentedCode = (code: string): boolean => Object.hasOwn(DOCUMENTED_ERROR_CODES, code);

const schemaRef = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const headerRef = (name: string): JsonObject => ({ $ref: `#/components/headers/${name}` });
const parameterRef = (name: string): JsonObject => ({ $ref: `#/components/parameters/${name}` });

const DESCRIPTION = [
  "The platform's headless (API Experience) borrower API under `/api/v1/headless`, and the application's webhook",
  "subscription API under `/api/tenants/{tenantID}/applications/{applicationID}/webhooks`, as credit-journey speaks",
  "them. Generated from the zod schemas and the endpoint catalogue (`ENDPOINTS`) in `src/contract` by `npm run gen`;",
  "do not edit by hand. This is not the platform's spec: the platform publishes no per-endpoint reference for",
  "the headless surface.",
  "",
  "**Documented** (shared/platform/PLATFORM.md; its tags are listed in `x-platform-docs` and resolved to public",
  "pages in `x-platform-docs-index`): the envelope `{ requestID, correlationID, timestamp, data, error }`",
  "[L3] [L4]; the error body `{ error: { code, message } }` [L3] and the codes `AUTH_INVALID_API_KEY`,",
  "`AUTH_INVALID_SESSION` (401), `VALIDATION_FAILED` (400), `OFFER_LOCK_CONFLICT` (409) [L7]; the",
  "`Authorization: Bearer`, `Idempotency-Key` and `X-Correlation-ID` request headers [S] [L3]; session bootstrap",
  "[L4] and journey creation [L3] in full, `nextAction` being a `string | null` [L3] [L4]; the paths of",
  "`GET /journeys`, `GET /journeys/{journeyID}`, `GET …/state` and `PATCH …/resume` [S]; the platform's hosts;",
  "the `journey.snapshot` webhook [L6]; the webhook subscription's paths, Subscribe's body and the answers' four",
  "fields [C1] [C13] [C14] (whether those answers come in the envelope is not documented: modelled enveloped, the",
  "client also reads them bare; the signing secret is in none of them).",
  "",
  "**Modelled** (the docs are silent; the sandbox implements the model), marked `x-modelled: true` on each",
  "operation, schema, field, header and response concerned: every other endpoint and every other shape, the",
  "other error codes, idempotency replay semantics, `ETag`/`If-None-Match`/`304` on state reads and",
  "`Retry-After`; the success statuses and which credential may call what (`x-scope`, `security`) are modelled",
  "too. The webhook (`webhooks`) is documented [L6]: its `X-AL-*` headers, hex HMAC-SHA256 and body.",
].join("\n");

/** Builds the OpenAPI 3.1 document of the platform's headless API from the contract's zod schemas. Pure. */
export function buildOpenApiDocument(): JsonObject {
  const registry = z.registry<{ id: string }>();
  const nameOf = new Map<unknown, string>();
  for (const [name, schema] of Object.entries(CONTRACT_SCHEMAS)) {
    registry.add(schema, { id: name });
    nameOf.set(schema, name);
  }
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: "any",
    // What the SDK accepts, not what it outputs: parsers strip unknown keys, they never refuse them, so no
    // schema may say additionalProperties: false about the platform's payloads.
    io: "input",
    // The date formats are checked by hand (primitives.ts); the document still names them.
    override: (ctx) => {
      if (ctx.zodSchema === Timestamp) ctx.jsonSchema.format = "date-time";
      if (ctx.zodSchema === CalendarDate) ctx.jsonSchema.format = "date";
    },
  });
  const components: Record<string, JsonObject> = { Envelope: envelopeSchema() };
  for (const [name, schema] of Object.entries(schemas)) {
    const { $schema: _schema, $id: _id, ...rest } = schema as JsonObject;
    components[name] = annotateSchema(name, rest);
  }
  components[nameOf.get(ErrorBody) as string] = errorBodyOnTheWire(
    components[nameOf.get(ErrorBody) as string] as JsonObject,
  );

  const paths: Record<string, JsonObject> = {};
  const usedCodes = new Set<EndpointErrorCode>();
  for (const [operationId, wire] of Object.entries(ENDPOINTS) as [EndpointName, Endpoint][]) {
    const endpoint: Endpoint & EndpointDocs = { ...wire, ...ENDPOINT_DOCS[operationId] };
    const path = endpointPath(endpoint);
    paths[path] ??= {};
    paths[path][endpoint.method.toLowerCase()] = operation(operationId, endpoint, nameOf);
    for (const code of endpoint.errors) usedCodes.add(code);
  }
  const examples: JsonObject = {};
  for (const code of Object.keys(STATUS_OF) as EndpointErrorCode[])
    if (usedCodes.has(code)) examples[code] = errorExample(code);

  return {
    openapi: "3.1.0",
    info: {
      title: "Headless borrower journey API (as modelled by credit-journey)",
      version: "1.0.0",
      description: DESCRIPTION,
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [
      {
        url: "http://127.0.0.1:4010",
        description:
          "The credit-journey sandbox (`npm run sandbox`, default port 4010): implements this model.",
      },
      {
        url: "https://api.credit.aarthiklabs.com",
        description:
          "The platform, as in the headless client example [L3] (a production host is never stated).",
      },
      {
        url: "https://preprod.credit.aarthiklabs.com",
        description: "The platform's preprod host for integration with an `sk_test_` key [C9].",
      },
    ],
    "x-platform-docs-index": PLATFORM_DOC_PAGES,
    paths,
    webhooks: { "journey.snapshot": { post: webhookOperation() } },
    components: {
      schemas: components,
      parameters: {
        XCorrelationID: {
          name: "X-Correlation-ID",
          in: "header",
          required: false,
          schema: { type: "string", minLength: 1, maxLength: 128 },
          description:
            "Sent on every call of a user-visible flow [S] [L3] [L4] (1–128 characters, as the Hybrid reference " +
            "gives [C15]). Echoed as the envelope's `correlationID` (the documented webhook body has no field for it).",
        },
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: true,
          schema: { type: "string", minLength: 1, maxLength: 255 },
          description:
            "On every mutating call [S] [L3], e.g. a random UUID: one key per logical mutation, every retry " +
            "reuses it. Modelled: kept 24 h per principal; a replay answers the stored response with " +
            "`Idempotent-Replayed: true`.",
        },
        IfNoneMatch: {
          name: "If-None-Match",
          in: "header",
          required: false,
          schema: { type: "string" },
          description: "An `ETag` of an earlier answer; the same state again answers `304` (modelled).",
          "x-modelled": true,
        },
      },
      headers: {
        XCorrelationID: {
          description:
            "The correlation id the call was filed under: the request's `X-Correlation-ID`, or one the " +
            "platform minted (modelled: the docs show it in the envelope only).",
          schema: { type: "string" },
          "x-modelled": true,
        },
        ETag: {
          description: "The version of the journey state; send it back as `If-None-Match` (modelled).",
          schema: { type: "string" },
          "x-modelled": true,
        },
        IdempotentReplayed: {
          description:
            "`true` when this is the stored answer of an earlier call with the same key (modelled).",
          schema: { type: "string", const: "true" },
          "x-modelled": true,
        },
        RetryAfter: {
          description: "Whole seconds to wait before retrying (modelled).",
          schema: { type: "string" },
          "x-modelled": true,
        },
      },
      examples,
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "The partner's `sk_…` API key (`sk_test_…` for test), backend only [L2] [C9].",
        },
        sessionToken: {
          type: "http",
          scheme: "bearer",
          description:
            "The borrower session token from the session bootstrap [L4]; its format is not documented.",
        },
      },
    },
  };
}

/** The envelope of every answer [L3] [L4]; success answers narrow `data` to their payload. */
function envelopeSchema(): JsonObject {
  return {
    type: "object",
    description:
      "The envelope of every headless answer [L3] [L4]: `data` holds the payload and `error` is null on success.",
    "x-platform-docs": ["L3", "L4"],
    properties: {
      requestID: { type: "string", description: "The platform's id of this request; quote it to support." },
      correlationID: {
        type: ["string", "null"],
        description:
          "The correlation id the call was filed under (the request's `X-Correlation-ID`, or its own).",
      },
      timestamp: { type: "string", format: "date-time", description: "The server's time of the answer." },
      data: { description: "The payload; its schema is given per operation." },
      error: { type: "null" },
      request_id: {
        type: "string",
        description: "The Hybrid spelling of `requestID` [C15]; read as well (modelled for headless).",
        "x-modelled": true,
      },
      correlation_id: {
        type: "string",
        description: "The Hybrid spelling of `correlationID` [C15]; read as well (modelled for headless).",
        "x-modelled": true,
      },
    },
    required: ["requestID", "timestamp", "data", "error"],
  };
}

/** Marks a generated component as documented (with its tags and its modelled fields) or as modelled. */
function annotateSchema(name: string, schema: JsonObject): JsonObject {
  const documented = DOCUMENTED_SCHEMAS[name];
  if (!documented) {
    return { ...schema, "x-modelled": true };
  }
  const copy = structuredClone(schema);
  for (const dotted of documented.modelled ?? []) {
    let node: JsonObject | undefined = copy;
    const keys = dotted.split(".");
    for (const key of keys.slice(0, -1))
      node = (node?.properties as JsonObject | undefined)?.[key] as JsonObject;
    const field = (node?.properties as JsonObject | undefined)?.[keys.at(-1) as string] as
      | JsonObject
      | undefined;
    if (!field) throw new Error(`${name}.${dotted} is listed as modelled but is not a field of the schema`);
    field["x-modelled"] = true;
  }
  return { ...copy, "x-platform-docs": documented.docs };
}

/** The error body as it is sent: `{ error }` [L3], with the envelope's other fields beside it (modelled). */
function errorBodyOnTheWire(schema: JsonObject): JsonObject {
  const modelled = (field: JsonObject): JsonObject => ({ ...field, "x-modelled": true });
  const envelope = envelopeSchema().properties as Record<string, JsonObject>;
  return {
    ...schema,
    description:
      "The error body `{ error: { code, message } }` [L3], sent as `application/json`. The `code` is an open " +
      "set: the documented codes [L7], the modelled ones, or any other string. Modelled: the envelope's " +
      "other fields accompany it, with `data: null`.",
    properties: {
      requestID: modelled(envelope.requestID as JsonObject),
      correlationID: modelled(envelope.correlationID as JsonObject),
      timestamp: modelled(envelope.timestamp as JsonObject),
      data: modelled({ type: "null" }),
      ...(schema.properties as JsonObject),
    },
  };
}

function errorExample(code: EndpointErrorCode): JsonObject {
  const documented = isDocumentedCode(code);
  return {
    summary: `${STATUS_OF[code]} ${code} (${documented ? "documented [L7]" : "modelled"})`,
    value: {
      requestID: "6f1d2c1e-8a43-4f7b-9a8e-2f4c1d0b9e77",
      correlationID: "3c9e1a52-7d0f-4b6e-8f21-5a7c9d3e1b04",
      timestamp: "2026-03-05T16:48:20.000Z",
      data: null,
      error: {
        code,
        message: ERROR_MEANING[code],
        ...(code === "VALIDATION_FAILED"
          ? { fields: [{ path: "borrowerExternalID", message: "required", code: "required" }] }
          : {}),
      },
    },
  };
}

function ref(schema: unknown, nameOf: Map<unknown, string>): JsonObject {
  const name = nameOf.get(schema);
  if (!name) throw new Error("schema used by an endpoint is missing from CONTRACT_SCHEMAS");
  return schemaRef(name);
}

const OPERATION_NOTE: Readonly<Record<EndpointDocs["documented"], string>> = {
  full: "Documented: the method, the path and the shapes. Modelled: the success status (the docs show none).",
  path: "The method and the path are documented; the request and answer shapes are modelled.",
  modelled:
    "Modelled: the platform's docs do not describe this endpoint (`x-platform-docs` names the pages that mention what it does).",
};

/** Path parameters whose form is documented: the tenant and the application are UUIDs [C13] [C14]. */
const PATH_PARAMETER_SCHEMAS: Readonly<Record<string, JsonObject>> = {
  tenantID: { type: "string", format: "uuid" },
  applicationID: { type: "string", format: "uuid" },
};

function operation(
  operationId: EndpointName,
  endpoint: Endpoint & EndpointDocs,
  nameOf: Map<unknown, string>,
): JsonObject {
  const parameters: JsonObject[] = [...endpointPath(endpoint).matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: PATH_PARAMETER_SCHEMAS[m[1] as string] ?? { type: "string", minLength: 1, maxLength: 128 },
  }));
  parameters.push(parameterRef("XCorrelationID"));
  const mutating = isMutatingMethod(endpoint.method);
  if (mutating) parameters.push(parameterRef("IdempotencyKey"));
  if (endpoint.conditional) parameters.push(parameterRef("IfNoneMatch"));

  const echo = { "X-Correlation-ID": headerRef("XCorrelationID") };
  const responses: JsonObject = {
    [String(endpoint.response.status)]: {
      description: endpoint.bareAnswer
        ? `Success (modelled: in the envelope with \`data\` the payload; the docs do not say whether this answer is enveloped, so the client also reads the bare payload). The status ${endpoint.response.status} is modelled; the client accepts any 2xx.`
        : `Success, in the envelope with \`data\` the payload (the status ${endpoint.response.status} is modelled; the client accepts any 2xx).`,
      headers: {
        ...echo,
        ...(endpoint.conditional ? { ETag: headerRef("ETag") } : {}),
        ...(mutating ? { "Idempotent-Replayed": headerRef("IdempotentReplayed") } : {}),
      },
      content: {
        "application/json": {
          schema: {
            allOf: [
              schemaRef("Envelope"),
              {
                type: "object",
                properties: { data: ref(endpoint.response.wire ?? endpoint.response.schema, nameOf) },
              },
            ],
          },
        },
      },
    },
  };
  if (endpoint.conditional)
    responses["304"] = {
      description:
        "Not Modified: the state still has the `ETag` sent as `If-None-Match`; no body (modelled).",
      headers: { ...echo, ETag: headerRef("ETag") },
      "x-modelled": true,
    };
  const byStatus = new Map<number, EndpointErrorCode[]>();
  for (const code of endpoint.errors) {
    const status = STATUS_OF[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const lines = codes.map(
      (code) =>
        `- \`${code}\` (${isDocumentedCode(code) ? "documented [L7]" : "modelled"}): ${ERROR_MEANING[code]}.`,
    );
    responses[String(status)] = {
      description: lines.join("\n"),
      headers: { ...echo, ...(status === 429 ? { "Retry-After": headerRef("RetryAfter") } : {}) },
      content: {
        "application/json": {
          schema: ref(ErrorBody, nameOf),
          examples: Object.fromEntries(
            codes.map((code) => [code, { $ref: `#/components/examples/${code}` }]),
          ),
        },
      },
      ...(codes.some(isDocumentedCode) ? {} : { "x-modelled": true }),
    };
  }
  responses.default = {
    description:
      "Any other error, in the error body (e.g. 503 with `Retry-After` from an injected fault; modelled).",
    headers: echo,
    content: { "application/json": { schema: ref(ErrorBody, nameOf) } },
  };

  const op: JsonObject = {
    operationId,
    summary: ENDPOINT_SUMMARIES[operationId],
    description: OPERATION_NOTE[endpoint.documented],
    ...(endpoint.documented === "full" ? {} : { "x-modelled": true }),
    "x-documented": endpoint.documented,
    ...(endpoint.platformDocs.length > 0 ? { "x-platform-docs": endpoint.platformDocs } : {}),
    "x-scope": endpoint.scope,
    security:
      endpoint.scope === "partner"
        ? [{ apiKey: [] }]
        : endpoint.scope === "borrower"
          ? [{ sessionToken: [] }]
          : [{ apiKey: [] }, { sessionToken: [] }],
    parameters,
  };
  if (endpoint.request) {
    op.requestBody = {
      required: true,
      content: { "application/json": { schema: ref(endpoint.request, nameOf) } },
    };
  }
  op.responses = responses;
  return op;
}

/** The `journey.snapshot` delivery to a partner's webhook URL [L6] [C1]. */
function webhookOperation(): JsonObject {
  const header = (name: string, description: string, required = true): JsonObject => ({
    name,
    in: "header",
    required,
    schema: { type: "string" },
    description,
  });
  return {
    operationId: "journeySnapshotWebhook",
    summary: "A journey's new state, delivered at least once to the application's webhook URL [L6] [C1].",
    description:
      "Verify over the exact raw body: hex HMAC-SHA256 under the application's secret (as given) of the " +
      "`X-AL-Webhook-Timestamp` value, a dot and the raw body [L6], compared in constant time. Deduplicate by " +
      "`event_id` (= `X-AL-Event-ID`); order one journey's deliveries by `sequence`, the state by " +
      "`snapshot_generated_at`. The body is thin: each journey's id, status and nextAction; read the state for " +
      "the rest. Modelled: the timestamp's unit (seconds, milliseconds or ISO-8601 are read), a ±5 min " +
      "tolerance, several comma-separated signatures during a rotation, the singular `borrower.journey` form [C1].",
    "x-documented": "full",
    "x-platform-docs": ["L6", "C1"],
    security: [],
    parameters: [
      header("X-AL-Event-ID", "The event's id, the same on every retry; equals the body's `event_id`."),
      header("X-AL-Tenant-ID", "The tenant's id (UUID); when sent, equals the body's `tenant_id`.", false),
      header(
        "X-AL-Application-ID",
        "The application's id (UUID); when sent, equals the body's `application_id`.",
        false,
      ),
      header(
        "X-AL-Webhook-Timestamp",
        "When the attempt was signed; its unit is not documented (Unix seconds, milliseconds or ISO-8601 are read).",
      ),
      header(
        "X-AL-Webhook-Signature",
        "Hex HMAC-SHA256 of `{timestamp}.{raw body}` under the application's secret [L6]; during a rotation, " +
          "several comma-separated (modelled).",
      ),
    ],
    requestBody: {
      required: true,
      content: { "application/json": { schema: schemaRef("WebhookBody") } },
    },
    responses: {
      "2XX": { description: "Accepted: the delivery is done (at least once [C1])." },
      "4XX": { description: "Refused (e.g. a bad signature)." },
      default: { description: "Any other answer: the delivery is retried (schedule not documented)." },
    },
  };
}
