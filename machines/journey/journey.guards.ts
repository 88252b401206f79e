import {
  isEnded,
  isExpectedEdge,
  isSameState,
  isThinState,
  type JourneySnapshot,
  type JourneyStatus,
  type Offer,
} from "../../src/contract/index.js";
import { INTENTS, type MutatingIntent } from "./journey.intents.js";
import type { JourneyContext, JourneyEvent, MutationKind, RejectionReason } from "./journey.types.js";

/** The order key the context holds: the newest `asOf` seen (0 before the first snapshot). */
export function heldAsOf(context: JourneyContext): number {
  return context.asOf;
}

/** True when the journey has reached `REJECTED`, `EXPIRED` or `CLOSED`. */
export function isJourneyEnded(context: JourneyContext): boolean {
  return context.snapshot !== null && isEnded(context.snapshot.status);
}

/** The snapshot an event carries (`snapshot.received`, or the snapshot part of `journey.loaded`), if any. */
export function incomingSnapshot(event: JourneyEvent): JourneySnapshot | undefined {
  if (event.type === "snapshot.received") return event.snapshot;
  if (event.type === "journey.loaded") return event.journey;
  return undefined;
}

/** `isNewerSnapshot`: the event's snapshot is later (`asOf`) than the held order key. */
export function isNewerSnapshot(context: JourneyContext, event: JourneyEvent): boolean {
  const snapshot = incomingSnapshot(event);
  return snapshot !== undefined && snapshot.asOf > heldAsOf(context);
}

/**
 * `isTiedSnapshot`: a snapshot at the held order key that says something else. The platform's time cannot tell
 * which of the two is newer, so neither is trusted: hold it and re-fetch (server authority).
 */
export function isTiedSnapshot(context: JourneyContext, event: JourneyEvent): boolean {
  return (
    event.type === "snapshot.received" &&
    context.snapshot !== null &&
    event.snapshot.asOf === heldAsOf(context) &&
    !isSameState(context.snapshot, event.snapshot)
  );
}

/**
 * Whether a snapshot a host heard (a poll's answer, a pushed frame) is news to the context, so the reducer must see
 * it: later than the held order key, or at it saying something else (a tie, which the reducer holds and re-fetches).
 * A thin one (a relayed webhook) at the held key is news only when its status or nextAction differs.
 */
export function isNewsTo(context: JourneyContext, snapshot: JourneySnapshot): boolean {
  const held = heldAsOf(context);
  if (snapshot.asOf !== held) return snapshot.asOf > held;
  const known = context.snapshot;
  if (known === null) return false;
  if (isThinState(snapshot))
    return known.status !== snapshot.status || known.nextAction !== snapshot.nextAction;
  return !isSameState(known, snapshot);
}

/** `isExpectedEdge`: the lifecycle expects the move from the held status to the event's (anything before the first). */
export function isExpectedSnapshotEdge(context: JourneyContext, event: JourneyEvent): boolean {
  const snapshot = incomingSnapshot(event);
  if (snapshot === undefined) return false;
  return context.snapshot === null || isExpectedEdge(context.snapshot.status, snapshot.status);
}

/** A newer snapshot on an edge the lifecycle expects, landing in `status`. */
export function isSnapshotTo(context: JourneyContext, event: JourneyEvent, status: JourneyStatus): boolean {
  return (
    event.type === "snapshot.received" &&
    event.snapshot.status === status &&
    isNewerSnapshot(context, event) &&
    isExpectedSnapshotEdge(context, event)
  );
}

/** A newer snapshot in the same status as the held one (diagnostics, resources or counts changed). */
export function isNewerSameStatus(context: JourneyContext, event: JourneyEvent): boolean {
  return (
    event.type === "snapshot.received" &&
    context.snapshot !== null &&
    event.snapshot.status === context.snapshot.status &&
    isNewerSnapshot(context, event)
  );
}

/**
 * A newer snapshot on an edge the lifecycle does not expect, or a tied one (see {@link isTiedSnapshot}): hold it
 * and re-fetch the journey.
 */
export function isUnexpectedEdge(context: JourneyContext, event: JourneyEvent): boolean {
  return (
    event.type === "snapshot.received" &&
    ((isNewerSnapshot(context, event) && !isExpectedSnapshotEdge(context, event)) ||
      isTiedSnapshot(context, event))
  );
}

/**
 * Whether a re-fetched journey settles a held tie: the snapshot held aside was at the held order key (two states
 * at one `asOf`), and the whole journey, read at that key, says which (server authority).
 */
export function settlesTie(context: JourneyContext, journey: JourneySnapshot): boolean {
  return (
    context.held !== null &&
    context.held.snapshot.asOf === heldAsOf(context) &&
    journey.asOf === heldAsOf(context)
  );
}

/** Whether a re-fetched journey is what the journey now is: newer than the held snapshot, or settling a tie. */
export function isLoadedJourneyCurrent(context: JourneyContext, journey: JourneySnapshot): boolean {
  return journey.asOf > heldAsOf(context) || settlesTie(context, journey);
}

/**
 * A re-fetched journey, newer than the held snapshot (or settling a held tie), that moves an open journey to
 * `status` (server authority).
 */
export function isLoadedJourneyIn(
  context: JourneyContext,
  event: JourneyEvent,
  status: JourneyStatus,
): boolean {
  return (
    event.type === "journey.loaded" &&
    !isJourneyEnded(context) &&
    event.journey.status === status &&
    event.journey.status !== context.snapshot?.status &&
    isLoadedJourneyCurrent(context, event.journey)
  );
}

/** The offer the journey is locked to: the platform's lock, else this client's own proceeded claim. */
export function lockedOfferID(context: JourneyContext): string | null {
  return context.snapshot?.lockedOfferID ?? context.claimedOfferID;
}

/** Whether an offer has expired at `at` (epoch ms), by status or by its `expiresAt`. */
export function isOfferExpired(offer: Offer, at: number): boolean {
  return offer.status === "EXPIRED" || Date.parse(offer.expiresAt) <= at;
}

/** Whether an idempotency key was already used by another mutation of this journey. */
export function isKeyUsed(context: JourneyContext, key: string): boolean {
  return context.issuedKeys.includes(key);
}

/**
 * Why `offerID` cannot be proceeded at `at`, or `null` when it can: the offer lock, then the journey's
 * state, then the offer itself. Pure; never throws.
 */
export function offerBlockReason(
  context: JourneyContext,
  offerID: string,
  at: number,
  idempotencyKey?: string,
): RejectionReason | null {
  if (isJourneyEnded(context)) return "JOURNEY_ENDED";
  const locked = lockedOfferID(context);
  if (locked === offerID) return "OFFER_ALREADY_PROCEEDED";
  if (locked !== null) return "OFFER_LOCK_CONFLICT";
  if (context.pendingMutation !== null) return "MUTATION_IN_FLIGHT";
  // After a conflict (another offer proceeded first: 409 OFFER_LOCK_CONFLICT) the held offers are stale: the
  // journey and its offers are read again before any offer is proceeded [L7]; so too while an anomaly is held (the
  // journey's state is in doubt). A read asked for the offers alone (a count that disagrees) does not hold it up.
  if (context.polling.awaitingReaction || context.refetch === "resync" || context.refetch === "anomaly")
    return "AWAITING_PLATFORM";
  if (context.snapshot === null || !isAskedFor(context.snapshot, "offer.select", undefined))
    return "INVALID_STATE";
  const offer = context.offers?.find((o) => o.id === offerID);
  if (offer === undefined) return "UNKNOWN_OFFER";
  if (offer.status === "BLOCKED") return "OFFER_LOCK_CONFLICT";
  if (isOfferExpired(offer, at)) return "OFFER_EXPIRED";
  if (offer.status !== "AVAILABLE") return "OFFER_NOT_AVAILABLE";
  if (idempotencyKey !== undefined && isKeyUsed(context, idempotencyKey)) return "IDEMPOTENCY_KEY_REUSED";
  return null;
}

/** `isOfferSelectable`: known, AVAILABLE, not expired at `event.at`, no lock held, no mutation in flight, fresh key. */
export function isOfferSelectable(context: JourneyContext, event: JourneyEvent): boolean {
  return (
    event.type === "offer.select" &&
    offerBlockReason(context, event.offerID, event.at, event.idempotencyKey) === null
  );
}

/** A borrower intent's type, other than `offer.select` (judged per offer). */
export type IntentType = Exclude<MutatingIntent, "offer.select"> | "mutation.retry";

/**
 * Whether the journey's state asks for the intent, by `nextAction` and `actionRequired` (the source of truth), as
 * the registry's `askedFor` says (journey.intents.ts): the profile while `PROFILE_REQUIRED`, a step's start, submit
 * or return by its resource, the AA consent, a resume on `RESUME`. A step intent must name the current step.
 */
function isAskedFor(snapshot: JourneySnapshot, type: string, stepID: string | undefined): boolean {
  const required = snapshot.actionRequired;
  const resource = (required?.resource ?? snapshot.resource)?.type;
  const stepped = required !== undefined && (stepID === undefined || stepID === required.stepID);
  const entry = (INTENTS as Record<string, (typeof INTENTS)[MutatingIntent]>)[type];
  return entry === undefined || entry.askedFor({ snapshot, stepped, resource });
}

/**
 * Why an intent of `type` (on step `stepID`, by default the current one) cannot start its mutation now, whatever
 * its key, or `null` when it can: nothing to retry, the journey ended, a mutation in flight, the platform not yet
 * answering the last one (`AWAITING_PLATFORM`), or a state that does not ask for it (`INVALID_STATE`).
 * `view.can.*` is exactly this check. Pure; never throws.
 */
export function stateBlockReason(
  context: JourneyContext,
  type: IntentType,
  stepID?: string,
): RejectionReason | null {
  if (type === "mutation.retry") return retryBlockReason(context);
  if (isJourneyEnded(context)) return "JOURNEY_ENDED";
  if (context.pendingMutation !== null) return "MUTATION_IN_FLIGHT";
  if (context.polling.awaitingReaction) return "AWAITING_PLATFORM";
  if (context.snapshot === null || !isAskedFor(context.snapshot, type, stepID)) return "INVALID_STATE";
  return null;
}

/**
 * Why a borrower intent cannot start its mutation now, or `null` when it can: {@link offerBlockReason} for an
 * offer, else {@link stateBlockReason}, then a key this journey already used. Pure; never throws.
 */
export function intentBlockReason(context: JourneyContext, event: JourneyEvent): RejectionReason | null {
  if (event.type === "offer.select")
    return offerBlockReason(context, event.offerID, event.at, event.idempotencyKey);
  const reason = stateBlockReason(
    context,
    event.type as IntentType,
    "stepID" in event ? event.stepID : undefined,
  );
  if (reason !== null) return reason;
  if ("idempotencyKey" in event && isKeyUsed(context, event.idempotencyKey)) return "IDEMPOTENCY_KEY_REUSED";
  return null;
}

/** `canStartMutation`: the intent passes {@link intentBlockReason}. */
export function canStartMutation(context: JourneyContext, event: JourneyEvent): boolean {
  return intentBlockReason(context, event) === null;
}

/**
 * Why `mutation.retry` cannot re-send the last retryable mutation now, or `null` when it can: something in flight,
 * nothing to retry, the journey ended since, or (a proceed) the platform locked another offer since. The key is
 * the mutation's own, so a state that moved on gets the platform's replayed answer. Pure; never throws.
 */
export function retryBlockReason(context: JourneyContext): RejectionReason | null {
  const retryable = context.retryableMutation;
  if (context.pendingMutation !== null) return "MUTATION_IN_FLIGHT";
  if (retryable === null) return "NOTHING_TO_RETRY";
  if (isJourneyEnded(context)) return "JOURNEY_ENDED";
  const locked = context.snapshot?.lockedOfferID ?? null;
  if (retryable.kind === "proceedOffer" && locked !== null && locked !== retryable.offerID)
    return "OFFER_LOCK_CONFLICT";
  return null;
}

/** `isRetryOf`: `mutation.retry` that {@link retryBlockReason} lets through, of a retryable mutation of `kind`. */
export function isRetryOf(context: JourneyContext, event: JourneyEvent, kind: MutationKind): boolean {
  return (
    event.type === "mutation.retry" &&
    context.retryableMutation?.kind === kind &&
    retryBlockReason(context) === null
  );
}

/** `isPendingMutationResult`: a mutation result whose key is the in-flight mutation's key. */
export function isPendingMutationResult(context: JourneyContext, event: JourneyEvent): boolean {
  return (
    (event.type === "mutation.succeeded" || event.type === "mutation.failed") &&
    context.pendingMutation !== null &&
    event.idempotencyKey === context.pendingMutation.idempotencyKey
  );
}

/** Polling is backing off: a poll failed and none has succeeded since (its `Retry-After`, if any, is armed too). */
export function isBackingOff(context: JourneyContext): boolean {
  return context.polling.failures > 0 || context.polling.retryAfterMs !== null;
}

/** `needsJourney`: a full re-fetch is wanted (anomaly, offers, resync) and polling is not backing off. */
export function needsJourney(context: JourneyContext): boolean {
  return context.refetch !== null && !isBackingOff(context) && !isJourneyEnded(context);
}
