import type { Installment, Money } from "../contract/index.js";

/** Wraps an amount of paise as INR money. */
export function inr(paise: number): Money {
  return { amount: paise, currency: "INR" };
}

/**
 * The monthly instalment, in paise, of `principal` paise at `annualRatePercent` over `tenureMonths`:
 * EMI = P·r·(1+r)^n / ((1+r)^n − 1) with r the monthly rate, rounded to the nearest paisa
 * (a zero rate gives P/n, rounded up so the schedule never under-collects).
 * @throws {RangeError} when the tenure is not a positive integer or an amount/rate is negative.
 */
export function emiPaise(principal: number, annualRatePercent: number, tenureMonths: number): number {
  if (!Number.isInteger(tenureMonths) || tenureMonths < 1) throw new RangeError("tenureMonths must be >= 1");
  if (principal < 0 || annualRatePercent < 0) throw new RangeError("principal and rate must be >= 0");
  const r = annualRatePercent / 12 / 100;
  if (r === 0) return Math.ceil(principal / tenureMonths);
  const growth = (1 + r) ** tenureMonths;
  return Math.round((principal * r * growth) / (growth - 1));
}

/** One row of an amortisation schedule, in paise. */
export interface AmortisationRow {
  readonly seq: number;
  readonly amount: number;
  readonly principal: number;
  readonly interest: number;
  readonly balanceAfter: number;
}

/**
 * The reducing-balance schedule: each month's interest is the balance × r rounded to the nearest
 * paisa, the rest of the EMI repays principal, and the last instalment clears whatever principal is
 * left (so it may differ from the EMI by a few paise). Amounts are exact integers that sum to the principal.
 * @throws {RangeError} as {@link emiPaise}.
 */
export function amortise(
  principal: number,
  annualRatePercent: number,
  tenureMonths: number,
): AmortisationRow[] {
  const emi = emiPaise(principal, annualRatePercent, tenureMonths);
  const r = annualRatePercent / 12 / 100;
  const rows: AmortisationRow[] = [];
  let balance = principal;
  for (let seq = 1; seq <= tenureMonths; seq++) {
    const interest = Math.round(balance * r);
    const repaid = seq === tenureMonths ? balance : Math.min(balance, emi - interest);
    balance -= repaid;
    rows.push({ seq, amount: repaid + interest, principal: repaid, interest, balanceAfter: balance });
  }
  return rows;
}

/**
 * The annual percentage rate, fees included: the monthly internal rate of return i that equates the
 * net amount disbursed with the scheduled instalments (Σ amountₖ/(1+i)^k = net), times 12, in percent,
 * rounded to two decimals. Solved by bisection.
 * @throws {RangeError} when `netDisbursed` is not positive.
 */
export function aprPercent(netDisbursed: number, instalments: readonly number[]): number {
  if (!(netDisbursed > 0)) throw new RangeError("netDisbursed must be > 0");
  const presentValue = (i: number): number =>
    instalments.reduce((sum, amount, k) => sum + amount / (1 + i) ** (k + 1), 0);
  let low = 0;
  let high = 1;
  for (let iteration = 0; iteration < 200; iteration++) {
    const mid = (low + high) / 2;
    if (presentValue(mid) > netDisbursed) low = mid;
    else high = mid;
  }
  return Math.round(((low + high) / 2) * 12 * 100 * 100) / 100;
}

/** Adds whole calendar months to a `YYYY-MM-DD` day, clamping to the month's last day; never throws. */
export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  const firstOfTarget = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(
    Date.UTC(firstOfTarget.getUTCFullYear(), firstOfTarget.getUTCMonth() + 1, 0),
  ).getUTCDate();
  firstOfTarget.setUTCDate(Math.min(d, lastDay));
  return firstOfTarget.toISOString().slice(0, 10);
}

/**
 * The repayment schedule of a loan disbursed on `disbursedOn` (`YYYY-MM-DD`): instalment k falls due k
 * months later. `paidThrough` instalments are marked PAID, the rest NOT_PAID.
 * @throws {RangeError} as {@link emiPaise}.
 */
export function repaymentSchedule(
  principal: number,
  annualRatePercent: number,
  tenureMonths: number,
  disbursedOn: string,
  paidThrough = 0,
): Installment[] {
  return amortise(principal, annualRatePercent, tenureMonths).map((row) => ({
    seq: row.seq,
    dueDate: addMonths(disbursedOn, row.seq),
    amount: inr(row.amount),
    principal: inr(row.principal),
    interest: inr(row.interest),
    status: row.seq <= paidThrough ? "PAID" : "NOT_PAID",
  }));
}

/**
 * What closes a loan today, in paise: the principal still outstanding after the paid instalments, plus
 * interest accrued on it since the last due date (actual days / 30 of a month's interest, rounded to
 * the nearest paisa), plus a foreclosure charge of `chargePercent` of the outstanding principal.
 * @throws {RangeError} as {@link emiPaise}.
 */
export function foreclosureAmount(
  principal: number,
  annualRatePercent: number,
  tenureMonths: number,
  paidThrough: number,
  daysSinceLastDue: number,
  chargePercent: number,
): number {
  const rows = amortise(principal, annualRatePercent, tenureMonths);
  const outstanding = paidThrough === 0 ? principal : (rows[paidThrough - 1]?.balanceAfter ?? 0);
  const accrued = Math.round((outstanding * (annualRatePercent / 12 / 100) * daysSinceLastDue) / 30);
  const charge = Math.round((outstanding * chargePercent) / 100);
  return outstanding + accrued + charge;
}
