import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BASE_PATH,
  CONTRACT_SCHEMAS,
  DOCUMENTED_ERROR_CODES,
  ENDPOINT_DOCS,
  ENDPOINTS,
  type Endpoint,
  type EndpointDocs,
  type EndpointErrorCode,
  type EndpointName,
  endpointPath,
  isMutatingMethod,
  MODELLED_ERROR_CODES,
  WEBHOOK_SUBSCRIPTION_BASE,
} from "../../src/contract/index.js";
import { buildOpenApiDocument } from "../../src/contract/openapi.js";

type Json = Record<string, unknown>;
interface Response {
  description: string;
  headers?: Record<string, { $ref: string }>;
  content?: Record<string, { schema: Json; examples?: Record<string, { $ref: string }> }>;
  "x-modelled"?: boolean;
}
interface Operation {
  operationId: string;
  security: Json[];
  parameters: ({ name: string; in: string; required: boolean } | { $ref: string })[];
  requestBody?: Json;
  responses: Record<string, Response>;
  "x-modelled"?: boolean;
  "x-documented": string;
  "x-platform-docs"?: string[];
}
interface Doc {
  openapi: string;
  info: { license: Json };
  servers: { url: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  webhooks: Record<string, Record<string, Operation>>;
  "x-platform-docs-index": Record<string, string>;
  components: {
    schemas: Record<string, Json>;
    parameters: Record<string, { name: string; required: boolean }>;
    examples: Record<string, { value: { error: { code: string } } }>;
  };
}

const doc = buildOpenApiDocument() as unknown as Doc;
const STATUS: Record<string, number> = { ...DOCUMENTED_ERROR_CODES, ...MODELLED_ERROR_CODES };
/** Each endpoint with what the platform documents of it (ENDPOINT_DOCS), as the OpenAPI document is built. */
type DocumentedEndpoint = Endpoint & EndpointDocs;
const endpoints = (Object.entries(ENDPOINTS) as [EndpointName, Endpoint][]).map(
  ([name, e]): [EndpointName, DocumentedEndpoint] => [name, { ...e, ...ENDPOINT_DOCS[name] }],
);
const opOf = (e: Endpoint): Operation => doc.paths[endpointPath(e)]?.[e.method.toLowerCase()] as Operation;
/** The header parameters of an operation, by name (component references resolved). */
const headerParams = (op: Operation) =>
  new Map(
    op.parameters.map((p) => {
      const param = "$ref" in p ? doc.components.parameters[p.$ref.split("/").at(-1) as string] : p;
      return [param?.name, param] as const;
    }),
  );

describe("docs/openapi.json", () => {
  it("is up to date with the zod schemas (run `npm run gen` when this fails)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../docs/openapi.json", import.meta.url), "utf8"));
    expect(committed).toEqual(buildOpenApiDocument());
  });

  it("is deterministic", () => {
    expect(JSON.stringify(buildOpenApiDocument())).toBe(JSON.stringify(buildOpenApiDocument()));
  });

  it("is OpenAPI 3.1 with every endpoint and Idempotency-Key required on every mutation", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.license).toEqual({ name: "MIT", identifier: "MIT" });
    for (const [name, e] of endpoints) {
      const op = opOf(e);
      expect(op, `${e.method} ${e.path}`).toBeDefined();
      expect(op.operationId).toBe(name);
      const headers = headerParams(op);
      expect(Boolean(headers.get("Idempotency-Key")?.required), name).toBe(e.method !== "GET");
      expect(headers.get("X-Correlation-ID")?.required, name).toBe(false);
    }
  });

  it("lists the sandbox and the platform's documented hosts", () => {
    expect(doc.servers.map((s) => s.url)).toEqual([
      "http://127.0.0.1:4010",
      "https://api.credit.aarthiklabs.com",
      "https://preprod.credit.aarthiklabs.com",
    ]);
    for (const server of doc.servers) expect(server.description.length).toBeGreaterThan(0);
  });

  it("answers every success in the envelope, with data the endpoint's payload schema", () => {
    for (const [name, e] of endpoints) {
      const success = opOf(e).responses[String(e.response.status)];
      const schema = success?.content?.["application/json"]?.schema as { allOf: Json[] };
      expect(schema.allOf[0], name).toEqual({ $ref: "#/components/schemas/Envelope" });
      const payload = Object.entries(CONTRACT_SCHEMAS).find(
        ([, schema]) => schema === ("wire" in e.response ? e.response.wire : e.response.schema),
      )?.[0];
      expect(schema.allOf[1], name).toEqual({
        type: "object",
        properties: { data: { $ref: `#/components/schemas/${payload}` } },
      });
    }
    expect(doc.components.schemas.Envelope?.required).toEqual(["requestID", "timestamp", "data", "error"]);
  });

  it("gives every operation a response for each status of its errors list, and only those", () => {
    for (const [name, e] of endpoints) {
      const { responses } = opOf(e);
      const errorStatuses = [...new Set(e.errors.map((code) => String(STATUS[code])))].sort();
      const other = [String(e.response.status), ...(e.conditional ? ["304"] : []), "default"];
      expect(
        Object.keys(responses)
          .filter((s) => !other.includes(s))
          .sort(),
        name,
      ).toEqual(errorStatuses);
      for (const status of [...errorStatuses, "default"]) {
        const content = responses[status]?.content?.["application/json"];
        expect(content?.schema, `${name} ${status}`).toEqual({ $ref: "#/components/schemas/ErrorBody" });
      }
      for (const code of e.errors) {
        const examples = responses[String(STATUS[code])]?.content?.["application/json"]?.examples;
        expect(examples?.[code], `${name} ${code}`).toEqual({ $ref: `#/components/examples/${code}` });
        expect(doc.components.examples[code]?.value.error.code).toBe(code);
      }
    }
  });

  it("declares X-Correlation-ID on every response, and ETag, If-None-Match and 304 only on conditional reads", () => {
    for (const [name, e] of endpoints) {
      const op = opOf(e);
      for (const [status, response] of Object.entries(op.responses))
        expect(response.headers?.["X-Correlation-ID"], `${name} ${status}`).toEqual({
          $ref: "#/components/headers/XCorrelationID",
        });
      const conditional = Boolean(e.conditional);
      expect(headerParams(op).has("If-None-Match"), name).toBe(conditional);
      expect("304" in op.responses, name).toBe(conditional);
      expect("ETag" in (op.responses[String(e.response.status)]?.headers ?? {}), name).toBe(conditional);
      if (conditional) {
        expect(op.responses["304"]?.["x-modelled"]).toBe(true);
        expect(op.responses["304"]?.content).toBeUndefined();
      }
    }
    expect(ENDPOINTS.getJourneyState.conditional).toBe(true);
  });

  it("marks x-modelled exactly on the operations the docs do not cover in full", () => {
    for (const [name, e] of endpoints) {
      const op = opOf(e);
      expect(op["x-modelled"], name).toBe(e.documented === "full" ? undefined : true);
      expect(op["x-documented"], name).toBe(e.documented);
      expect(op["x-platform-docs"] ?? [], name).toEqual(e.platformDocs);
    }
    const full = endpoints.filter(([, e]) => e.documented === "full").map(([name]) => name);
    expect(full.sort()).toEqual([
      "createJourney",
      "createSession",
      "subscribeWebhooks",
      "unsubscribeWebhooks",
    ]);
    const path = endpoints.filter(([, e]) => e.documented === "path").map(([name]) => name);
    expect(path.sort()).toEqual([
      "getJourney",
      "getJourneyState",
      "getProfile",
      "getWebhookConfiguration",
      "listJourneys",
      "listSteps",
      "resumeJourney",
      "submitProfile",
      "upsertProfile",
    ]);
  });

  it("marks an error response x-modelled when none of its codes is documented", () => {
    for (const [name, e] of endpoints)
      for (const [status, response] of Object.entries(opOf(e).responses)) {
        const codes = e.errors.filter((code) => String(STATUS[code]) === status);
        if (codes.length === 0) continue;
        const documented = codes.some((code) => code in DOCUMENTED_ERROR_CODES);
        expect(response["x-modelled"], `${name} ${status}`).toBe(documented ? undefined : true);
      }
  });

  it("marks every component schema either documented (with tags) or modelled, and modelled fields", () => {
    for (const [name, schema] of Object.entries(doc.components.schemas))
      expect(Boolean(schema["x-modelled"]) !== Boolean(schema["x-platform-docs"]), name).toBe(true);
    const props = (name: string) => doc.components.schemas[name]?.properties as Record<string, Json>;
    expect(props("CreateSessionRequest").returnUrl?.["x-modelled"]).toBe(true);
    expect(props("CreateSessionRequest").borrowerExternalID?.["x-modelled"]).toBeUndefined();
    const error = props("ErrorBody").error?.properties as Record<string, Json>;
    expect(error.fields?.["x-modelled"]).toBe(true);
    expect(error.code?.["x-modelled"]).toBeUndefined();
    expect(props("ErrorBody").requestID?.["x-modelled"]).toBe(true);
    // The state answer: status and nextAction documented [L2] [L3]; the rest modelled; no order key on the wire.
    const state = props("JourneyStateData");
    expect(state.status?.["x-modelled"]).toBeUndefined();
    expect(state.nextAction?.["x-modelled"]).toBeUndefined();
    expect(state.pendingOperations?.["x-modelled"]).toBe(true);
    expect(state.asOf).toBeUndefined();
    expect(state.version).toBeUndefined();
    // The webhook body is documented [L6]; the singular journey form is the modelled one [C1].
    const webhook = doc.components.schemas.WebhookBody;
    expect(webhook?.["x-platform-docs"]).toEqual(["L6", "C1"]);
    const borrower = props("WebhookBody").borrower?.properties as Record<string, Json>;
    expect(borrower.journey?.["x-modelled"]).toBe(true);
    expect(borrower.journeys?.["x-modelled"]).toBeUndefined();
  });

  it("describes the documented webhook: the X-AL-* headers and the body [L6]", () => {
    const op = doc.webhooks["journey.snapshot"]?.post as Operation;
    expect(op["x-modelled"]).toBeUndefined();
    expect(op.requestBody).toMatchObject({
      content: { "application/json": { schema: { $ref: "#/components/schemas/WebhookBody" } } },
    });
    const names = ((op as { parameters?: { name: string }[] }).parameters ?? []).map((p) => p.name);
    expect(names).toEqual([
      "X-AL-Event-ID",
      "X-AL-Tenant-ID",
      "X-AL-Application-ID",
      "X-AL-Webhook-Timestamp",
      "X-AL-Webhook-Signature",
    ]);
  });

  it("resolves every PLATFORM.md tag it cites to a public page", () => {
    const text = JSON.stringify(doc);
    const cited = new Set([...text.matchAll(/\[([LCB]\d+|S)\]/g)].map((m) => m[1] as string));
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object")
        for (const [key, value] of Object.entries(node)) {
          if (key === "x-platform-docs") for (const tag of value as string[]) cited.add(tag);
          else walk(value);
        }
    };
    walk(doc);
    const index = doc["x-platform-docs-index"];
    for (const tag of cited) expect(index[tag], tag).toMatch(/^https:\/\/docs\./);
    expect(Object.keys(index).sort()).toEqual([...cited].sort());
  });
});

describe("the webhook subscription API [C1] [C13] [C14]", () => {
  const SUBSCRIPTION = ["getWebhookConfiguration", "subscribeWebhooks", "unsubscribeWebhooks"] as const;
  const base = "/api/tenants/{tenantID}/applications/{applicationID}/webhooks";

  it("lives under /api/tenants/{tenantID}/applications/{applicationID}/webhooks, not the headless base path", () => {
    expect(WEBHOOK_SUBSCRIPTION_BASE).toBe(base);
    expect(
      Object.keys(doc.paths)
        .filter((p) => !p.startsWith(`${BASE_PATH}/`))
        .sort(),
    ).toEqual([`${base}/configuration`, `${base}/subscribe`, `${base}/unsubscribe`]);
    expect(Object.keys(doc.paths[`${base}/configuration`] ?? {})).toEqual(["get"]);
    expect(Object.keys(doc.paths[`${base}/subscribe`] ?? {})).toEqual(["post"]);
    expect(Object.keys(doc.paths[`${base}/unsubscribe`] ?? {})).toEqual(["post"]);
    for (const name of SUBSCRIPTION) expect(endpointPath(ENDPOINTS[name]).startsWith(base), name).toBe(true);
  });

  it("takes the API key, UUID path parameters, an https url on Subscribe only, and answers the four fields", () => {
    for (const name of SUBSCRIPTION) {
      const e: Endpoint = ENDPOINTS[name];
      const op = opOf(e);
      expect(op.operationId).toBe(name);
      expect(op.security, name).toEqual([{ apiKey: [] }]);
      expect(ENDPOINT_DOCS[name].platformDocs, name).toEqual(["C1", "C13", "C14"]);
      const pathParams = op.parameters.filter((p) => "in" in p && p.in === "path") as unknown as {
        name: string;
        schema: Json;
      }[];
      expect(
        pathParams.map((p) => [p.name, p.schema]),
        name,
      ).toEqual([
        ["tenantID", { type: "string", format: "uuid" }],
        ["applicationID", { type: "string", format: "uuid" }],
      ]);
      const success = op.responses[String(e.response.status)];
      expect(success?.content?.["application/json"]?.schema, name).toEqual({
        allOf: [
          { $ref: "#/components/schemas/Envelope" },
          { type: "object", properties: { data: { $ref: "#/components/schemas/WebhookConfiguration" } } },
        ],
      });
      expect(success?.description, name).toMatch(/bare payload/);
      expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(["401", "404", "500"]));
    }
    expect(opOf(ENDPOINTS.subscribeWebhooks).requestBody).toEqual({
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/WebhookSubscribeRequest" } } },
    });
    expect(Object.keys(opOf(ENDPOINTS.subscribeWebhooks).responses)).toContain("400");
    expect(opOf(ENDPOINTS.unsubscribeWebhooks).requestBody).toBeUndefined();
    expect(opOf(ENDPOINTS.getWebhookConfiguration).requestBody).toBeUndefined();

    const config = doc.components.schemas.WebhookConfiguration as Json;
    expect(config["x-platform-docs"]).toEqual(["C13", "C14", "C1"]);
    expect(config.required).toEqual(["tenant_id", "application_id", "webhook_enabled", "webhook_url"]);
    const props = config.properties as Record<string, Json>;
    expect(props.tenant_id).toMatchObject({ type: "string", format: "uuid" });
    expect(props.webhook_enabled).toEqual({ type: "boolean" });
    expect(props.webhook_url).toEqual({ anyOf: [{ type: "string", format: "uri" }, { type: "null" }] });
    const subscribe = doc.components.schemas.WebhookSubscribeRequest as Json;
    expect(subscribe["x-platform-docs"]).toEqual(["C13"]);
    expect(subscribe.required).toEqual(["url"]);
  });
});

describe("ENDPOINTS error lists", () => {
  const has = (e: EndpointDocs, code: EndpointErrorCode) => e.errors.includes(code);
  it("follow from scope, method, body and path, as the sandbox answers", () => {
    for (const [name, e] of endpoints) {
      expect(new Set(e.errors).size, name).toBe(e.errors.length);
      expect(has(e, "RATE_LIMITED") && has(e, "INTERNAL"), name).toBe(true);
      if (e.scope !== "borrower") expect(has(e, "AUTH_INVALID_API_KEY"), name).toBe(true);
      if (e.scope !== "partner") expect(has(e, "AUTH_INVALID_SESSION"), name).toBe(true);
      const mutating = isMutatingMethod(e.method);
      for (const code of [
        "IDEMPOTENCY_KEY_REQUIRED",
        "IDEMPOTENCY_KEY_REUSED",
        "IDEMPOTENCY_IN_PROGRESS",
      ] as const)
        expect(has(e, code), `${name} ${code}`).toBe(mutating);
      expect(has(e, "VALIDATION_FAILED") && has(e, "PAYLOAD_TOO_LARGE"), name).toBe(e.request !== undefined);
      const path = endpointPath(e);
      expect(has(e, "NOT_FOUND"), name).toBe(
        path.includes("{journeyID}") || path.includes("{offerID}") || path.includes("{tenantID}"),
      );
    }
    expect(has(ENDPOINT_DOCS.proceedOffer, "OFFER_LOCK_CONFLICT")).toBe(true);
    expect(has(ENDPOINT_DOCS.proceedOffer, "OFFER_EXPIRED")).toBe(true);
    expect(has(ENDPOINT_DOCS.proceedOffer, "INVALID_STATE")).toBe(true);
  });
});
