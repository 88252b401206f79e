import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../../src/contract/openapi.js";

const DOC_PATH = fileURLToPath(new URL("../../docs/openapi.json", import.meta.url));

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string }[];
}

/** Runs the installed Redocly CLI on docs/openapi.json, offline (no telemetry, no update check). */
function redoclyLint(): LintReport {
  const cli = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");
  const run = spawnSync(
    process.execPath,
    [cli, "lint", DOC_PATH, "--format=json", "--max-problems=100000", "--extends=recommended"],
    {
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      timeout: 30_000,
    },
  );
  if (run.error) throw run.error;
  try {
    return JSON.parse(run.stdout) as LintReport;
  } catch {
    throw new Error(`redocly printed no JSON report (exit ${run.status}): ${run.stderr}`);
  }
}

describe("docs/openapi.json lints clean", () => {
  it("validates with @apidevtools/swagger-parser", async () => {
    // validate() dereferences its argument in place: give it a fresh copy.
    const doc = structuredClone(buildOpenApiDocument());
    await expect(
      SwaggerParser.validate(doc as unknown as SwaggerParser["api"], { resolve: { external: false } }),
    ).resolves.toBeDefined();
  });

  it("has no error and no warning under @redocly/cli lint --extends=recommended", () => {
    const report = redoclyLint();
    const listed = report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message}`);
    expect(report.totals.errors, listed.join("\n")).toBe(0);
    expect(listed.filter((line) => line.includes("operation-4xx-response"))).toEqual([]);
    expect(listed).toEqual([]);
  });
});
