import type {
  ActionRequired,
  Diagnostics,
  JourneyStatus,
  NextAction,
  Offer,
  Resource,
  StateClass,
} from "../../src/contract/index.js";
import {
  type IntentType,
  isJourneyEnded,
  isOfferExpired,
  lockedOfferID,
  offerBlockReason,
  stateBlockReason,
} from "./journey.guards.js";
import { INTENTS, MUTATING_INTENT_TYPES, type MutatingIntent } from "./journey.intents.js";
import { LOADING_INFO, type Screen, STATUS_INFO } from "./journey.lifecycle.js";
import type {
  Anomaly,
  JourneyContext,
  JourneyError,
  MutationKind,
  RejectionReason,
} from "./journey.types.js";

/** The machine's state as plain JSON: its state value and context (what the reducer stores). */
export interface JourneyState {
  readonly value: JourneyStateValue;
  readonly context: JourneyContext;
}

/** The state value of the three parallel regions. */
export interface JourneyStateValue {
  readonly lifecycle: string | { readonly ended: string };
  readonly mutation: string;
  readonly sync: string;
}

/** One offer as the view shows it: the offer, whether it can be proceeded now, and why not. */
export interface OfferView extends Offer {
  readonly selectable: boolean;
  readonly blockedReason: RejectionReason | null;
  readonly expired: boolean;
  readonly locked: boolean;
}

/** What to render: plain values and booleans, so a UI never matches on state names. */
export interface JourneyView {
  readonly journeyID: string;
  readonly screen: Screen;
  /** The platform status, or `null` before the first snapshot. */
  readonly status: JourneyStatus | null;
  readonly stateClass: StateClass;
  /** The platform's time of the state shown (`asOf`, epoch ms; 0 before the first snapshot). */
  readonly asOf: number;
  /** The platform's instruction: the source of truth for what the borrower does next. */
  readonly nextAction: NextAction | null;
  readonly actionRequired: ActionRequired | null;
  /** The current step's resource (redirect, form, document, wait), if any. */
  readonly resource: Resource | null;
  readonly offers: readonly OfferView[];
  readonly lockedOfferID: string | null;
  readonly pendingMutation: { readonly kind: MutationKind; readonly idempotencyKey: string } | null;
  readonly isLoading: boolean;
  readonly isEnded: boolean;
  readonly isPolling: boolean;
  /** The armed polling interval in ms (0: fetch at once), `null` when not polling. */
  readonly pollInMs: number | null;
  readonly isRefetching: boolean;
  readonly isOffline: boolean;
  readonly isSessionExpired: boolean;
  readonly error: JourneyError | null;
  readonly diagnostics: Diagnostics;
  readonly anomalies: readonly Anomaly[];
  /** A newer snapshot on an unexpected edge is held until the re-fetched journey confirms it. */
  readonly hasHeldAnomaly: boolean;
  /**
   * What the borrower may do now, exactly: each true means the matching intent would start a mutation (the state
   * asks for it, nothing is in flight, and the platform has answered the last one); each false means it would be
   * refused, sending nothing. One flag per registered intent (`INTENTS[type].can`: `submitProfile`, `selectOffer`
   * (at least one offer is selectable), `startStep`, `submitStep`, `confirmReturn`, `createConsent`, `resume`), and
   * `retry`.
   */
  readonly can: { readonly [K in MutatingIntent as (typeof INTENTS)[K]["can"]]: boolean } & {
    readonly retry: boolean;
  };
}

function lifecycleNode(state: JourneyState): string {
  const lifecycle = state.value.lifecycle;
  return typeof lifecycle === "string" ? lifecycle : lifecycle.ended;
}

function allowed(context: JourneyContext, type: IntentType): boolean {
  return stateBlockReason(context, type) === null;
}

/**
 * Turns a journey state into what to render (zag-style connect). `at` (epoch ms) is the time offer expiry is
 * judged at; it defaults to the time of the last event. Pure; never throws on a state the reducer produced.
 */
export function connect(state: JourneyState, at: number = state.context.now): JourneyView {
  const { context } = state;
  const snapshot = context.snapshot;
  const node = lifecycleNode(state);
  const status = snapshot?.status ?? null;
  const ended = isJourneyEnded(context);
  const locked = lockedOfferID(context);
  const offers = (context.offers ?? []).map((offer): OfferView => {
    const blockedReason = offerBlockReason(context, offer.id, at);
    return {
      ...offer,
      selectable: blockedReason === null,
      blockedReason,
      expired: isOfferExpired(offer, at),
      locked: locked === offer.id,
    };
  });
  const pending = context.pendingMutation;
  return {
    journeyID: context.journeyID,
    screen: status === null ? LOADING_INFO.screen : STATUS_INFO[status].screen,
    status,
    stateClass: status === null ? "activeWait" : STATUS_INFO[status].stateClass,
    asOf: snapshot?.asOf ?? 0,
    nextAction: snapshot?.nextAction ?? null,
    actionRequired: snapshot?.actionRequired ?? null,
    resource: snapshot?.actionRequired?.resource ?? snapshot?.resource ?? null,
    offers,
    lockedOfferID: locked,
    pendingMutation: pending === null ? null : { kind: pending.kind, idempotencyKey: pending.idempotencyKey },
    isLoading: node === "loading",
    isEnded: ended,
    isPolling: state.value.sync === "polling",
    pollInMs: state.value.sync === "polling" ? context.polling.inMs : null,
    isRefetching: state.value.sync === "loadingJourney",
    isOffline: !context.online,
    isSessionExpired: !context.sessionValid,
    error: context.error,
    diagnostics: snapshot?.diagnostics ?? {},
    anomalies: context.anomalies,
    hasHeldAnomaly: context.held !== null,
    // One flag per mutating intent (the registry's `can`); an offer is asked of each offer, retry of the state.
    can: {
      ...Object.fromEntries(
        MUTATING_INTENT_TYPES.filter((type) => type !== "offer.select").map((type) => [
          INTENTS[type].can,
          allowed(context, type as IntentType),
        ]),
      ),
      selectOffer: offers.some((o) => o.selectable),
      retry: allowed(context, "mutation.retry"),
    } as JourneyView["can"],
  };
}
