import type {
  AaConsent,
  ContractIssue,
  ForeclosureQuote,
  JourneyData,
  Offer,
  Profile,
  RedirectResource,
  Step,
  StepAction,
  StepKind,
} from "../contract/index.js";
import { isEnded, missingProfileFields } from "../contract/index.js";
import type { SandboxClock } from "./clock.js";
import { makeOffer, pickLenders } from "./lenders.js";
import { trimOldest } from "./limits.js";
import { addMonths, foreclosureAmount, inr, repaymentSchedule } from "./money.js";
import type { SandboxTimings } from "./options.js";
import { invalidState, notFound, SandboxProblem, validationFailed } from "./problem.js";
import { type SeededRandom, secretToken } from "./random.js";
import {
  actionKindFor,
  currentStep,
  type JourneyRecord,
  journeyView,
  type SandboxJourneyState,
  type StepRecord,
  snapshotView,
  statusForStep,
  stepView,
} from "./records.js";
import { type Scenario, scenarioFor } from "./scenarios.js";

/** What a hosted link completes. */
export type HostedLinkPurpose = "step" | "foreclosure";

/** A hosted page link: one REDIRECT resource's URL token. */
export interface HostedLink {
  readonly token: string;
  readonly journeyID: string;
  readonly purpose: HostedLinkPurpose;
  readonly stepID: string | undefined;
  readonly expiresAtMs: number;
  readonly returnUrl: string;
  used: boolean;
}

/**
 * Receives every snapshot the engine emits, with the correlation id of the call that caused it and the
 * journey's borrower (their `borrowerExternalID`, which webhooks name).
 */
export type SnapshotListener = (
  snapshot: SandboxJourneyState,
  correlationID: string | undefined,
  borrowerExternalID: string,
) => void;

/** What the engine needs from the sandbox around it. */
export interface EngineDeps {
  readonly clock: SandboxClock;
  readonly random: SeededRandom;
  readonly timings: SandboxTimings;
  /** The sandbox's base URL (known once it listens). */
  readonly baseUrl: () => string;
  readonly onSnapshot: SnapshotListener;
  /** Bounds on what the engine keeps (default: unbounded). */
  readonly limits?: EngineLimits;
  /** Told of every journey dropped by a bound, after its timers are cancelled. */
  readonly onEvict?: (journeyID: string) => void;
}

/** The engine's share of the sandbox's limits. */
export interface EngineLimits {
  readonly journeys: number;
  readonly endedJourneyTtl: number;
  readonly borrowers: number;
  readonly borrowerTtl: number;
}

/** How many hosted links a journey keeps: older ones (long expired or used) are forgotten, then answer 404. */
export const LINK_HISTORY = 16;

/** How many AA consents a journey keeps (the step's current one always among them). */
export const CONSENT_HISTORY = 16;

const UNBOUNDED: EngineLimits = {
  journeys: Number.POSITIVE_INFINITY,
  endedJourneyTtl: Number.POSITIVE_INFINITY,
  borrowers: Number.POSITIVE_INFINITY,
  borrowerTtl: Number.POSITIVE_INFINITY,
};

/** What the engine knows of a borrower from their bootstraps and profile upserts. */
interface BorrowerRecord {
  borrowerID: string;
  phone: string | undefined;
  returnUrl: string | undefined;
  profile: Profile;
  /** When a bootstrap or upsert last touched it, sandbox ms. */
  seenAtMs: number;
}

/** The key of a borrower of a partner, in the borrower and journey indexes. */
const borrowerKey = (partnerKey: string, borrowerExternalID: string) =>
  `${partnerKey}\u0000${borrowerExternalID}`;

/** The bank-mandate FORM's fields and their checks. */
export const BANK_MANDATE_FIELDS = [
  {
    name: "accountHolderName",
    label: "Account holder name",
    kind: "text",
    required: true,
    pattern: "^.{2,120}$",
  },
  { name: "accountNumber", label: "Account number", kind: "text", required: true, pattern: "^[0-9]{9,18}$" },
  { name: "ifsc", label: "IFSC", kind: "text", required: true, pattern: "^[A-Z]{4}0[A-Z0-9]{6}$" },
  {
    name: "accountType",
    label: "Account type",
    kind: "select",
    required: true,
    options: [
      { value: "SAVINGS", label: "Savings" },
      { value: "CURRENT", label: "Current" },
    ],
  },
] as const;

const STEP_ORDER: readonly StepKind[] = ["AA_CONSENT", "KYC", "BANK_MANDATE", "E_MANDATE", "LOAN_AGREEMENT"];

/**
 * The lifecycle engine: journeys, offers, steps, consents and loans, moved by borrower calls and by
 * timers on the sandbox clock. Every change bumps the journey's version once and emits its snapshot.
 */
export class LifecycleEngine {
  /** In creation order: the first is the oldest. */
  private readonly journeys = new Map<string, JourneyRecord>();
  /** Each borrower's journeys (by {@link borrowerKey}), oldest first: how a borrower's journey is found. */
  private readonly byBorrower = new Map<string, JourneyRecord[]>();
  private readonly links = new Map<string, HostedLink>();
  private readonly deps: EngineDeps;
  private readonly limits: EngineLimits;
  /** Least recently seen first. */
  private readonly borrowers = new Map<string, BorrowerRecord>();

  constructor(deps: EngineDeps) {
    this.deps = deps;
    this.limits = deps.limits ?? UNBOUNDED;
  }

  /** Every journey record (for the control API). */
  all(): JourneyRecord[] {
    return [...this.journeys.values()];
  }

  /** How many journeys, borrowers and hosted links are held. */
  sizes(): { journeys: number; borrowers: number; links: number; borrowerIndex: number } {
    return {
      journeys: this.journeys.size,
      borrowers: this.borrowers.size,
      links: this.links.size,
      borrowerIndex: this.byBorrower.size,
    };
  }

  /** A borrower's journeys with this partner, oldest first (from the index, never a scan); never throws. */
  journeysOf(partnerKey: string, borrowerExternalID: string): readonly JourneyRecord[] {
    return this.byBorrower.get(borrowerKey(partnerKey, borrowerExternalID)) ?? [];
  }

  /**
   * Drops journeys that ended more than `endedJourneyTtl` ago and borrowers with no journey left who were last
   * seen more than `borrowerTtl` ago; never throws.
   */
  sweep(): void {
    const now = this.deps.clock.now();
    for (const journey of this.journeys.values())
      if (journey.endedAtMs !== undefined && now - journey.endedAtMs >= this.limits.endedJourneyTtl)
        this.evict(journey);
    for (const [key, borrower] of this.borrowers)
      if (!this.byBorrower.has(key) && now - borrower.seenAtMs >= this.limits.borrowerTtl)
        this.borrowers.delete(key);
  }

  /** Forgets a journey: cancels its timers, drops its links and index entry, tells `onEvict`. */
  private evict(journey: JourneyRecord): void {
    for (const cancel of journey.timers) cancel();
    journey.timers.clear();
    journey.idleTimer?.();
    journey.idleTimer = undefined;
    for (const token of journey.linkTokens) this.links.delete(token);
    this.journeys.delete(journey.id);
    const key = borrowerKey(journey.partnerKey, journey.borrowerExternalID);
    const rest = (this.byBorrower.get(key) ?? []).filter((j) => j !== journey);
    if (rest.length > 0) this.byBorrower.set(key, rest);
    else this.byBorrower.delete(key);
    this.deps.onEvict?.(journey.id);
  }

  /** Stores (or refreshes) a borrower as the most recently seen, dropping the least recently seen past the bound. */
  private keepBorrower(key: string, record: BorrowerRecord): void {
    this.borrowers.delete(key);
    this.borrowers.set(key, record);
    while (this.borrowers.size > this.limits.borrowers) {
      const oldest = this.borrowers.keys().next().value as string;
      this.borrowers.delete(oldest);
    }
  }

  /**
   * The journey with `id`.
   * @throws {SandboxProblem} 404 NOT_FOUND when there is none.
   */
  get(id: string): JourneyRecord {
    const journey = this.journeys.get(id);
    if (!journey) throw notFound(`journey ${id}`);
    return journey;
  }

  /**
   * Records what a session bootstrap says of a borrower (their contact number picks a scenario; `returnUrl` is
   * where hosted steps send them back) and returns the borrower's stable platform id; never throws.
   */
  registerBorrower(
    partnerKey: string,
    request: {
      borrowerExternalID: string;
      profile?: Profile;
      returnUrl?: string;
    },
  ): string {
    const key = borrowerKey(partnerKey, request.borrowerExternalID);
    const known = this.borrowers.get(key);
    const entry: BorrowerRecord = {
      borrowerID: known?.borrowerID ?? this.deps.random.uuid(),
      phone: request.profile?.contactNumber ?? known?.phone,
      returnUrl: request.returnUrl ?? known?.returnUrl,
      // The bootstrap's prefill [L4] seeds the profile the app reads back with GET /profile.
      profile: mergeProfile(known?.profile ?? {}, request.profile ?? {}),
      seenAtMs: this.deps.clock.now(),
    };
    this.keepBorrower(key, entry);
    return entry.borrowerID;
  }

  /** What the last bootstrap said of a borrower (contact number, return URL), if any. */
  borrower(partnerKey: string, borrowerExternalID: string): { phone?: string; returnUrl?: string } {
    const entry = this.borrowers.get(borrowerKey(partnerKey, borrowerExternalID));
    return {
      ...(entry?.phone === undefined ? {} : { phone: entry.phone }),
      ...(entry?.returnUrl === undefined ? {} : { returnUrl: entry.returnUrl }),
    };
  }

  /** The borrower's profile as stored (`GET /profile`); empty for a borrower never seen. Never throws. */
  profile(partnerKey: string, borrowerExternalID: string): Profile {
    return structuredClone(this.borrowers.get(borrowerKey(partnerKey, borrowerExternalID))?.profile ?? {});
  }

  /** Merges an upsert (`PUT /profile`) into the borrower's profile and returns the whole profile. Never throws. */
  upsertProfile(partnerKey: string, borrowerExternalID: string, patch: Profile): Profile {
    const key = borrowerKey(partnerKey, borrowerExternalID);
    const entry: BorrowerRecord = this.borrowers.get(key) ?? {
      borrowerID: this.deps.random.uuid(),
      phone: undefined,
      returnUrl: undefined,
      profile: {},
      seenAtMs: 0,
    };
    entry.profile = mergeProfile(entry.profile, patch);
    entry.seenAtMs = this.deps.clock.now();
    this.keepBorrower(key, entry);
    // A borrower mutation: the open journey the profile is for does not idle out meanwhile.
    this.touchOpen(partnerKey, borrowerExternalID);
    return structuredClone(entry.profile);
  }

  /**
   * The borrower's open journey, its idle timeout reset: for a borrower mutation it answers (a profile saved, a
   * second create answered by the open journey). Never throws.
   */
  touchOpen(partnerKey: string, borrowerExternalID: string): JourneyRecord | undefined {
    const open = this.findOpen(partnerKey, borrowerExternalID);
    if (open) this.touchIdle(open);
    return open;
  }

  /** The borrower's open (non-ended) journey with this partner, if any. */
  findOpen(partnerKey: string, borrowerExternalID: string): JourneyRecord | undefined {
    return this.journeysOf(partnerKey, borrowerExternalID).find((j) => !isEnded(j.status));
  }

  /** A hosted link by its token, if it exists. */
  link(token: string): HostedLink | undefined {
    return this.links.get(token);
  }

  /** Creates a journey (STARTED, then PROFILE_REQUIRED after `journeyStart`) for a borrower. */
  create(
    partnerKey: string,
    borrower: { borrowerExternalID: string; phone?: string | undefined },
    returnUrl: string | undefined,
    correlationID: string,
  ): JourneyRecord {
    const { clock, random, timings } = this.deps;
    const scenario: Scenario = scenarioFor(borrower);
    const now = clock.nowIso();
    const journey: JourneyRecord = {
      id: random.uuid(),
      partnerKey,
      borrowerExternalID: borrower.borrowerExternalID,
      scenario,
      createdAt: now,
      returnUrl: returnUrl ?? `${this.deps.baseUrl()}/hosted/return`,
      status: "STARTED",
      version: 0,
      updatedAt: now,
      expiresAtMs: 0,
      profileStatus: "NOT_SUBMITTED",
      offers: [],
      lockedOfferID: undefined,
      steps: [],
      consents: new Map(),
      loan: undefined,
      diagnostics: {},
      correlationID,
      kycFailuresLeft: scenario.name === "kyc-retry" ? 1 : 0,
      timers: new Set(),
      idleTimer: undefined,
      endedAtMs: undefined,
      linkTokens: [],
    };
    this.journeys.set(journey.id, journey);
    const key = borrowerKey(partnerKey, borrower.borrowerExternalID);
    this.byBorrower.set(key, [...(this.byBorrower.get(key) ?? []), journey]);
    while (this.journeys.size > this.limits.journeys)
      this.evict(this.journeys.values().next().value as JourneyRecord);
    this.touchIdle(journey);
    this.commit(journey, correlationID);
    this.after(journey, timings.journeyStart, () => {
      journey.status = "PROFILE_REQUIRED";
      this.commit(journey);
    });
    return journey;
  }

  /** The journey's snapshot. */
  snapshot(journey: JourneyRecord): SandboxJourneyState {
    return snapshotView(journey);
  }

  /** The full journey. */
  view(journey: JourneyRecord): JourneyData {
    return journeyView(journey);
  }

  /**
   * Submits the borrower's stored profile for `journey` (`POST /profile/submit`) and starts underwriting.
   * @throws {SandboxProblem} 409 INVALID_STATE outside PROFILE_REQUIRED; 400 VALIDATION_FAILED naming every
   *   missing field (`required`) and, as modelled lender policy, a `dob` outside 21–60 years (`range`).
   */
  submitProfile(journey: JourneyRecord, correlationID: string): SandboxJourneyState {
    if (journey.status !== "PROFILE_REQUIRED")
      throw invalidState(
        `the profile can only be submitted in PROFILE_REQUIRED (journey is ${journey.status})`,
      );
    const profile = this.profile(journey.partnerKey, journey.borrowerExternalID);
    const fields = missingProfileFields(profile).map((issue) => ({ ...issue, code: "required" }));
    const age =
      profile.dob === undefined
        ? undefined
        : ageOn(profile.dob.slice(0, 10), this.deps.clock.nowIso().slice(0, 10));
    if (age !== undefined && (age < BORROWER_AGE.min || age > BORROWER_AGE.max))
      fields.push({
        path: "dob",
        message: `borrower must be ${BORROWER_AGE.min}–${BORROWER_AGE.max} years old (is ${age})`,
        code: "range",
      });
    if (fields.length > 0)
      throw new SandboxProblem(
        400,
        "VALIDATION_FAILED",
        fields.map((f) => `${f.path}: ${f.message}`).join("; "),
        { fields },
      );
    journey.status = "PROFILE_SUBMITTED";
    journey.profileStatus = "SUBMITTED";
    this.touchIdle(journey);
    this.commit(journey, correlationID);
    const { timings } = this.deps;
    this.after(journey, timings.profileReview, () => {
      journey.status = "OFFERS_PENDING";
      journey.profileStatus = "VERIFIED";
      this.commit(journey);
      this.after(journey, timings.offerDispatch, () => this.dispatchOffers(journey, profile));
    });
    return snapshotView(journey);
  }

  private dispatchOffers(journey: JourneyRecord, profile: Profile): void {
    const { clock, random, timings } = this.deps;
    if (journey.scenario.name === "rejected") {
      this.end(journey, "REJECTED", {
        reasonCode: "UNDERWRITING_DECLINED",
        message: "No lender could make an offer for this application.",
        retryable: false,
      });
      return;
    }
    const short = journey.scenario.name === "offers-expire";
    const validity = short ? timings.shortOfferValidity : timings.offerValidity;
    const lenders = pickLenders(random);
    // In offers-expire the offers lapse one after another (the last at `shortOfferValidity`), so a
    // proceed can meet a single expired offer (410) before the whole journey expires.
    journey.offers = lenders.map((lender, i) => {
      const lifetime = short ? Math.round((validity * (i + 1)) / lenders.length) : validity;
      const expiresAt = new Date(clock.now() + lifetime).toISOString();
      return makeOffer(lender, monthlyIncomePaise(profile), random.uuid(), expiresAt, this.deps.baseUrl());
    });
    journey.status = "OFFERS_AVAILABLE";
    this.commit(journey);
    for (const offer of journey.offers)
      this.after(journey, Date.parse(offer.expiresAt) - clock.now(), () =>
        this.expireOffer(journey, offer.id),
      );
  }

  private expireOffer(journey: JourneyRecord, offerID: string): void {
    const offer = journey.offers.find((o) => o.id === offerID);
    if (offer?.status !== "AVAILABLE") return;
    offer.status = "EXPIRED";
    const anyLeft = journey.offers.some((o) => o.status === "AVAILABLE");
    if (!anyLeft && journey.status === "OFFERS_AVAILABLE") {
      this.end(journey, "EXPIRED", {
        reasonCode: "OFFERS_EXPIRED",
        message: "Every offer expired before one was selected.",
        retryable: false,
      });
    } else this.commit(journey);
  }

  /**
   * Proceeds with an offer, taking the journey's offer lock.
   * @throws {SandboxProblem} 404 NOT_FOUND for an unknown offer; 409 INVALID_STATE when offers are not
   * selectable; 409 OFFER_LOCK_CONFLICT when another offer holds the lock; 410 OFFER_EXPIRED past its expiresAt.
   */
  proceed(journey: JourneyRecord, offerID: string, correlationID: string): SandboxJourneyState {
    const offer = journey.offers.find((o) => o.id === offerID);
    if (!offer) throw notFound(`offer ${offerID}`);
    if (journey.lockedOfferID === offerID) {
      if (isEnded(journey.status)) throw invalidState(`journey is ${journey.status}`);
      this.touchIdle(journey);
      this.commit(journey, correlationID);
      return snapshotView(journey);
    }
    if (journey.lockedOfferID)
      throw new SandboxProblem(
        409,
        "OFFER_LOCK_CONFLICT",
        `offer ${journey.lockedOfferID} is already proceeded`,
      );
    if (offer.status === "EXPIRED" || Date.parse(offer.expiresAt) <= this.deps.clock.now())
      throw new SandboxProblem(410, "OFFER_EXPIRED", `offer ${offerID} expired at ${offer.expiresAt}`);
    if (journey.status !== "OFFERS_AVAILABLE")
      throw invalidState(`offers can only be proceeded in OFFERS_AVAILABLE (journey is ${journey.status})`);
    journey.lockedOfferID = offerID;
    // The others still open are blocked; one that lapsed stays EXPIRED (a final status never moves back).
    for (const other of journey.offers)
      if (other.id === offerID) other.status = "SELECTED";
      else if (other.status === "AVAILABLE") other.status = "BLOCKED";
    journey.status = "OFFER_SELECTED";
    const kinds =
      journey.scenario.name === "no-aa" ? STEP_ORDER.filter((k) => k !== "AA_CONSENT") : STEP_ORDER;
    const now = this.deps.clock.nowIso();
    journey.steps = kinds.map((kind) => ({
      id: this.deps.random.uuid(),
      kind,
      status: "PENDING",
      attempts: 0,
      updatedAt: now,
      resource: undefined,
      failure: undefined,
      linkToken: undefined,
      consentID: undefined,
    }));
    this.touchIdle(journey);
    this.commit(journey, correlationID);
    this.after(journey, this.deps.timings.offerLock, () => this.activate(journey, journey.steps[0]));
    return snapshotView(journey);
  }

  /** Makes `step` current (or moves to lender processing when there is none) and commits. */
  private activate(journey: JourneyRecord, step: StepRecord | undefined): void {
    if (!step) {
      journey.status = "LENDER_PROCESSING";
      this.commit(journey);
      this.after(journey, this.deps.timings.lenderProcessing, () => this.disburse(journey));
      return;
    }
    journey.status = statusForStep(step.kind);
    step.status = "ACTION_REQUIRED";
    step.updatedAt = this.deps.clock.nowIso();
    this.issueResource(journey, step);
    this.commit(journey);
  }

  /** Gives a current step a fresh resource: a hosted link, the FORM, or the agreement DOCUMENT. */
  private issueResource(journey: JourneyRecord, step: StepRecord): void {
    const { clock, timings } = this.deps;
    if (step.kind === "BANK_MANDATE") {
      step.resource = {
        type: "FORM",
        fields: BANK_MANDATE_FIELDS.map((f) =>
          "options" in f ? { ...f, options: f.options.map((o) => ({ ...o })) } : { ...f },
        ),
      };
    } else if (step.kind === "LOAN_AGREEMENT") {
      step.resource = {
        type: "DOCUMENT",
        url: `${this.deps.baseUrl()}/hosted/documents/agreement-${journey.id}`,
        mimeType: "application/pdf",
        expiresAt: new Date(clock.now() + timings.documentValidity).toISOString(),
      };
    } else if (step.kind === "AA_CONSENT") {
      // The AA step's resource is its consent's redirect, made by START or POST /aa/consents.
      step.resource = undefined;
    } else {
      step.resource = this.issueLink(journey, step, "step");
    }
  }

  private issueLink(journey: JourneyRecord, step: StepRecord | undefined, purpose: HostedLinkPurpose) {
    const { clock, timings, random } = this.deps;
    const validity = purpose === "foreclosure" ? timings.foreclosureLinkValidity : timings.redirectValidity;
    // The seeded draw is still taken, so the sandbox's other ids stay the same for a seed; the token is from the
    // OS's random source, unguessable (the link's pages take no credential), never from the seeded one.
    random.id("hl");
    const link: HostedLink = {
      token: secretToken(),
      journeyID: journey.id,
      purpose,
      stepID: step?.id,
      expiresAtMs: clock.now() + validity,
      returnUrl: journey.returnUrl,
      used: false,
    };
    this.links.set(link.token, link);
    journey.linkTokens.push(link.token);
    for (const old of journey.linkTokens.splice(0, Math.max(0, journey.linkTokens.length - LINK_HISTORY)))
      this.links.delete(old);
    if (step) {
      step.linkToken = link.token;
      this.after(journey, validity, () => this.expireLink(journey, step, link.token));
    }
    const resource: RedirectResource = {
      type: "REDIRECT",
      url: `${this.deps.baseUrl()}/hosted/r/${link.token}`,
      returnUrl: journey.returnUrl,
      expiresAt: new Date(link.expiresAtMs).toISOString(),
    };
    return resource;
  }

  private expireLink(journey: JourneyRecord, step: StepRecord, token: string): void {
    if (step.linkToken !== token || step.status !== "ACTION_REQUIRED") return;
    step.status = "EXPIRED";
    step.updatedAt = this.deps.clock.nowIso();
    const consent = step.consentID ? journey.consents.get(step.consentID) : undefined;
    if (consent && consent.status === "PENDING") consent.status = "EXPIRED";
    this.commit(journey);
  }

  /**
   * Creates the AA consent for the current AA step, or returns the open one.
   * @throws {SandboxProblem} 409 INVALID_STATE when the journey is not in AA_REQUIRED.
   */
  createConsent(journey: JourneyRecord, correlationID: string): AaConsent {
    const step = currentStep(journey);
    if (step?.kind !== "AA_CONSENT" || step.status === "COMPLETED" || step.status === "IN_PROGRESS")
      throw invalidState(`no AA consent is needed now (journey is ${journey.status})`);
    const consent = this.openConsent(journey, step);
    this.touchIdle(journey);
    this.commit(journey, correlationID);
    return { ...consent };
  }

  private openConsent(journey: JourneyRecord, step: StepRecord): AaConsent {
    const existing = step.consentID ? journey.consents.get(step.consentID) : undefined;
    if (existing && existing.status === "PENDING" && step.status === "ACTION_REQUIRED") return existing;
    if (existing && existing.status === "PENDING") existing.status = "EXPIRED";
    const resource = this.issueLink(journey, step, "step");
    const consent: AaConsent = {
      id: this.deps.random.uuid(),
      status: "PENDING",
      resource,
      createdAt: this.deps.clock.nowIso(),
    };
    journey.consents.set(consent.id, consent);
    trimOldest(journey.consents, CONSENT_HISTORY);
    step.consentID = consent.id;
    step.resource = resource;
    step.status = "ACTION_REQUIRED";
    step.failure = undefined;
    step.updatedAt = consent.createdAt;
    return consent;
  }

  /**
   * One AA consent of the journey.
   * @throws {SandboxProblem} 404 NOT_FOUND when the journey has no such consent.
   */
  consent(journey: JourneyRecord, consentID: string): AaConsent {
    const consent = journey.consents.get(consentID);
    if (!consent) throw notFound(`consent ${consentID}`);
    return { ...consent };
  }

  /**
   * One step of the journey.
   * @throws {SandboxProblem} 404 NOT_FOUND when the journey has no such step.
   */
  step(journey: JourneyRecord, stepID: string): StepRecord {
    const step = journey.steps.find((s) => s.id === stepID);
    if (!step) throw notFound(`step ${stepID}`);
    return step;
  }

  /**
   * Applies a borrower action to a step: START (re)issues its resource or retries a failed attempt,
   * SUBMIT sends FORM data or accepts the DOCUMENT, CONFIRM_RETURN reports the return from a redirect.
   * @throws {SandboxProblem} 404 NOT_FOUND for an unknown step; 409 INVALID_STATE when the step is not
   * current or the action does not fit it; 422 VALIDATION_FAILED for bad FORM data.
   */
  stepAction(
    journey: JourneyRecord,
    stepID: string,
    action: StepAction,
    data: Readonly<Record<string, string | number | boolean>> | undefined,
    correlationID: string,
  ): Step {
    const step = this.step(journey, stepID);
    if (isEnded(journey.status)) throw invalidState(`journey is ${journey.status}`);
    if (currentStep(journey) !== step)
      throw invalidState(
        `step ${step.kind} is ${step.status}, not the current step (journey is ${journey.status})`,
      );
    const kind = actionKindFor(step.kind);
    if (action === "START") {
      if (step.status === "COMPLETED") throw invalidState("the step is already completed");
      if (step.status === "FAILED" && step.failure?.retryable === false)
        throw invalidState("the step failed and cannot be retried");
      if (step.status === "FAILED" || step.status === "EXPIRED" || this.resourceExpired(step)) {
        step.failure = undefined;
        step.status = "ACTION_REQUIRED";
        step.updatedAt = this.deps.clock.nowIso();
        if (step.kind === "AA_CONSENT") this.openConsent(journey, step);
        else this.issueResource(journey, step);
      } else if (step.kind === "AA_CONSENT" && step.status === "ACTION_REQUIRED") {
        this.openConsent(journey, step);
      }
    } else if (action === "SUBMIT") {
      if (kind === "REDIRECT")
        throw invalidState("a REDIRECT step is completed on its hosted page, not by SUBMIT");
      if (step.status !== "ACTION_REQUIRED") throw invalidState(`the step is ${step.status}`);
      if (kind === "FORM") {
        const issues = checkMandateForm(data ?? {});
        if (issues.length > 0) throw validationFailed(issues);
      } else if (data?.accepted === false) {
        throw validationFailed([{ path: "data.accepted", message: "the agreement must be accepted" }]);
      }
      this.borrowerFinished(journey, step, true);
    } else {
      if (kind === "FORM") throw invalidState("CONFIRM_RETURN applies to REDIRECT and DOCUMENT steps");
      if (kind === "DOCUMENT") {
        if (step.status !== "ACTION_REQUIRED") throw invalidState(`the step is ${step.status}`);
        this.borrowerFinished(journey, step, true);
      }
      // For a REDIRECT step the hosted page reports the outcome; the return itself changes nothing.
    }
    this.touchIdle(journey);
    this.commit(journey, correlationID);
    return stepView(step);
  }

  private resourceExpired(step: StepRecord): boolean {
    const expiresAt = step.resource && "expiresAt" in step.resource ? step.resource.expiresAt : undefined;
    return expiresAt !== undefined && Date.parse(expiresAt) <= this.deps.clock.now();
  }

  /**
   * The borrower finished an attempt (hosted page, form, document): IN_PROGRESS now, COMPLETED or FAILED
   * after `stepProcessing`. `succeeded` false is a hosted page's "fail"; the kyc-retry scenario fails the
   * first KYC attempt on its own. Does not commit: the caller does.
   */
  private borrowerFinished(journey: JourneyRecord, step: StepRecord, succeeded: boolean): void {
    step.attempts += 1;
    step.status = "IN_PROGRESS";
    step.updatedAt = this.deps.clock.nowIso();
    step.resource = { type: "WAIT", reason: "VERIFYING", pollAfterMs: 3000 };
    if (step.linkToken) {
      const link = this.links.get(step.linkToken);
      if (link) link.used = true;
    }
    let failure: string | undefined = succeeded ? undefined : `${step.kind}_FAILED`;
    if (succeeded && step.kind === "KYC" && journey.kycFailuresLeft > 0) {
      journey.kycFailuresLeft -= 1;
      failure = "KYC_MISMATCH";
    }
    this.after(journey, this.deps.timings.stepProcessing, () => {
      if (step.status !== "IN_PROGRESS") return;
      if (failure) this.failStepNow(journey, step, failure, true);
      else this.completeStepNow(journey, step);
    });
  }

  private completeStepNow(journey: JourneyRecord, step: StepRecord): void {
    step.status = "COMPLETED";
    step.resource = undefined;
    step.failure = undefined;
    step.updatedAt = this.deps.clock.nowIso();
    const consent = step.consentID ? journey.consents.get(step.consentID) : undefined;
    if (consent && consent.status === "PENDING") consent.status = "ACTIVE";
    const next = journey.steps[journey.steps.indexOf(step) + 1];
    this.activate(journey, next);
  }

  private failStepNow(
    journey: JourneyRecord,
    step: StepRecord,
    reasonCode: string,
    retryable: boolean,
  ): void {
    step.status = "FAILED";
    step.resource = undefined;
    step.failure = { reasonCode, retryable };
    step.updatedAt = this.deps.clock.nowIso();
    const consent = step.consentID ? journey.consents.get(step.consentID) : undefined;
    if (consent && consent.status === "PENDING") consent.status = "REJECTED";
    if (!retryable) {
      this.end(journey, "REJECTED", {
        reasonCode,
        message: `The ${step.kind} step failed.`,
        retryable: false,
      });
      return;
    }
    journey.diagnostics = {
      reasonCode,
      message: `The ${step.kind} step failed; start it again.`,
      retryable: true,
    };
    this.commit(journey);
  }

  /**
   * Resumes: re-issues the current step's expired resource (a new hosted link, consent or document URL).
   * @throws {SandboxProblem} 409 INVALID_STATE on an ended journey.
   */
  resume(journey: JourneyRecord, correlationID: string): JourneyData {
    if (isEnded(journey.status)) throw invalidState(`journey is ${journey.status}`);
    const step = currentStep(journey);
    if (
      step &&
      (step.status === "EXPIRED" || (step.status === "ACTION_REQUIRED" && this.resourceExpired(step)))
    ) {
      step.status = "ACTION_REQUIRED";
      step.updatedAt = this.deps.clock.nowIso();
      if (step.kind === "AA_CONSENT") {
        if (step.consentID) this.openConsent(journey, step);
      } else this.issueResource(journey, step);
    }
    this.touchIdle(journey);
    this.commit(journey, correlationID);
    return journeyView(journey);
  }

  /**
   * The loan of a disbursed (or closed) journey.
   * @throws {SandboxProblem} 409 INVALID_STATE before disbursal.
   */
  loan(journey: JourneyRecord) {
    if (!journey.loan) throw invalidState(`there is no loan before DISBURSED (journey is ${journey.status})`);
    return journey.loan;
  }

  /**
   * A foreclosure quote with a hosted payment link; paying it forecloses the loan and closes the journey.
   * @throws {SandboxProblem} 409 INVALID_STATE unless the loan is ACTIVE.
   */
  foreclose(journey: JourneyRecord, correlationID: string): ForeclosureQuote {
    const record = this.loan(journey);
    if (record.loan.status !== "ACTIVE") throw invalidState(`the loan is ${record.loan.status}`);
    const { loan } = record;
    const lastDue =
      record.paidThrough === 0 ? record.disbursedOn : addMonths(record.disbursedOn, record.paidThrough);
    const days = Math.max(
      0,
      Math.floor((this.deps.clock.now() - Date.parse(`${lastDue}T00:00:00Z`)) / 86_400_000),
    );
    const amount = foreclosureAmount(
      loan.principal.amount,
      loan.interestRate,
      loan.tenureMonths,
      record.paidThrough,
      days,
      FORECLOSURE_CHARGE_PERCENT,
    );
    const resource = this.issueLink(journey, undefined, "foreclosure");
    this.touchIdle(journey);
    this.commit(journey, correlationID);
    return { amount: inr(amount), resource };
  }

  /**
   * Whether a hosted link still does what it was issued for: its step still waits for the borrower on it (not
   * moved on, re-issued, or its journey ended), or its foreclosure's loan is still active (no other quote paid,
   * not repaid). Never throws.
   */
  linkApplies(link: HostedLink): boolean {
    const journey = this.journeys.get(link.journeyID);
    if (!journey) return false;
    if (link.purpose === "foreclosure") return journey.loan?.loan.status === "ACTIVE";
    const step = journey.steps.find((s) => s.id === link.stepID);
    return step !== undefined && step.linkToken === link.token && step.status === "ACTION_REQUIRED";
  }

  /**
   * A hosted page's outcome: completes (or fails) the step behind the link, or pays the foreclosure.
   * @throws {SandboxProblem} 404 NOT_FOUND for an unknown link; 410 for an expired or used one.
   */
  completeLink(token: string, succeeded: boolean): HostedLink {
    const link = this.links.get(token);
    if (!link) throw notFound("link");
    if (link.used || link.expiresAtMs <= this.deps.clock.now())
      throw new SandboxProblem(410, "INVALID_STATE", "this link has expired or was already used");
    const journey = this.get(link.journeyID);
    if (!this.linkApplies(link))
      throw new SandboxProblem(
        410,
        "INVALID_STATE",
        link.purpose === "foreclosure"
          ? "this link no longer applies: the loan is not active"
          : "this link no longer applies to its step",
      );
    if (link.purpose === "foreclosure") {
      link.used = true;
      if (succeeded && journey.loan) {
        journey.loan.loan.status = "FORECLOSED";
        this.end(journey, "CLOSED", { reasonCode: "LOAN_FORECLOSED", message: "The loan was foreclosed." });
      }
      return link;
    }
    const step = this.step(journey, link.stepID as string);
    this.borrowerFinished(journey, step, succeeded);
    this.commit(journey);
    return link;
  }

  /**
   * Control: the borrower finishes the current (or given) step successfully, as on its hosted page or
   * form; scenario rules still apply (kyc-retry fails the first KYC attempt) and processing takes
   * `stepProcessing`.
   * @throws {SandboxProblem} 404 NOT_FOUND for an unknown step; 409 INVALID_STATE when it is not actionable.
   */
  controlComplete(journey: JourneyRecord, stepID?: string): Step {
    const step = this.actionable(journey, stepID);
    if (step.status !== "ACTION_REQUIRED") {
      step.status = "ACTION_REQUIRED";
      step.failure = undefined;
    }
    this.borrowerFinished(journey, step, true);
    this.commit(journey);
    return stepView(step);
  }

  /**
   * Control: fails the current (or given) step now. Not retryable: the journey is REJECTED.
   * @throws {SandboxProblem} 404 NOT_FOUND for an unknown step; 409 INVALID_STATE when it is not actionable.
   */
  controlFail(journey: JourneyRecord, stepID?: string, reasonCode = "STEP_FAILED", retryable = true): Step {
    const step = this.actionable(journey, stepID);
    this.failStepNow(journey, step, reasonCode, retryable);
    return stepView(step);
  }

  private actionable(journey: JourneyRecord, stepID: string | undefined): StepRecord {
    const step = stepID ? this.step(journey, stepID) : currentStep(journey);
    if (!step || step !== currentStep(journey) || step.status === "COMPLETED" || isEnded(journey.status))
      throw invalidState(`no actionable step (journey is ${journey.status})`);
    return step;
  }

  /**
   * Control: expires the journey now (as the idle timeout would).
   * @throws {SandboxProblem} 409 INVALID_STATE when it has ended, or is DISBURSED (which only CLOSED follows).
   */
  expire(journey: JourneyRecord): SandboxJourneyState {
    if (isEnded(journey.status) || journey.status === "DISBURSED")
      throw invalidState(`journey is ${journey.status}`);
    this.end(journey, "EXPIRED", {
      reasonCode: "JOURNEY_EXPIRED",
      message: "The journey expired.",
      retryable: false,
    });
    return snapshotView(journey);
  }

  private disburse(journey: JourneyRecord): void {
    const offer = journey.offers.find((o) => o.id === journey.lockedOfferID) as Offer;
    const now = this.deps.clock.nowIso();
    const base = this.deps.baseUrl();
    journey.loan = {
      disbursedOn: now.slice(0, 10),
      paidThrough: 0,
      loan: {
        loanID: this.deps.random.uuid(),
        principal: { ...offer.principal },
        disbursedAmount: { ...offer.netDisbursed },
        disbursedAt: now,
        interestRate: offer.interestRate,
        apr: offer.apr,
        tenureMonths: offer.tenureMonths,
        emi: { ...offer.emi },
        status: "ACTIVE",
        documents: [
          { kind: "LOAN_AGREEMENT", url: `${base}/hosted/documents/agreement-${journey.id}` },
          { kind: "KFS", url: `${base}/hosted/documents/kfs-${offer.id}` },
          { kind: "SANCTION_LETTER", url: `${base}/hosted/documents/sanction-${journey.id}` },
        ],
      },
    };
    journey.status = "DISBURSED";
    journey.diagnostics = {};
    if (journey.idleTimer) journey.idleTimer();
    journey.idleTimer = undefined;
    this.commit(journey);
    if (journey.scenario.name === "closure")
      this.after(journey, this.deps.timings.loanClosure, () => {
        const record = journey.loan;
        if (record?.loan.status !== "ACTIVE") return;
        record.loan.status = "CLOSED";
        record.paidThrough = record.loan.tenureMonths;
        this.end(journey, "CLOSED", { reasonCode: "LOAN_REPAID", message: "The loan was repaid in full." });
      });
  }

  /** The loan's schedule, with paid instalments marked. */
  schedule(journey: JourneyRecord) {
    const record = this.loan(journey);
    const { loan } = record;
    return repaymentSchedule(
      loan.principal.amount,
      loan.interestRate,
      loan.tenureMonths,
      record.disbursedOn,
      record.paidThrough,
    );
  }

  private end(
    journey: JourneyRecord,
    status: "REJECTED" | "EXPIRED" | "CLOSED",
    diagnostics: JourneyRecord["diagnostics"],
  ): void {
    journey.status = status;
    journey.endedAtMs = this.deps.clock.now();
    journey.diagnostics = { ...diagnostics, at: this.deps.clock.nowIso() };
    for (const cancel of journey.timers) cancel();
    journey.timers.clear();
    if (journey.idleTimer) journey.idleTimer();
    journey.idleTimer = undefined;
    for (const step of journey.steps)
      if (step.status === "ACTION_REQUIRED" || step.status === "IN_PROGRESS" || step.status === "PENDING") {
        step.status = "EXPIRED";
        step.resource = undefined;
        step.updatedAt = this.deps.clock.nowIso();
      }
    for (const offer of journey.offers) if (offer.status === "AVAILABLE") offer.status = "EXPIRED";
    this.commit(journey);
  }

  /** Resets the idle timeout after a borrower mutation (DISBURSED and ended journeys never idle out). */
  private touchIdle(journey: JourneyRecord): void {
    if (isEnded(journey.status) || journey.status === "DISBURSED") return;
    const { clock, timings } = this.deps;
    const timeout =
      journey.scenario.name === "idle-expiry" ? timings.shortJourneyIdleTimeout : timings.journeyIdleTimeout;
    journey.expiresAtMs = clock.now() + timeout;
    if (journey.idleTimer) journey.idleTimer();
    journey.idleTimer = clock.setTimer(() => {
      journey.idleTimer = undefined;
      if (isEnded(journey.status) || journey.status === "DISBURSED") return;
      this.end(journey, "EXPIRED", {
        reasonCode: "JOURNEY_IDLE_TIMEOUT",
        message: "The journey expired after a period of inactivity.",
        retryable: false,
      });
    }, timeout);
  }

  /** Runs `fn` after `ms` on the sandbox clock, unless the journey ends first; 0 runs it now. */
  private after(journey: JourneyRecord, ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const cancel = this.deps.clock.setTimer(() => {
      journey.timers.delete(cancel);
      if (!isEnded(journey.status)) fn();
    }, ms);
    journey.timers.add(cancel);
  }

  /** Bumps the version, stamps the time, remembers the causing call and emits the snapshot. */
  private commit(journey: JourneyRecord, correlationID?: string): void {
    journey.version += 1;
    journey.updatedAt = this.deps.clock.nowIso();
    if (correlationID) journey.correlationID = correlationID;
    this.deps.onSnapshot(snapshotView(journey), journey.correlationID, journey.borrowerExternalID);
  }
}

/** Foreclosure charge, percent of the outstanding principal. */
export const FORECLOSURE_CHARGE_PERCENT = 2;

/** Checks bank-mandate FORM data against its fields: every failing field, as `data.<name>` paths. */
export function checkMandateForm(data: Readonly<Record<string, string | number | boolean>>): ContractIssue[] {
  const issues: ContractIssue[] = [];
  for (const field of BANK_MANDATE_FIELDS) {
    const value = data[field.name];
    if (value === undefined || value === "") {
      if (field.required) issues.push({ path: `data.${field.name}`, message: `${field.label} is required` });
      continue;
    }
    if (typeof value !== "string") {
      issues.push({ path: `data.${field.name}`, message: `${field.label} must be a string` });
      continue;
    }
    if ("pattern" in field && !new RegExp(field.pattern).test(value))
      issues.push({ path: `data.${field.name}`, message: `${field.label} must match ${field.pattern}` });
    if ("options" in field && !field.options.some((o) => o.value === value))
      issues.push({
        path: `data.${field.name}`,
        message: `${field.label} must be one of ${field.options.map((o) => o.value).join(", ")}`,
      });
  }
  return issues;
}

/** Youngest and oldest borrower age the sandbox's lenders accept, in whole years (modelled lender policy). */
export const BORROWER_AGE = { min: 21, max: 60 } as const;

/** Whole years between a `YYYY-MM-DD` birth date and `today` (also `YYYY-MM-DD`); pure, never throws. */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** The profile's monthly income in paise: `income` is whole rupees [C4], monthly or annual. */
function monthlyIncomePaise(profile: Profile): number {
  const rupees = Number(profile.workProfile?.income ?? 0);
  const monthly = profile.workProfile?.incomeType === "annual" ? rupees / 12 : rupees;
  return Math.round(monthly * 100);
}

/** `patch` over `base`, one level deep for the nested parts (`workProfile`, `address`, `bankingInformation`). */
function mergeProfile(base: Profile, patch: Profile): Profile {
  return {
    ...base,
    ...patch,
    ...(base.workProfile || patch.workProfile
      ? { workProfile: { ...base.workProfile, ...patch.workProfile } }
      : {}),
    ...(base.address || patch.address ? { address: { ...base.address, ...patch.address } } : {}),
    ...(base.bankingInformation || patch.bankingInformation
      ? { bankingInformation: { ...base.bankingInformation, ...patch.bankingInformation } }
      : {}),
  };
}
