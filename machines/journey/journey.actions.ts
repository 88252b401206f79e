import {
  type FailureKind,
  failureKind,
  isExpectedEdge,
  isRetryableByBorrower,
  isSameState,
  type JourneySnapshot,
} from "../../src/contract/index.js";
import { CADENCE, type CadenceInput, deterministicJitter, pollCadence } from "./journey.cadence.js";
import { heldAsOf, intentBlockReason, isJourneyEnded, isLoadedJourneyCurrent } from "./journey.guards.js";
import { INTENTS } from "./journey.intents.js";
import { STATUS_INFO } from "./journey.lifecycle.js";
import {
  ANOMALIES_KEPT,
  type Anomaly,
  type FailureInfo,
  ISSUED_KEYS_KEPT,
  type JourneyContext,
  type JourneyError,
  type JourneyEvent,
  type JourneyInput,
  type JourneyLoadedEvent,
  type LoadedJourney,
  type PendingMutation,
  type SnapshotReceivedEvent,
} from "./journey.types.js";

/** A failure's kind: as the layer that saw it classified it, else read from its code and status. */
export function kindOf(problem: FailureInfo): FailureKind {
  return problem.kind ?? failureKind(problem);
}

/** A reading error (origin `sync`): a good read clears it. */
function isReadError(error: JourneyError | null): error is JourneyError {
  return error?.origin === "sync";
}

/**
 * What is still asked for when a re-read comes back older than what is held (a lagging replica): a conflict's
 * resync (else offers are proceeded on the stale list), and the offers while they are unknown at
 * OFFERS_AVAILABLE or were asked for (else the list stays empty), whatever reason the read was sent for.
 */
function stillAskedFor(context: JourneyContext): JourneyContext["refetch"] {
  if (context.refetch === "resync") return "resync";
  const offersUnknown = context.snapshot?.status === "OFFERS_AVAILABLE" && context.offers === null;
  return context.refetch === "offers" || offersUnknown ? "offers" : null;
}

/** Kinds of a failed read that will not pass by itself, shown as `view.error` while polling backs off. */
const LASTING_KINDS: ReadonlySet<FailureKind> = new Set(["notFound", "conflict", "invalid", "final"]);

/** The context a machine starts with. */
export function initialContext(input: JourneyInput): JourneyContext {
  return {
    journeyID: input.journeyID,
    snapshot: input.snapshot ?? null,
    asOf: input.snapshot?.asOf ?? 0,
    offers: null,
    steps: null,
    claimedOfferID: null,
    pendingMutation: null,
    retryableMutation: null,
    issuedKeys: [],
    held: null,
    refetch: input.snapshot?.status === "OFFERS_AVAILABLE" ? "offers" : null,
    anomalies: [],
    error: null,
    online: true,
    sessionValid: true,
    polling: {
      inMs: null,
      armed: 0,
      armedFor: "",
      hidden: false,
      failures: 0,
      retryAfterMs: null,
      lastPushAt: null,
      awaitingReaction: false,
      reactionFrom: null,
    },
    now: input.at,
  };
}

/** Drops `undefined` members so a state is identical before and after a JSON round trip. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function eventTime(context: JourneyContext, event: JourneyEvent | { type: string }): number {
  const at = (event as { at?: unknown }).at;
  return typeof at === "number" && Number.isFinite(at) ? at : context.now;
}

/** The cadence policy's inputs for the context's current state (jitter from the journey id and arm count). */
export function cadenceInput(context: JourneyContext): CadenceInput {
  return withJitter(context, cadenceFacts(context));
}

function withJitter(context: JourneyContext, facts: Omit<CadenceInput, "jitter">): CadenceInput {
  return { ...facts, jitter: deterministicJitter(`${context.journeyID}:${context.polling.armed}`) };
}

function cadenceFacts(context: JourneyContext): Omit<CadenceInput, "jitter"> {
  const p = context.polling;
  return {
    band: context.snapshot === null ? "none" : STATUS_INFO[context.snapshot.status].band,
    // The active band right after a mutation, and while a wanted re-read (offers, an anomaly) waits on a failure.
    justSubmitted: context.pendingMutation !== null || p.awaitingReaction || context.refetch !== null,
    hidden: p.hidden,
    pushFresh: p.lastPushAt !== null && context.now - p.lastPushAt < CADENCE.pushFreshMs,
    failures: p.failures,
    retryAfterMs: p.retryAfterMs ?? undefined,
  };
}

/** The polling inputs of the context (the jitter aside), as a string: polling re-arms when it changes. */
export function cadenceKey(context: JourneyContext): string {
  return keyOf(context, cadenceFacts(context));
}

function keyOf(context: JourneyContext, f: Omit<CadenceInput, "jitter">): string {
  return `${context.snapshot === null}|${f.band}|${f.justSubmitted}|${f.hidden}|${f.pushFresh}|${f.failures}|${f.retryAfterMs}`;
}

/**
 * The interval polling should run at now: at once before the first snapshot, backing off as an active wait once
 * that first poll fails (a journey that answers 404 is not polled in a tight loop); `null` once ended.
 */
export function currentCadence(context: JourneyContext): number | null {
  return cadenceOf(context, cadenceFacts(context));
}

function cadenceOf(context: JourneyContext, facts: Omit<CadenceInput, "jitter">): number | null {
  if (context.snapshot !== null) return pollCadence(withJitter(context, facts));
  return context.polling.failures === 0 ? 0 : pollCadence({ ...withJitter(context, facts), band: "active" });
}

/** `armPoll`: computes the interval for the polling actor about to be (re)invoked. */
export function armPoll(context: JourneyContext): JourneyContext {
  return armPollWith(context, cadenceFacts(context));
}

/**
 * What `isCadenceOutdated` then `disarmPoll` and `armPoll` make of `context` (polling re-armed when its cadence
 * inputs changed), or `null` when they did not: the facts read once, for the fast path.
 */
export function rearmedIfOutdated(context: JourneyContext): JourneyContext | null {
  const facts = cadenceFacts(context);
  return keyOf(context, facts) === context.polling.armedFor ? null : armPollWith(context, facts);
}

function armPollWith(context: JourneyContext, facts: Omit<CadenceInput, "jitter">): JourneyContext {
  return {
    ...context,
    polling: {
      ...context.polling,
      inMs: cadenceOf(context, facts),
      armed: context.polling.armed + 1,
      armedFor: keyOf(context, facts),
    },
  };
}

/** `disarmPoll`: polling stopped (ended, offline, session expired). */
export function disarmPoll(context: JourneyContext): JourneyContext {
  return { ...context, polling: { ...context.polling, inMs: null, armedFor: "" } };
}

/** Whether `snapshot`, replacing `held`, needs the offers read again, given the `offers` known with it. */
function needsOffers(
  snapshot: JourneySnapshot,
  held: JourneySnapshot | null,
  offers: JourneyContext["offers"],
): boolean {
  if (snapshot.status !== "OFFERS_AVAILABLE") return false;
  if (offers === null) return true;
  if ((snapshot.lockedOfferID ?? null) !== (held?.lockedOfferID ?? null)) return true;
  return snapshot.offerCount !== undefined && snapshot.offerCount !== offers.length;
}

/**
 * `recordSnapshot`: applies a newer snapshot on an expected edge. One that says what the held one says only moves
 * the order key on (the view, and a mutation's wait for its reaction, stay as they are).
 */
export function recordSnapshot(context: JourneyContext, event: SnapshotReceivedEvent): JourneyContext {
  const { source } = event;
  const at = eventTime(context, event);
  const pushed = source === "webhook" || source === "push";
  const unchanged = context.snapshot !== null && isSameState(context.snapshot, event.snapshot);
  const snapshot = unchanged && context.snapshot !== null ? context.snapshot : event.snapshot;
  const statusChanged = context.snapshot?.status !== snapshot.status;
  // Offers held from another status (none yet while OFFERS_PENDING) are not the ones now available: unknown
  // until read, so they are asked for even when the snapshot is thin (no offerCount, which the platform does not
  // document), and a read that comes back older than this snapshot leaves them asked for.
  const offers = statusChanged && snapshot.status === "OFFERS_AVAILABLE" ? null : context.offers;
  return {
    ...context,
    snapshot,
    asOf: event.snapshot.asOf,
    offers,
    refetch: context.refetch ?? (needsOffers(snapshot, context.snapshot, offers) ? "offers" : null),
    // A read that succeeds clears a read's lasting error (a 404 that passed), as a 304 does.
    error: statusChanged || (source === "poll" && isReadError(context.error)) ? null : context.error,
    polling: {
      ...context.polling,
      awaitingReaction: unchanged ? context.polling.awaitingReaction : false,
      lastPushAt: pushed ? at : context.polling.lastPushAt,
      failures: source === "poll" ? 0 : context.polling.failures,
      retryAfterMs: source === "poll" ? null : context.polling.retryAfterMs,
    },
    now: at,
  };
}

function appendAnomaly(anomalies: readonly Anomaly[], anomaly: Anomaly): readonly Anomaly[] {
  return [...anomalies, anomaly].slice(-ANOMALIES_KEPT);
}

/** `holdAnomaly`: keeps a newer snapshot on an unexpected edge aside and asks for the full journey. */
export function holdAnomaly(context: JourneyContext, event: SnapshotReceivedEvent): JourneyContext {
  const at = eventTime(context, event);
  const replace = context.held === null || event.snapshot.asOf > context.held.snapshot.asOf;
  return {
    ...context,
    held: replace ? { snapshot: event.snapshot, source: event.source } : context.held,
    // The reason a re-read was asked for already (the offers, a conflict's resync) stays: the one read settles
    // the anomaly too, and a read that comes back too old must still ask again for what it was for.
    refetch: context.refetch ?? "anomaly",
    anomalies: appendAnomaly(context.anomalies, {
      fromStatus: context.snapshot?.status ?? "NONE",
      toStatus: event.snapshot.status,
      fromAsOf: heldAsOf(context),
      toAsOf: event.snapshot.asOf,
      source: event.source,
      at,
      resolution: "held",
    }),
    now: at,
  };
}

function snapshotOf(journey: LoadedJourney): JourneySnapshot {
  // A live host may hand over a whole Journey; only the snapshot's fields belong in `context.snapshot`.
  const {
    offers: _o,
    steps: _s,
    createdAt: _c,
    borrower: _b,
    profileStatus: _p,
    ...snapshot
  } = journey as LoadedJourney & Record<"createdAt" | "borrower" | "profileStatus", unknown>;
  return snapshot;
}

/**
 * `applyLoadedJourney`: the server's full journey is the authority. A newer one replaces the snapshot (an
 * ended journey stays ended), its offers and steps are kept, and a held anomaly is resolved: `confirmed` when
 * the server reached at least the held snapshot's `asOf`, `refuted` otherwise (the held snapshot is dropped either way).
 */
export function applyLoadedJourney(context: JourneyContext, event: JourneyLoadedEvent): JourneyContext {
  const { journey } = event;
  const at = eventTime(context, event);
  const ended = isJourneyEnded(context);
  const newer = isLoadedJourneyCurrent(context, journey);
  const current = journey.asOf >= heldAsOf(context);
  let anomalies = context.anomalies;
  if (context.held !== null) {
    const resolution = journey.asOf >= context.held.snapshot.asOf ? "confirmed" : "refuted";
    anomalies = anomalies.map((a) => (a.resolution === "held" ? { ...a, resolution } : a));
  } else if (
    newer &&
    !ended &&
    context.snapshot !== null &&
    !isExpectedEdge(context.snapshot.status, journey.status)
  ) {
    anomalies = appendAnomaly(anomalies, {
      fromStatus: context.snapshot.status,
      toStatus: journey.status,
      fromAsOf: heldAsOf(context),
      toAsOf: journey.asOf,
      source: "response",
      at,
      resolution: "confirmed",
    });
  }
  const loaded = snapshotOf(journey);
  const unchanged = context.snapshot !== null && isSameState(context.snapshot, loaded);
  const snapshot = newer && !ended && !unchanged ? loaded : context.snapshot;
  return {
    ...context,
    snapshot,
    asOf: newer && !ended ? journey.asOf : context.asOf,
    offers: current && !ended ? journey.offers : context.offers,
    steps: current && !ended ? journey.steps : context.steps,
    held: null,
    // Offers (or a conflict's resync) asked for and a read older than what is held (a lagging replica): still
    // asked for, at the next successful poll (counted as a failure, so polling backs off and the read is not
    // repeated at once).
    refetch: current ? null : stillAskedFor(context),
    anomalies,
    error: snapshot?.status !== context.snapshot?.status || isReadError(context.error) ? null : context.error,
    polling: {
      ...context.polling,
      failures: !current && stillAskedFor(context) !== null ? context.polling.failures + 1 : 0,
      retryAfterMs: null,
      awaitingReaction: newer && !unchanged ? false : context.polling.awaitingReaction,
    },
    now: at,
  };
}

/** `recordPollFailure`: one more consecutive failure, with the server's `Retry-After` if it sent one. */
export function recordPollFailure(context: JourneyContext, event: JourneyEvent): JourneyContext {
  const retryAfter = (event as { retryAfterMs?: unknown }).retryAfterMs;
  const problem = (event as { problem?: FailureInfo }).problem;
  // A transient poll failure (network, timeout, 5xx, 408, 429) is only backed off; one that will not pass by itself
  // (a wrong journey id's 404) is shown too, polling still backing off. A failed journey load is always shown:
  // the screen waits for what it carries (the offers), so an empty list never reads as "no offers".
  const kind = problem === undefined ? undefined : kindOf(problem);
  const lasting =
    problem !== undefined &&
    kind !== undefined &&
    (LASTING_KINDS.has(kind) || (event.type === "journey.loadFailed" && kind !== "aborted"));
  const at = eventTime(context, event);
  return {
    ...context,
    error: lasting
      ? {
          origin: "sync",
          code: problem.code,
          kind,
          event: event.type,
          retryable: false,
          detail: problem.detail,
          at,
        }
      : context.error,
    polling: {
      ...context.polling,
      failures: context.polling.failures + 1,
      retryAfterMs: typeof retryAfter === "number" && retryAfter >= 0 ? retryAfter : null,
    },
    now: at,
  };
}

/** `recordPollSuccess`: a poll answered (e.g. `304 Not Modified`): failures reset, a reading error cleared. */
export function recordPollSuccess(context: JourneyContext, event: JourneyEvent): JourneyContext {
  return {
    ...context,
    error: isReadError(context.error) && context.error.event !== "journey.loadFailed" ? null : context.error,
    polling: { ...context.polling, failures: 0, retryAfterMs: null },
    now: eventTime(context, event),
  };
}

/** `recordSignal`: push liveness, app visibility, network and session signals update their flags. */
export function recordSignal(context: JourneyContext, event: JourneyEvent): JourneyContext {
  const at = eventTime(context, event);
  switch (event.type) {
    case "push.alive":
      return { ...context, polling: { ...context.polling, lastPushAt: at }, now: at };
    case "app.hidden":
    case "app.visible":
      return { ...context, polling: { ...context.polling, hidden: event.type === "app.hidden" }, now: at };
    case "network.offline":
    case "network.online":
      return { ...context, online: event.type === "network.online", now: at };
    case "session.expired":
    case "session.refreshed":
      return { ...context, sessionValid: event.type === "session.refreshed", now: at };
    default:
      return context;
  }
}

/** The mutation an intent asks for, as the registry says (`INTENTS`): its kind, key, fields and step action. */
function mutationOf(event: JourneyEvent): PendingMutation | null {
  const entry = (INTENTS as Record<string, { mutation: string; fields: readonly string[]; action?: string }>)[
    event.type
  ];
  if (entry === undefined) return null;
  const fields = event as unknown as Record<string, unknown>;
  const mutation: Record<string, unknown> = { kind: entry.mutation, idempotencyKey: fields.idempotencyKey };
  for (const field of entry.fields) if (fields[field] !== undefined) mutation[field] = fields[field];
  if (entry.action !== undefined) mutation.action = entry.action;
  return mutation as PendingMutation;
}

/** `startMutation`: records the intent's mutation as in flight, its key as used, and an offer claim. */
export function startMutation(context: JourneyContext, event: JourneyEvent): JourneyContext {
  const mutation = mutationOf(event);
  if (mutation === null) return context;
  return {
    ...context,
    pendingMutation: mutation,
    retryableMutation: null,
    issuedKeys: [...context.issuedKeys, mutation.idempotencyKey].slice(-ISSUED_KEYS_KEPT),
    claimedOfferID: mutation.kind === "proceedOffer" ? mutation.offerID : context.claimedOfferID,
    error: null,
    polling: { ...context.polling, reactionFrom: context.snapshot?.asOf ?? 0 },
    now: eventTime(context, event),
  };
}

/** `retryMutation`: re-sends the last retryable mutation with its original key. */
export function retryMutation(context: JourneyContext, event: JourneyEvent): JourneyContext {
  return {
    ...context,
    pendingMutation: context.retryableMutation,
    retryableMutation: null,
    error: null,
    polling: { ...context.polling, reactionFrom: context.snapshot?.asOf ?? 0 },
    now: eventTime(context, event),
  };
}

/** `rejectIntent`: records why an intent was refused; nothing is sent. */
export function rejectIntent(context: JourneyContext, event: JourneyEvent): JourneyContext {
  const reason = intentBlockReason(context, event) ?? "INVALID_STATE";
  const at = eventTime(context, event);
  return {
    ...context,
    error: compact({
      origin: "intent" as const,
      code: reason,
      kind: "refused" as const,
      event: event.type,
      offerID: event.type === "offer.select" ? event.offerID : undefined,
      stepID: "stepID" in event ? event.stepID : undefined,
      retryable: false,
      at,
    }),
    now: at,
  };
}

/**
 * `recordMutationSuccess`: the in-flight mutation succeeded; poll in the active band until the platform reacts,
 * unless it already has (the held state changed since the mutation started: the reaction came first).
 */
export function recordMutationSuccess(context: JourneyContext, at: number): JourneyContext {
  const from = context.polling.reactionFrom;
  const reacted = typeof from === "number" && from !== (context.snapshot?.asOf ?? 0);
  return {
    ...context,
    pendingMutation: null,
    polling: { ...context.polling, awaitingReaction: !reacted, reactionFrom: null },
    now: at,
  };
}

/**
 * `recordMutationFailure`: the in-flight mutation failed. Retryable problems keep it (and any offer claim) for
 * `mutation.retry`; definitive ones release the claim; lock, expiry and state conflicts ask for a resync.
 */
export function recordMutationFailure(
  context: JourneyContext,
  problem: FailureInfo,
  at: number,
): JourneyContext {
  const pending = context.pendingMutation;
  const kind = kindOf(problem);
  const retryable = isRetryableByBorrower(kind);
  const resync = kind === "conflict";
  const releaseClaim = !retryable && pending?.kind === "proceedOffer";
  return {
    ...context,
    pendingMutation: null,
    retryableMutation: retryable ? pending : null,
    claimedOfferID: releaseClaim ? null : context.claimedOfferID,
    // A conflict asks for a resync whatever was asked before: that read brings the offers too, and one that comes
    // back too old asks again.
    refetch: resync ? "resync" : context.refetch,
    error: compact({
      origin: "mutation" as const,
      code: problem.code,
      kind,
      event: pending?.kind ?? "mutation",
      offerID: pending?.kind === "proceedOffer" ? pending.offerID : undefined,
      stepID: pending?.kind === "stepAction" ? pending.stepID : undefined,
      retryable,
      detail: problem.detail,
      fieldErrors: problem.errors,
      at,
    }),
    now: at,
  };
}

/** Reads a failure out of an actor's error (plain tagged data across the boundary); never throws. */
export function failureFromError(error: unknown): { problem: FailureInfo; retryAfterMs?: number } {
  const e = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const code = typeof e.code === "string" ? e.code : "NETWORK";
  return {
    problem: {
      code: code as FailureInfo["code"],
      status: typeof e.status === "number" ? e.status : undefined,
      kind: typeof e.kind === "string" ? (e.kind as FailureKind) : undefined,
      detail: typeof e.detail === "string" ? e.detail : typeof e.message === "string" ? e.message : undefined,
      errors: Array.isArray(e.errors) ? (e.errors as FailureInfo["errors"]) : undefined,
    },
    ...(typeof e.retryAfterMs === "number" ? { retryAfterMs: e.retryAfterMs } : {}),
  };
}
