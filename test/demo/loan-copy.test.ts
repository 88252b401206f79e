/** The repayment table's states as a borrower reads them. */
import { describe, expect, it } from "vitest";
import { instalmentStatus } from "../../src/demo/web/screens/loan-screen.js";

describe("instalment status copy", () => {
  it("calls a future unpaid instalment Upcoming and a past one Due, never 'Not paid'", () => {
    const today = new Date("2026-12-02T10:00:00Z");
    expect(instalmentStatus("NOT_PAID", "2027-01-05", today)).toBe("Upcoming");
    expect(instalmentStatus("NOT_PAID", "2026-11-05", today)).toBe("Due");
    expect(instalmentStatus("DELAYED", "2026-11-05", today)).toBe("Paid late");
    expect(instalmentStatus("PAID", "2026-11-05", today)).toBe("Paid");
  });
});
