import * as z from "zod/mini";
import { ConsentId, Timestamp } from "./primitives.js";
import { RedirectResource } from "./resource.js";

/** An account-aggregator consent; the borrower approves it on the aggregator's hosted page. */
export const AaConsent = z.object({
  id: ConsentId,
  status: z.enum(["PENDING", "ACTIVE", "REJECTED", "REVOKED", "PAUSED", "EXPIRED"]),
  resource: RedirectResource,
  createdAt: Timestamp,
});
/** An account-aggregator consent. */
export type AaConsent = z.infer<typeof AaConsent>;
