/**
 * What a snapshot's order key and its comparison rest on: `asOf` only from an ISO-8601 time with its offset (never
 * a host-time-zone reading), and "the same state" never fooled by an own `__proto__` key of a parsed body.
 */
import { describe, expect, it } from "vitest";
import { sameJson } from "../../src/contract/same-json.js";
import { isSameState, stampSnapshot } from "../../src/contract/snapshot.js";
import { journey } from "../../src/journey/index.js";
import { snapshotFixture } from "../../src/testing/fixtures.js";

const JID = "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9";

describe("stampSnapshot", () => {
  it("takes asOf from an ISO-8601 time with Z or an offset", () => {
    expect(stampSnapshot({ status: "KYC_PENDING" }, JID, "2026-03-05T16:48:20.000Z")).toMatchObject({
      asOf: Date.UTC(2026, 2, 5, 16, 48, 20),
    });
    expect(stampSnapshot({ status: "KYC_PENDING" }, JID, "2026-03-05T22:18:20+05:30")).toMatchObject({
      asOf: Date.UTC(2026, 2, 5, 16, 48, 20),
    });
  });

  it("refuses a time without an offset, a bare number, an RFC 2822 date and a day the calendar lacks", () => {
    for (const at of [
      "2026-03-05T16:48:20",
      "2026-03-05 16:48:20Z",
      "12",
      "Thu, 05 Mar 2026 16:48:20 GMT",
      "2026-02-30T10:00:00Z",
    ])
      expect(stampSnapshot({ status: "KYC_PENDING" }, JID, at), at).toBeUndefined();
  });
});

describe("sameJson", () => {
  it("does not read an own __proto__ key as the other side's prototype", () => {
    expect(sameJson(JSON.parse('{"__proto__":{}}'), { a: 1 })).toBe(false);
    expect(sameJson(JSON.parse('{"__proto__":{}}'), JSON.parse('{"__proto__":{}}'))).toBe(true);
  });

  it("keeps a snapshot that lost a field for an own __proto__ apart from the held one: a tie, re-fetched", () => {
    const held = snapshotFixture({ status: "OFFERS_AVAILABLE", lockedOfferID: "ofr_A", asOf: 5 });
    const { lockedOfferID: _dropped, ...rest } = held;
    const raw = JSON.parse(JSON.stringify(rest).replace(/^\{/, '{"__proto__":{},'));
    expect(isSameState(raw, held)).toBe(false);
    const s0 = journey.initial({ journeyID: held.journeyID, snapshot: held, at: 1 });
    const r = journey.reduce(s0, { type: "snapshot.received", snapshot: raw, source: "webhook", at: 2 });
    expect(r.rejected).toBeUndefined();
    expect(r.commands.map((c) => c.type)).toContain("fetchJourney");
  });
});
