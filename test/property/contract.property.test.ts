import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { ContractError, parseSnapshot, parseWebhookBody } from "../../src/contract/index.js";
import { snapshotFixture, webhookFixture } from "../../src/testing/fixtures.js";

const NUM_RUNS = { numRuns: 1000 };
const providerKeys = fc.constantFrom(
  "transaction_id",
  "context",
  "bpp_id",
  "xinput",
  "message_id",
  "bap_uri",
  "subscriber_id",
);
const extraKeys = fc.dictionary(fc.oneof(providerKeys, fc.string({ minLength: 1 })), fc.jsonValue(), {
  maxKeys: 6,
});

function keysDeep(value: unknown, out = new Set<string>()): Set<string> {
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysDeep(v, out);
    }
  }
  return out;
}

describe("unknown keys never pass", () => {
  test.prop([extraKeys, extraKeys], NUM_RUNS)(
    "a valid snapshot plus extra keys parses without them",
    (top, nested) => {
      const base = snapshotFixture();
      const input = {
        ...top,
        ...base,
        diagnostics: { ...nested, ...base.diagnostics },
      };
      const parsed = parseSnapshot(input);
      const allowed = new Set([...keysDeep(base)]);
      for (const key of keysDeep(parsed)) expect(allowed.has(key), key).toBe(true);
      expect(parsed).toEqual(base);
    },
  );

  test.prop([extraKeys], NUM_RUNS)(
    "a webhook body with provider internals (body, borrower and journey level) parses without them",
    (extra) => {
      const base = webhookFixture();
      const journeys = base.borrower.journeys?.map((j) => ({ ...extra, ...j })) ?? [];
      // `borrower.journey` is a form the SDK reads (the shared page's [C1]), not an unknown key.
      const { journey: _journey, ...aside } = extra;
      const parsed = parseWebhookBody({
        ...extra,
        ...base,
        borrower: { ...aside, ...base.borrower, journeys },
      });
      expect(parsed).toEqual(base);
    },
  );
});

describe("parsers only ever throw ContractError", () => {
  const anyJson = fc.oneof(fc.jsonValue(), fc.anything());
  test.prop([anyJson], NUM_RUNS)("parseSnapshot", (input) => {
    try {
      parseSnapshot(input);
    } catch (e) {
      expect(e).toBeInstanceOf(ContractError);
    }
  });
  test.prop([anyJson], NUM_RUNS)("parseWebhookBody", (input) => {
    try {
      parseWebhookBody(input);
    } catch (e) {
      expect(e).toBeInstanceOf(ContractError);
    }
  });
  test.prop([fc.jsonValue()], NUM_RUNS)(
    "near-valid snapshots with one field replaced by arbitrary JSON",
    (junk) => {
      for (const key of Object.keys(snapshotFixture())) {
        try {
          parseSnapshot({ ...snapshotFixture(), [key]: junk });
        } catch (e) {
          expect(e).toBeInstanceOf(ContractError);
        }
      }
    },
  );
});
