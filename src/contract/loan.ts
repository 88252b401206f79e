import * as z from "zod/mini";
import { CalendarDate, HttpUrl, LoanId, Money, Timestamp } from "./primitives.js";
import { RedirectResource } from "./resource.js";

/** The loan, once disbursed. */
export const Loan = z.object({
  loanID: LoanId,
  principal: Money,
  disbursedAmount: Money,
  disbursedAt: Timestamp,
  interestRate: z.number().check(z.minimum(0), z.maximum(100)),
  apr: z.number().check(z.minimum(0), z.maximum(200)),
  tenureMonths: z.int().check(z.minimum(1), z.maximum(600)),
  emi: Money,
  status: z.enum(["ACTIVE", "CLOSED", "FORECLOSED"]),
  documents: z.array(z.object({ kind: z.enum(["LOAN_AGREEMENT", "KFS", "SANCTION_LETTER"]), url: HttpUrl })),
});
/** The loan, once disbursed. */
export type Loan = z.infer<typeof Loan>;

/** One instalment of the repayment schedule. */
export const Installment = z.object({
  seq: z.int().check(z.minimum(1)),
  dueDate: CalendarDate,
  amount: Money,
  principal: Money,
  interest: Money,
  status: z.enum(["NOT_PAID", "PAID", "DELAYED", "DEFERRED"]),
});
/** One instalment of the repayment schedule. */
export type Installment = z.infer<typeof Installment>;

/** `GET /journeys/{id}/loan/schedule`. */
export const Schedule = z.object({ installments: z.array(Installment) });
/** The repayment schedule. */
export type Schedule = z.infer<typeof Schedule>;

/** `POST /journeys/{id}/loan/foreclosure`: the amount to close the loan today and a payment link. */
export const ForeclosureQuote = z.object({ amount: Money, resource: RedirectResource });
/** A foreclosure quote with its payment link. */
export type ForeclosureQuote = z.infer<typeof ForeclosureQuote>;
