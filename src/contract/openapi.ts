import * as z from "zod/mini";
import { BASE_PATH, ENDPOINTS, type Endpoint, isMutatingMethod } from "./endpoints.js";
import { ErrorBody } from "./error-body.js";
import { CONTRACT_SCHEMAS } from "./schemas.js";

type JsonObject = Record<string, unknown>;

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
  });
  const components: JsonObject = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const { $schema: _schema, $id: _id, ...rest } = schema as JsonObject;
    components[name] = rest;
  }
  const paths: Record<string, JsonObject> = {};
  for (const [operationId, endpoint] of Object.entries(ENDPOINTS) as [string, Endpoint][]) {
    const path = `${BASE_PATH}${endpoint.path}`;
    paths[path] ??= {};
    paths[path][endpoint.method.toLowerCase()] = operation(operationId, endpoint, nameOf);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Headless borrower journey API (as modelled by credit-journey)",
      version: "1.0.0",
      description: "Generated from the zod schemas in src/contract by `npm run gen`. Do not edit by hand.",
    },
    servers: [{ url: "http://127.0.0.1:4010" }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "sk_ API key (partner backend) or the borrower session token (borrower app)",
        },
      },
    },
  };
}

function ref(schema: unknown, nameOf: Map<unknown, string>): JsonObject {
  const name = nameOf.get(schema);
  if (!name) throw new Error("schema used by an endpoint is missing from CONTRACT_SCHEMAS");
  return { $ref: `#/components/schemas/${name}` };
}

function operation(operationId: string, endpoint: Endpoint, nameOf: Map<unknown, string>): JsonObject {
  const parameters: JsonObject[] = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  parameters.push({
    name: "X-Correlation-ID",
    in: "header",
    required: false,
    schema: { type: "string" },
    description: "Echoed on the response and carried into the webhooks this call causes.",
  });
  if (isMutatingMethod(endpoint.method)) {
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: true,
      schema: { type: "string", minLength: 1, maxLength: 255 },
      description: "One key per logical mutation; retries reuse it. Kept 24 h per principal.",
    });
  }
  const envelope = (data: JsonObject): JsonObject => ({
    type: "object",
    description: "The platform's envelope [L3]: `data` holds the payload.",
    properties: {
      requestID: { type: "string" },
      correlationID: { type: ["string", "null"] },
      timestamp: { type: "string", format: "date-time" },
      data,
      error: { type: "null" },
    },
    required: ["data"],
  });
  const error = { "application/json": { schema: ref(ErrorBody, nameOf) } };
  const op: JsonObject = {
    operationId,
    summary: endpoint.summary,
    "x-scope": endpoint.scope,
    parameters,
    responses: {
      [String(endpoint.response.status)]: {
        description: "Success",
        content: { "application/json": { schema: envelope(ref(endpoint.response.schema, nameOf)) } },
      },
      default: { description: "Error", content: error },
    },
  };
  if (endpoint.request) {
    op.requestBody = {
      required: true,
      content: { "application/json": { schema: ref(endpoint.request, nameOf) } },
    };
  }
  return op;
}
