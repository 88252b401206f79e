import * as z from "zod/mini";
import { RefreshToken } from "./credentials.js";
import { Offer } from "./offer.js";
import { HttpUrl, JourneyId, OfferId } from "./primitives.js";
import { Session } from "./session.js";
import { JourneySnapshot } from "./snapshot.js";
import { Step, StepAction } from "./step.js";

/** `POST /sessions` body: create a borrower session, resuming the borrower's open journey if any. */
export const CreateSessionRequest = z.object({
  borrower: z.object({
    borrowerExternalID: z.string().check(z.minLength(1), z.maxLength(128)),
    phone: z.optional(z.string().check(z.regex(/^\+91[6-9][0-9]{9}$/, "must be +91 followed by 10 digits"))),
    email: z.optional(z.email()),
  }),
  journeyID: z.optional(JourneyId),
  returnUrl: z.optional(HttpUrl),
});
/** `POST /sessions` body. */
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

/** `POST /sessions` answer (201): the session, the journey's snapshot, and whether it was resumed. */
export const CreateSessionResponse = z.object({
  session: Session,
  journey: JourneySnapshot,
  resumed: z.boolean(),
});
/** `POST /sessions` answer. */
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>;

/** `POST /sessions/refresh` body. */
export const RefreshSessionRequest = z.object({ refreshToken: RefreshToken });
/** `POST /sessions/refresh` body. */
export type RefreshSessionRequest = z.infer<typeof RefreshSessionRequest>;

/** `POST /sessions/refresh` answer: a new token pair. */
export const RefreshSessionResponse = z.object({ session: Session });
/** `POST /sessions/refresh` answer. */
export type RefreshSessionResponse = z.infer<typeof RefreshSessionResponse>;

/** `GET /journeys` answer. */
export const JourneyList = z.object({ journeys: z.array(JourneySnapshot) });
/** `GET /journeys` answer. */
export type JourneyList = z.infer<typeof JourneyList>;

/** `GET /journeys/{id}/offers` answer. */
export const OfferList = z.object({ offers: z.array(Offer), lockedOfferID: z.optional(OfferId) });
/** `GET /journeys/{id}/offers` answer. */
export type OfferList = z.infer<typeof OfferList>;

/** `GET /journeys/{id}/steps` answer. */
export const StepList = z.object({ steps: z.array(Step) });
/** `GET /journeys/{id}/steps` answer. */
export type StepList = z.infer<typeof StepList>;

/** `POST /journeys/{id}/steps/{stepID}/actions` body. `data` carries a FORM's values on `SUBMIT`. */
export const StepActionRequest = z.object({
  action: StepAction,
  data: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
});
/** `POST /journeys/{id}/steps/{stepID}/actions` body. */
export type StepActionRequest = z.infer<typeof StepActionRequest>;

/** `POST /journeys/{id}/aa/consents` body (empty: the consent is for the journey's current AA step). */
export const CreateConsentRequest = z.object({});
/** `POST /journeys/{id}/aa/consents` body. */
export type CreateConsentRequest = z.infer<typeof CreateConsentRequest>;
