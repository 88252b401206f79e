import type {
  FailureKind,
  JourneySnapshot,
  Offer,
  PlatformErrorCode,
  Profile,
  Step,
  StepAction,
} from "../../src/contract/index.js";

/** Where a snapshot came from: a poll, a partner webhook, a push stream (SSE), or a mutation's response. */
export type SnapshotSource = "poll" | "webhook" | "push" | "response";

/**
 * Event time: epoch milliseconds (UTC), supplied by the host so the machine and the reducer never read a clock.
 * Offer and resource expiry timestamps (ISO strings) are compared against it.
 */
export type EpochMs = number;

/** Form values a step's `SUBMIT` action carries. */
export type StepData = Record<string, string | number | boolean>;

/** An error code from the platform (an open set), or `NETWORK` when no answer arrived (timeout, offline, aborted). */
export type FailureCode = PlatformErrorCode | "NETWORK";

/**
 * One failing field: its dotted path, the message, and when known what kind of failure (`required`, `pattern`,
 * `format`, `range`, `enum`, or another string the platform sends), for a UI to word in its own language.
 */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
  readonly code?: string | undefined;
}

/** A failed call, as plain data: the code, HTTP status, detail and any field errors (`VALIDATION_FAILED`). */
export interface FailureInfo {
  readonly code: FailureCode;
  readonly status?: number | undefined;
  /** What it means, as the layer that saw it classified it; when absent, read from code and status. */
  readonly kind?: FailureKind | undefined;
  readonly detail?: string | undefined;
  readonly errors?: ReadonlyArray<FieldProblem> | undefined;
}

/** The mutations the machine can ask for, each carried by one named actor. */
export type MutationKind =
  | "submitProfile"
  | "proceedOffer"
  | "stepAction"
  | "createConsent"
  | "resumeJourney";

/** A mutation the machine has asked for and not yet seen the result of; its key is reused on retry. */
export type PendingMutation =
  | {
      readonly kind: "submitProfile";
      readonly idempotencyKey: string;
      readonly profile: Profile;
      readonly bureauConsent: boolean;
    }
  | { readonly kind: "proceedOffer"; readonly idempotencyKey: string; readonly offerID: string }
  | {
      readonly kind: "stepAction";
      readonly idempotencyKey: string;
      readonly stepID: string;
      readonly action: StepAction;
      readonly data?: StepData | undefined;
    }
  | { readonly kind: "createConsent"; readonly idempotencyKey: string }
  | { readonly kind: "resumeJourney"; readonly idempotencyKey: string };

/** Why the machine refused a borrower intent or a result; shown through `view(state).error`. */
export type RejectionReason =
  | "OFFER_LOCK_CONFLICT"
  | "OFFER_EXPIRED"
  | "OFFER_NOT_AVAILABLE"
  | "UNKNOWN_OFFER"
  | "OFFER_ALREADY_PROCEEDED"
  | "MUTATION_IN_FLIGHT"
  | "AWAITING_PLATFORM"
  | "INVALID_STATE"
  | "JOURNEY_ENDED"
  | "IDEMPOTENCY_KEY_REUSED"
  | "NOTHING_TO_RETRY";

/** The last error the borrower should know about: a refused intent or a failed mutation. */
export interface JourneyError {
  /**
   * `intent`: refused locally, nothing was sent; `mutation`: the platform answered with a problem; `sync`: reading
   * the journey failed with a problem that will not pass by itself (e.g. `404 NOT_FOUND`: a wrong journey id).
   */
  readonly origin: "intent" | "mutation" | "sync";
  readonly code: RejectionReason | FailureCode;
  /**
   * What it means (the one taxonomy: `transient`, `session`, `notFound`, `conflict`, `invalid`, `final`), or
   * `refused` for an intent refused locally.
   */
  readonly kind: FailureKind | "refused";
  /** The event that caused it, e.g. `offer.select`. */
  readonly event: string;
  readonly offerID?: string | undefined;
  readonly stepID?: string | undefined;
  /** Whether `mutation.retry` can re-send the same request with the same key. */
  readonly retryable: boolean;
  readonly detail?: string | undefined;
  readonly fieldErrors?: ReadonlyArray<FieldProblem> | undefined;
  readonly at: EpochMs;
}

/** A newer snapshot on an edge the lifecycle does not expect, and what became of it. */
export interface Anomaly {
  readonly fromStatus: string;
  readonly toStatus: string;
  /** The order key held when it arrived, and its own (`asOf`, epoch ms). */
  readonly fromAsOf: number;
  readonly toAsOf: number;
  readonly source: SnapshotSource;
  readonly at: EpochMs;
  /** `held` until the re-fetched journey answers; then `confirmed` (applied) or `refuted` (dropped). */
  readonly resolution: "held" | "confirmed" | "refuted";
}

/** Polling inputs and the interval last armed. */
export interface PollingContext {
  /** The interval armed last, or `null` when not polling. */
  readonly inMs: number | null;
  /** How many times polling was armed; seeds the deterministic jitter. */
  readonly armed: number;
  /** The cadence inputs the armed interval was computed from; polling re-arms when they change. */
  readonly armedFor: string;
  readonly hidden: boolean;
  readonly failures: number;
  readonly retryAfterMs: number | null;
  /** When a webhook or push snapshot was last accepted, or the push source last proved live (`push.alive`). */
  readonly lastPushAt: EpochMs | null;
  /** A mutation succeeded and no newer snapshot arrived since: keep polling in the active band. */
  readonly awaitingReaction: boolean;
  /**
   * The held snapshot's `asOf` (when it was first seen) as the in-flight mutation started: its success waits for
   * the platform's reaction only while the held state is still that one (a reaction that came first, by a poll or a
   * push racing the answer, is not waited for again). Absent in states kept before it existed: then it waits.
   */
  readonly reactionFrom?: number | null;
}

/** The machine's context: plain JSON, so reducer state round-trips through `JSON.stringify`. */
export interface JourneyContext {
  readonly journeyID: string;
  /** The state last applied (its `asOf` is when it was first seen), or `null` before the first one. */
  readonly snapshot: JourneySnapshot | null;
  /**
   * The order key held: the newest `asOf` seen (0 before the first snapshot). A later answer that says the same
   * thing moves it on without touching `snapshot`, so an older answer still in flight stays stale.
   */
  readonly asOf: number;
  /** Offers from the last loaded journey (`null` until one is loaded). */
  readonly offers: readonly Offer[] | null;
  /** Steps from the last loaded journey (`null` until one is loaded). */
  readonly steps: readonly Step[] | null;
  /** The offer this client proceeded (locally claimed until the platform says otherwise). */
  readonly claimedOfferID: string | null;
  readonly pendingMutation: PendingMutation | null;
  /** The last mutation that failed with a retryable problem; `mutation.retry` re-sends it with its key. */
  readonly retryableMutation: PendingMutation | null;
  /** Idempotency keys already used by this journey's mutations (the most recent {@link ISSUED_KEYS_KEPT}). */
  readonly issuedKeys: readonly string[];
  /** A newer snapshot on an unexpected edge, held until the re-fetched journey confirms it. */
  readonly held: { readonly snapshot: JourneySnapshot; readonly source: SnapshotSource } | null;
  /** Why the journey must be re-fetched, or `null` when it need not be. */
  readonly refetch: "anomaly" | "offers" | "resync" | null;
  /** The most recent anomalies, newest last (at most {@link ANOMALIES_KEPT}). */
  readonly anomalies: readonly Anomaly[];
  readonly error: JourneyError | null;
  readonly online: boolean;
  readonly sessionValid: boolean;
  readonly polling: PollingContext;
  /** Time of the last event that changed the state. */
  readonly now: EpochMs;
}

/** How many issued idempotency keys the context keeps to refuse reuse. */
export const ISSUED_KEYS_KEPT = 16;
/** How many anomalies the context keeps. */
export const ANOMALIES_KEPT = 4;

/** What the machine starts from: the journey id, the snapshot if known, and the time. */
export interface JourneyInput {
  readonly journeyID: string;
  readonly snapshot?: JourneySnapshot | null | undefined;
  readonly at: EpochMs;
}

/** A snapshot arrived (already parsed: the reducer validates untrusted JSON before it gets here). */
export interface SnapshotReceivedEvent {
  readonly type: "snapshot.received";
  readonly snapshot: JourneySnapshot;
  readonly source: SnapshotSource;
  readonly at: EpochMs;
}

/** What the machine needs of a full journey (`GET /journeys/{id}`): its snapshot, offers and steps. */
export type LoadedJourney = JourneySnapshot & {
  readonly offers: readonly Offer[];
  readonly steps: readonly Step[];
};

/** The full journey arrived from `GET /journeys/{id}` (already parsed; a whole `Journey` fits). */
export interface JourneyLoadedEvent {
  readonly type: "journey.loaded";
  readonly journey: LoadedJourney;
  readonly at: EpochMs;
}

/** Every event the machine handles. Times are epoch ms; every mutating intent carries its Idempotency-Key. */
export type JourneyEvent =
  | SnapshotReceivedEvent
  | JourneyLoadedEvent
  | {
      readonly type: "journey.loadFailed";
      readonly at: EpochMs;
      readonly retryAfterMs?: number;
      /** Why the load failed, when the host knows: shown as `view.error` (origin `sync`) until a load succeeds. */
      readonly problem?: FailureInfo;
    }
  | {
      readonly type: "profile.submit";
      readonly profile: Profile;
      /** The borrower's consent to a credit-bureau check, sent with the submission (`bureauConsent`). */
      readonly bureauConsent: boolean;
      readonly idempotencyKey: string;
      readonly at: EpochMs;
    }
  | {
      readonly type: "offer.select";
      readonly offerID: string;
      readonly idempotencyKey: string;
      readonly at: EpochMs;
    }
  | {
      readonly type: "step.start";
      readonly stepID: string;
      readonly idempotencyKey: string;
      readonly at: EpochMs;
    }
  | {
      readonly type: "step.submit";
      readonly stepID: string;
      readonly data?: StepData;
      readonly idempotencyKey: string;
      readonly at: EpochMs;
    }
  | {
      readonly type: "step.returned";
      readonly stepID: string;
      readonly idempotencyKey: string;
      readonly at: EpochMs;
    }
  | { readonly type: "consent.create"; readonly idempotencyKey: string; readonly at: EpochMs }
  | { readonly type: "journey.resume"; readonly idempotencyKey: string; readonly at: EpochMs }
  | { readonly type: "mutation.succeeded"; readonly idempotencyKey: string; readonly at: EpochMs }
  | {
      readonly type: "mutation.failed";
      readonly idempotencyKey: string;
      readonly problem: FailureInfo;
      readonly retryAfterMs?: number;
      readonly at: EpochMs;
    }
  | { readonly type: "mutation.retry"; readonly at: EpochMs }
  | { readonly type: "poll.notModified"; readonly at: EpochMs }
  | {
      readonly type: "poll.failed";
      readonly at: EpochMs;
      readonly retryAfterMs?: number;
      readonly problem?: FailureInfo;
    }
  /** The push source proved itself live (a heartbeat, or a frame with nothing new): polling may stay relaxed. */
  | { readonly type: "push.alive"; readonly at: EpochMs }
  | { readonly type: "app.hidden"; readonly at: EpochMs }
  | { readonly type: "app.visible"; readonly at: EpochMs }
  | { readonly type: "network.offline"; readonly at: EpochMs }
  | { readonly type: "network.online"; readonly at: EpochMs }
  | { readonly type: "session.expired"; readonly at: EpochMs }
  | { readonly type: "session.refreshed"; readonly at: EpochMs };

/** The type names of every machine event. */
export type JourneyEventType = JourneyEvent["type"];

/** Input of the `pollJourneyState` actor: poll `GET …/state` every `inMs` until stopped. */
export interface PollInput {
  readonly journeyID: string;
  readonly inMs: number;
}
/** Input of the `fetchJourney` actor: `GET /journeys/{id}` once; `reason` says why. */
export interface FetchJourneyInput {
  readonly journeyID: string;
  readonly reason: "anomaly" | "offers" | "resync";
}
/** Input of a mutation's actor, and the payload of its command: the pending mutation (its kind aside) and the journey. */
export type MutationInput<K extends MutationKind> = Omit<Extract<PendingMutation, { kind: K }>, "kind"> & {
  readonly journeyID: string;
};
/** Input of the `submitProfile` actor: `PUT /profile`, then `POST /profile/submit` [L3]. */
export type SubmitProfileInput = MutationInput<"submitProfile">;
/** Input of the `proceedOffer` actor: `POST /journeys/{id}/offers/{offerID}/proceed`. */
export type ProceedOfferInput = MutationInput<"proceedOffer">;
/** Input of the `performStepAction` actor: `POST /journeys/{id}/steps/{stepID}/actions`. */
export type StepActionInput = MutationInput<"stepAction">;
/** Input of the `createConsent` actor: `POST /journeys/{id}/aa/consents`. */
export type CreateConsentInput = MutationInput<"createConsent">;
/** Input of the `resumeJourney` actor: `PATCH /journeys/{id}/resume`. */
export type ResumeJourneyInput = MutationInput<"resumeJourney">;
