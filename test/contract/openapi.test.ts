import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENDPOINTS } from "../../src/contract/index.js";
import { buildOpenApiDocument } from "../../src/contract/openapi.js";

describe("docs/openapi.json", () => {
  it("is up to date with the zod schemas (run `npm run gen` when this fails)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../docs/openapi.json", import.meta.url), "utf8"));
    expect(committed).toEqual(buildOpenApiDocument());
  });
  it("is OpenAPI 3.1 with every endpoint and Idempotency-Key required on every mutation", () => {
    const doc = buildOpenApiDocument() as {
      openapi: string;
      paths: Record<string, Record<string, { parameters: { name: string; required: boolean }[] }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    for (const e of Object.values(ENDPOINTS)) {
      const op = doc.paths[`/api/v1/headless${e.path}`]?.[e.method.toLowerCase()];
      expect(op, `${e.method} ${e.path}`).toBeDefined();
      const key = op?.parameters.find((p) => p.name === "Idempotency-Key");
      expect(Boolean(key?.required)).toBe(e.method !== "GET");
    }
  });
});
