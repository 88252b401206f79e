import * as z from "zod/mini";
import { HttpUrl, Money, OfferId, Timestamp } from "./primitives.js";

/** Where an offer stands: `SELECTED` once proceeded, `BLOCKED` once another offer holds the lock. */
export const OfferStatus = z.enum(["AVAILABLE", "SELECTED", "BLOCKED", "EXPIRED"]);
/** Where an offer stands. */
export type OfferStatus = z.infer<typeof OfferStatus>;

/** A lender's loan offer, with all money in paise. */
export const Offer = z.object({
  id: OfferId,
  lender: z.object({ name: z.string().check(z.minLength(1)), logoUrl: z.optional(HttpUrl) }),
  principal: Money,
  interestRate: z.number().check(z.minimum(0), z.maximum(100)),
  apr: z.number().check(z.minimum(0), z.maximum(200)),
  tenureMonths: z.int().check(z.minimum(1), z.maximum(600)),
  emi: Money,
  processingFee: Money,
  netDisbursed: Money,
  totalRepayable: Money,
  expiresAt: Timestamp,
  status: OfferStatus,
  kfsUrl: z.optional(HttpUrl),
});
/** A lender's loan offer. */
export type Offer = z.infer<typeof Offer>;

/**
 * An answer's `data` with each of its `offers` named by `id` also when the answer names it `offerID` (the platform
 * spells ids with a capital `ID` and its documented offers carry `offerID` [C16] [C17]; the headless offer's shape
 * is modelled, keyed `id`): both spellings read, so a correction is a one-line change. Anything else is returned
 * as it is. Pure; never throws.
 */
export function withOfferIDs(data: unknown): unknown {
  const offers = (data as { offers?: unknown } | null)?.offers;
  if (!Array.isArray(offers)) return data;
  return {
    ...(data as object),
    offers: offers.map((offer: unknown) => {
      if (typeof offer !== "object" || offer === null) return offer;
      const { offerID, ...rest } = offer as { offerID?: unknown; id?: unknown };
      return offerID === undefined || rest.id !== undefined ? offer : { ...rest, id: offerID };
    }),
  };
}
