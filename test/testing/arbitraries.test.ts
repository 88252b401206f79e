import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isEnded, isExpectedEdge, safeParseSnapshot } from "../../src/contract/index.js";
import {
  borrowerIntentArb,
  deliveryScheduleArb,
  historyWithScheduleArb,
  serverHistoryArb,
} from "../../src/testing/index.js";

describe("credit-journey/testing arbitraries", () => {
  it("serverHistoryArb: valid snapshots, strictly increasing asOfs, only expected edges, nothing after an end", () => {
    fc.assert(
      fc.property(serverHistoryArb(), (history) => {
        expect(history.length).toBeGreaterThan(0);
        for (const [i, s] of history.entries()) {
          expect(safeParseSnapshot(s).ok).toBe(true);
          const prev = history[i - 1];
          if (prev === undefined) continue;
          expect(s.asOf).toBeGreaterThan(prev.asOf);
          expect(isExpectedEdge(prev.status, s.status)).toBe(true);
          expect(isEnded(prev.status)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
  it("serverHistoryArb: never longer than maxLength (an end included), and a maxLength below 1 is refused by name", () => {
    for (const maxLength of [1, 2, 3]) {
      fc.assert(
        fc.property(serverHistoryArb({ maxLength }), (history) => {
          expect(history.length).toBeLessThanOrEqual(maxLength);
        }),
        { numRuns: 300 },
      );
    }
    expect(() => serverHistoryArb({ maxLength: 0 })).toThrow(/maxLength/);
    expect(() => serverHistoryArb({ maxLength: 1.5 })).toThrow(RangeError);
  });
  it("deliveryScheduleArb: only the history's snapshots, each at most 3 times, times increasing", () => {
    fc.assert(
      fc.property(historyWithScheduleArb(), ({ history, schedule }) => {
        for (const d of schedule) expect(history).toContain(d.snapshot);
        for (const s of history)
          expect(schedule.filter((d) => d.snapshot === s).length).toBeLessThanOrEqual(3);
        for (let i = 1; i < schedule.length; i++)
          expect(schedule[i]!.at).toBeGreaterThan(schedule[i - 1]!.at);
      }),
      { numRuns: 300 },
    );
  });
  it("deliveryScheduleArb: drops, duplicates and reorders do all occur; keepLast keeps the newest", () => {
    const seen = { dropped: false, duplicated: false, reordered: false, sources: new Set<string>() };
    fc.assert(
      fc.property(
        serverHistoryArb({ maxLength: 6 }).chain((h) =>
          deliveryScheduleArb(h, { keepLast: true }).map((s) => ({ h, s })),
        ),
        ({ h, s }) => {
          expect(s.some((d) => d.snapshot === h.at(-1))).toBe(true);
          if (h.some((x) => !s.some((d) => d.snapshot === x))) seen.dropped = true;
          if (new Set(s.map((d) => d.snapshot)).size < s.length) seen.duplicated = true;
          if (s.some((d, i) => i > 0 && d.snapshot.asOf < s[i - 1]!.snapshot.asOf)) seen.reordered = true;
          for (const d of s) seen.sources.add(d.source);
        },
      ),
      { numRuns: 300 },
    );
    expect(seen).toMatchObject({ dropped: true, duplicated: true, reordered: true });
    expect([...seen.sources].sort()).toEqual(["poll", "push", "response", "webhook"]);
  });
  it("borrowerIntentArb: every mutating intent carries an idempotency key", () => {
    fc.assert(
      fc.property(borrowerIntentArb(), (intent) => {
        if (intent.type !== "mutation.retry")
          expect((intent as { idempotencyKey?: string }).idempotencyKey).toMatch(/.+/);
      }),
      { numRuns: 300 },
    );
  });
});
