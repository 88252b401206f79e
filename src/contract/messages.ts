import * as z from "zod/mini";
import { RefreshToken, SessionToken } from "./credentials.js";
import { isBoundedJson, METADATA_LIMITS } from "./json-value.js";
import { JourneyStatus } from "./lifecycle.js";
import { Offer } from "./offer.js";
import { HttpUrl, JourneyId, OfferId, Timestamp } from "./primitives.js";
import { Session } from "./session.js";
import { NextAction } from "./snapshot.js";
import { JourneyStateData } from "./state-data.js";
import { Step, StepAction } from "./step.js";

/** A journey's product: `PERSONAL_LOAN` or `GOLD_LOAN` [L4] [C3]; an open set, so a new product passes as a string. */
export const JourneyType = z.string().check(z.minLength(1), z.maxLength(64));
/** A journey's product. */
export type JourneyType = "PERSONAL_LOAN" | "GOLD_LOAN" | (string & {});

/** The journey types the platform documents. */
export const JOURNEY_TYPES = ["PERSONAL_LOAN", "GOLD_LOAN"] as const;

/** What the platform says of a journey at bootstrap and creation: `{ journeyID, status, nextAction }` [L3] [L4]. */
export const JourneySummary = z.object({
  journeyID: JourneyId,
  status: JourneyStatus,
  nextAction: NextAction,
});
/** A journey's id, status and next action, as bootstrap and creation answer. */
export type JourneySummary = z.infer<typeof JourneySummary>;

/** The prefill a session bootstrap may carry [L4]: all optional, formats checked by the platform. */
export const SessionPrefill = z.object({
  contactNumber: z.optional(z.string().check(z.maxLength(16))),
  pan: z.optional(z.string().check(z.maxLength(16))),
  panName: z.optional(z.string().check(z.maxLength(128))),
  personalemail: z.optional(z.string().check(z.maxLength(254))),
});
/** The prefill a session bootstrap may carry. */
export type SessionPrefill = z.infer<typeof SessionPrefill>;

/**
 * `POST /api/v1/headless/sessions` body [L4]: the partner's stable borrower id, the product, optional prefill.
 * `returnUrl` is a sandbox extension (where hosted steps send the borrower back; modelled, the docs are silent).
 */
export const CreateSessionRequest = z.object({
  // Never blank [L4]: the platform's own partner example refuses one before calling.
  borrowerExternalID: z.string().check(z.maxLength(128), z.regex(/\S/, "must not be empty or blank")),
  journeyType: z.optional(JourneyType),
  profile: z.optional(SessionPrefill),
  returnUrl: z.optional(HttpUrl),
});
/** `POST /sessions` body. */
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

/**
 * `POST /sessions` answer's `data` [L4]: the borrower, the token pair with expiries, and the borrower's active
 * journey (`null` when there is none: the app then creates one with `POST /journeys`).
 */
export const CreateSessionResponse = z.object({
  borrowerID: z.string().check(z.minLength(1), z.maxLength(128)),
  borrowerExternalID: z.string(),
  sessionToken: SessionToken,
  refreshToken: RefreshToken,
  sessionExpiresAt: Timestamp,
  refreshExpiresAt: Timestamp,
  activeJourney: z.nullable(JourneySummary),
});
/** `POST /sessions` answer. */
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>;

/** The request's one free value: JSON, bounded (a 100,000-deep object once overflowed `JSON.stringify`). */
const METADATA_MESSAGE = `must be a JSON object, at most ${METADATA_LIMITS.maxDepth} levels deep and ${METADATA_LIMITS.maxChars} characters`;

/** `POST /api/v1/headless/journeys` body [L3]: the product and free metadata (e.g. `{ source: "web_app" }`). */
export const CreateJourneyRequest = z.object({
  type: JourneyType,
  metadata: z.optional(
    z
      .record(z.string(), z.unknown())
      .check(z.refine((value) => isBoundedJson(value, METADATA_LIMITS), METADATA_MESSAGE)),
  ),
});
/** `POST /journeys` body. */
export type CreateJourneyRequest = z.infer<typeof CreateJourneyRequest>;

/** `POST /sessions/refresh` body. */
export const RefreshSessionRequest = z.object({ refreshToken: RefreshToken });
/** `POST /sessions/refresh` body. */
export type RefreshSessionRequest = z.infer<typeof RefreshSessionRequest>;

/** `POST /sessions/refresh` answer: a new token pair. */
export const RefreshSessionResponse = z.object({ session: Session });
/** `POST /sessions/refresh` answer. */
export type RefreshSessionResponse = z.infer<typeof RefreshSessionResponse>;

/** `GET /journeys` answer: each journey's state as sent (a listing, not ordered: no `asOf`). */
export const JourneyList = z.object({
  journeys: z.array(z.extend(JourneyStateData, { journeyID: JourneyId })),
});
/** `GET /journeys` answer. */
export type JourneyList = z.infer<typeof JourneyList>;

/** `GET /journeys/{id}/offers` answer. */
export const OfferList = z.object({ offers: z.array(Offer), lockedOfferID: z.optional(OfferId) });
/** `GET /journeys/{id}/offers` answer. */
export type OfferList = z.infer<typeof OfferList>;

/** `GET /offers/{offerID}/steps` answer [L3]. */
export const StepList = z.object({ steps: z.array(Step) });
/** `GET /offers/{offerID}/steps` answer [L3]. */
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
