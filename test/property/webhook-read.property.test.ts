/**
 * The hand-written delivery reader (`readWebhookBody`) against the schema it stands in for (`WebhookBody`): on
 * deliveries near valid ones (fields changed to any JSON, near misses, removed; unknown fields added; at the top,
 * in `issuer`, `borrower` and its journeys), whenever the reader answers, the schema accepts and gives a
 * strictly equal value; whenever the schema refuses, the reader does not answer. And it answers for the usual
 * valid delivery, or it would be no fast path.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { JOURNEY_STATUSES } from "../../src/contract/index.js";
import { WebhookBody } from "../../src/contract/webhook.js";
import { readWebhookBody } from "../../src/contract/webhook-read.js";

const REMOVE = Symbol("remove");

/** A field's replacement: any JSON, a near miss of a valid value, or the field removed. */
const change = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    "",
    "x".repeat(33),
    "x".repeat(65),
    "x".repeat(129),
    "y".repeat(257),
    -1,
    1.5,
    2 ** 53,
    null,
    true,
    "2026-02-30T10:00:00Z",
    "2026-02-28T24:00:00Z",
    "2024-02-29T10:00:00.123456789+05:30",
    "2026-11-26T10:00:00Z",
    "KYC_PENDING",
    "kyc_pending",
    {},
    [],
    [{}],
  ),
  fc.constant(REMOVE),
);

const journeyArb = fc.record(
  {
    journeyID: fc.oneof(fc.uuid(), fc.string({ minLength: 0, maxLength: 3 })),
    status: fc.constantFrom(...JOURNEY_STATUSES),
    nextAction: fc.oneof(fc.constant(null), fc.string({ maxLength: 70 })),
  },
  { requiredKeys: ["journeyID", "status"] },
);

const bodyArb = fc.record(
  {
    schema_version: fc.constant("1.0.0"),
    event_type: fc.constantFrom("journey.snapshot", "journey.other", ""),
    event_id: fc.string({ minLength: 1, maxLength: 20 }).map((s) => `evt_${s}`),
    event_at: fc
      .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
      .map((d) => d.toISOString()),
    snapshot_generated_at: fc
      .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
      .map((d) => d.toISOString()),
    sequence: fc.nat(),
    issuer: fc.record(
      { source: fc.constant("credit-api"), trigger: fc.string({ maxLength: 5 }) },
      { requiredKeys: [] },
    ),
    tenant_id: fc.uuid(),
    application_id: fc.uuid(),
    borrower: fc.record(
      {
        borrowerExternalID: fc.string({ maxLength: 10 }),
        journeys: fc.array(journeyArb, { maxLength: 3 }),
        journey: journeyArb,
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["event_type", "event_id", "borrower"] },
);

/** Where a change goes: the body, its issuer, its borrower, or the borrower's first journey. */
const targetArb = fc.constantFrom("body", "issuer", "borrower", "journey");
const keyArb = fc.constantFrom(
  ...Object.keys(WebhookBody.shape),
  "source",
  "trigger",
  "borrowerExternalID",
  "journeys",
  "journey",
  "journeyID",
  "status",
  "nextAction",
  "extra",
  "__proto__",
);

function apply(body: Record<string, unknown>, target: string, key: string, value: unknown): void {
  const borrower = body.borrower as Record<string, unknown> | undefined;
  const journeys = borrower?.journeys as Record<string, unknown>[] | undefined;
  const at =
    target === "body"
      ? body
      : target === "issuer"
        ? (body.issuer as Record<string, unknown> | undefined)
        : target === "borrower"
          ? borrower
          : journeys?.[0];
  if (typeof at !== "object" || at === null) return;
  if (value === REMOVE) delete at[key];
  else Object.defineProperty(at, key, { value, enumerable: true, writable: true, configurable: true });
}

describe("the hand-written delivery reader", () => {
  it("answers only where the schema accepts, with a strictly equal value; and for the usual delivery", () => {
    let read = 0;
    fc.assert(
      fc.property(
        bodyArb,
        fc.array(fc.record({ target: targetArb, key: keyArb, value: change }), { maxLength: 3 }),
        (valid, changes) => {
          const body = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
          for (const c of changes) apply(body, c.target, c.key, c.value);
          const fast = readWebhookBody(body);
          const schema = z.safeParse(WebhookBody, body);
          if (fast !== undefined) {
            read++;
            expect(schema.success).toBe(true);
            expect(fast).toStrictEqual(schema.data);
          }
          if (!schema.success) expect(fast).toBeUndefined();
          // The usual delivery, unchanged and valid, is always read by hand.
          if (changes.length === 0 && schema.success) expect(fast).toBeDefined();
        },
      ),
      { numRuns: 10_000 },
    );
    expect(read).toBeGreaterThan(2_000);
  });
});
