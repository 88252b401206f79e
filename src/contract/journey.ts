import * as z from "zod/mini";
import { Offer } from "./offer.js";
import { Timestamp } from "./primitives.js";
import { JourneySnapshot } from "./snapshot.js";
import { JourneyStateData } from "./state-data.js";
import { Step } from "./step.js";

/** Where the borrower's profile stands. */
export const ProfileStatus = z.enum(["NOT_SUBMITTED", "SUBMITTED", "VERIFIED", "REJECTED"]);
/** Where the borrower's profile stands. */
export type ProfileStatus = z.infer<typeof ProfileStatus>;

/** What the full journey adds to its state (modelled: the platform documents the path only). */
const JOURNEY_EXTRAS = {
  createdAt: Timestamp,
  borrower: z.object({ borrowerExternalID: z.string().check(z.minLength(1)) }),
  profileStatus: ProfileStatus,
  offers: z.array(Offer),
  steps: z.array(Step),
};

/** The `data` of `GET /journeys/{id}` as sent: the state data plus borrower, profile status, offers and steps. */
export const JourneyData = z.extend(JourneyStateData, JOURNEY_EXTRAS);
/** The full journey's `data`, as sent. */
export type JourneyData = z.infer<typeof JourneyData>;

/** The full journey as the SDK holds it: the snapshot (stamped with `asOf`) plus offers, steps and the rest. */
export const Journey = z.extend(JourneySnapshot, JOURNEY_EXTRAS);
/** The full journey. */
export type Journey = z.infer<typeof Journey>;
