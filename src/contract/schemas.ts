import { AaConsent } from "./aa.js";
import { ErrorBody } from "./error-body.js";
import { Journey, JourneyData, ProfileStatus } from "./journey.js";
import { JourneyStatus } from "./lifecycle.js";
import { ForeclosureQuote, Installment, Loan, Schedule } from "./loan.js";
import {
  CreateConsentRequest,
  CreateJourneyRequest,
  CreateSessionRequest,
  CreateSessionResponse,
  JourneyList,
  JourneySummary,
  OfferList,
  RefreshSessionRequest,
  RefreshSessionResponse,
  StepActionRequest,
  StepList,
} from "./messages.js";
import { Offer } from "./offer.js";
import { type ParseResult, parse, safeParse } from "./parse.js";
import { Money } from "./primitives.js";
import { Profile, ProfileSubmitRequest } from "./profile.js";
import { Resource } from "./resource.js";
import { Session } from "./session.js";
import { ActionRequired, Diagnostics, JourneySnapshot, NextAction } from "./snapshot.js";
import { JourneyStateData } from "./state-data.js";
import { Step } from "./step.js";
import { WebhookConfiguration, WebhookSubscribeRequest } from "./subscription.js";
import { WebhookBody } from "./webhook.js";

/** Every named payload schema of the contract, keyed by the name used in errors and in `docs/openapi.json`. */
export const CONTRACT_SCHEMAS = {
  Money,
  JourneyStatus,
  NextAction,
  ActionRequired,
  Diagnostics,
  Resource,
  JourneyStateData,
  Offer,
  Step,
  ProfileStatus,
  JourneyData,
  Profile,
  ProfileSubmitRequest,
  AaConsent,
  Loan,
  Installment,
  Schedule,
  ForeclosureQuote,
  Session,
  CreateSessionRequest,
  CreateSessionResponse,
  JourneySummary,
  CreateJourneyRequest,
  RefreshSessionRequest,
  RefreshSessionResponse,
  JourneyList,
  OfferList,
  StepList,
  StepActionRequest,
  CreateConsentRequest,
  WebhookBody,
  WebhookSubscribeRequest,
  WebhookConfiguration,
  ErrorBody,
} as const;

/**
 * Parses a journey snapshot from untrusted JSON; unknown keys are stripped.
 * @throws {ContractError} naming every failing path.
 */
export function parseSnapshot(input: unknown): JourneySnapshot {
  return parse(JourneySnapshot, input, "JourneySnapshot");
}

/** Non-throwing {@link parseSnapshot}. */
export function safeParseSnapshot(input: unknown): ParseResult<JourneySnapshot> {
  return safeParse(JourneySnapshot, input, "JourneySnapshot");
}

/**
 * Parses a webhook body (already JSON-decoded) [L6]; unknown keys are stripped.
 * @throws {ContractError} naming every failing path.
 */
export function parseWebhookBody(input: unknown): WebhookBody {
  return parse(WebhookBody, input, "WebhookBody");
}

/**
 * Parses a full journey from untrusted JSON.
 * @throws {ContractError} naming every failing path.
 */
export function parseJourney(input: unknown): Journey {
  return parse(Journey, input, "Journey");
}
