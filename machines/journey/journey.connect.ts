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
  intentBlockReason,
  isJourneyEnded,
  isOfferExpired,
  lockedOfferID,
  offerBlockReason,
} from "./journey.guards.js";
import { LOADING_INFO, type Screen, STATUS_INFO } from "./journey.lifecycle.js";
import type {
  Anomaly,
  JourneyContext,
  JourneyError,
  JourneyEvent,
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
  /** What the borrower may do now; each true means the matching intent would start a mutation. */
  readonly can: {
    readonly submitProfile: boolean;
    /** At least one offer is selectable. */
    readonly selectOffer: boolean;
    readonly startStep: boolean;
    readonly submitStep: boolean;
    readonly confirmReturn: boolean;
    readonly createConsent: boolean;
    readonly resume: boolean;
    readonly retry: boolean;
  };
}

function lifecycleNode(state: JourneyState): string {
  const lifecycle = state.value.lifecycle;
  return typeof lifecycle === "string" ? lifecycle : lifecycle.ended;
}

const PROBE_KEY = "\u0000probe";

function allowed(context: JourneyContext, event: JourneyEvent): boolean {
  return intentBlockReason(context, event) === null;
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
  const stepID = snapshot?.actionRequired?.stepID ?? "(no step)";
  const probe = { idempotencyKey: PROBE_KEY, at };
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
    can: {
      submitProfile: allowed(context, {
        type: "profile.submit",
        profile: {},
        bureauConsent: true,
        ...probe,
      }),
      selectOffer: offers.some((o) => o.selectable),
      startStep: allowed(context, { type: "step.start", stepID, ...probe }),
      submitStep: allowed(context, { type: "step.submit", stepID, ...probe }),
      confirmReturn: allowed(context, { type: "step.returned", stepID, ...probe }),
      createConsent: allowed(context, { type: "consent.create", ...probe }),
      resume: allowed(context, { type: "journey.resume", ...probe }),
      retry: allowed(context, { type: "mutation.retry", at }),
    },
  };
}
