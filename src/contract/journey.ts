import * as z from "zod/mini";
import { Offer } from "./offer.js";
import { Timestamp } from "./primitives.js";
import { JourneySnapshot } from "./snapshot.js";
import { Step } from "./step.js";

/** Where the borrower's profile stands. */
export const ProfileStatus = z.enum(["NOT_SUBMITTED", "SUBMITTED", "VERIFIED", "REJECTED"]);
/** Where the borrower's profile stands. */
export type ProfileStatus = z.infer<typeof ProfileStatus>;

/** The full journey, `GET /journeys/{id}`: the snapshot plus borrower, profile status, offers and steps. */
export const Journey = z.extend(JourneySnapshot, {
  createdAt: Timestamp,
  borrower: z.object({ borrowerExternalID: z.string().check(z.minLength(1)) }),
  profileStatus: ProfileStatus,
  offers: z.array(Offer),
  steps: z.array(Step),
});
/** The full journey. */
export type Journey = z.infer<typeof Journey>;
