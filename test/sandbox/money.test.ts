import { describe, expect, it } from "vitest";
import {
  amortise,
  aprPercent,
  emiPaise,
  foreclosureAmount,
  repaymentSchedule,
} from "../../src/sandbox/index.js";
import { offerTerms, SANDBOX_LENDERS } from "../../src/sandbox/lenders.js";
import { addMonths } from "../../src/sandbox/money.js";

describe("money math", () => {
  it("computes the EMI from P·r·(1+r)^n/((1+r)^n−1), rounded to the paisa", () => {
    // ₹1,00,000 at 12% over 12 months: the textbook EMI is ₹8,884.88.
    expect(emiPaise(10_000_000, 12, 12)).toBe(888_488);
    // ₹5,00,000 at 10.5% over 60 months: ₹10,746.95.
    expect(emiPaise(50_000_000, 10.5, 60)).toBe(1_074_695);
    expect(emiPaise(1200, 0, 12)).toBe(100);
  });
  it("builds a schedule whose principal parts sum exactly to the principal", () => {
    for (const [p, rate, n] of [
      [10_000_000, 12, 12],
      [12_345_678, 16.5, 36],
      [99_999, 21, 48],
    ] as const) {
      const rows = amortise(p, rate, n);
      expect(rows).toHaveLength(n);
      expect(rows.reduce((s, r) => s + r.principal, 0)).toBe(p);
      expect(rows.at(-1)?.balanceAfter).toBe(0);
      for (const row of rows) expect(row.amount).toBe(row.principal + row.interest);
      const emi = emiPaise(p, rate, n);
      for (const row of rows.slice(0, -1)) expect(row.amount).toBe(emi);
      expect(Math.abs((rows.at(-1)?.amount ?? 0) - emi)).toBeLessThanOrEqual(n);
    }
  });
  it("gives an APR equal to the rate without fees and above it with a fee", () => {
    const rows = amortise(10_000_000, 12, 12).map((r) => r.amount);
    expect(aprPercent(10_000_000, rows)).toBeCloseTo(12, 1);
    expect(aprPercent(9_800_000, rows)).toBeGreaterThan(15);
  });
  it("derives every lender's offer terms consistently", () => {
    for (const lender of SANDBOX_LENDERS) {
      const terms = offerTerms(lender, 8_000_000);
      expect(terms.netDisbursed + terms.processingFee).toBe(terms.principal);
      expect(terms.totalRepayable).toBeGreaterThan(terms.principal);
      expect(terms.apr).toBeGreaterThan(lender.interestRate);
      expect(Number.isInteger(terms.emi)).toBe(true);
    }
  });
  it("dates instalments monthly, clamping to the month's end", () => {
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2026-11-15", 2)).toBe("2027-01-15");
    const schedule = repaymentSchedule(10_000_000, 12, 3, "2026-01-10", 1);
    expect(schedule.map((i) => [i.dueDate, i.status])).toEqual([
      ["2026-02-10", "PAID"],
      ["2026-03-10", "NOT_PAID"],
      ["2026-04-10", "NOT_PAID"],
    ]);
  });
  it("quotes foreclosure as outstanding principal + accrued interest + charge", () => {
    // Nothing paid, 15 days in, 2% charge: 1,00,000 + 500 (half a month at 1%) + 2,000.
    expect(foreclosureAmount(10_000_000, 12, 12, 0, 15, 2)).toBe(10_000_000 + 50_000 + 200_000);
  });
});
