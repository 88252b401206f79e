import fc from "fast-check";
import type { SnapshotSource } from "../../machines/journey/journey.types.js";
import {
  ENDED_STATUSES,
  type JourneySnapshot,
  type JourneyStatus,
  LIFECYCLE,
  type NextAction,
} from "../contract/index.js";
import type { JourneyHostEvent } from "../journey/events.js";
import { profileFixture } from "./fixtures.js";

/** The journey id the arbitraries use unless told otherwise. */
export const ARBITRARY_JOURNEY_ID = "2f9d4c1b-7e3a-4b8d-9c6e-1a5f0d3b7e24";
/** The epoch-ms time the generated histories and schedules start at (2026-11-26T10:00:00Z). */
export const ARBITRARY_T0 = Date.parse("2026-11-26T10:00:00Z");

/** Options of {@link serverHistoryArb}. */
export interface ServerHistoryOptions {
  readonly journeyID?: string;
  /** Most snapshots in a history (default 12). */
  readonly maxLength?: number;
  /** Whether the history may end in REJECTED, EXPIRED or CLOSED (default true). */
  readonly allowEnd?: boolean;
  /** The offer a history that passes OFFER_SELECTED locks (default `8e3b1d7f-2c9a-4e5b-b1d6-4f0a9c2e7b58`). */
  readonly lockedOfferID?: string;
}

function nextActionFor(status: JourneyStatus): NextAction {
  switch (status) {
    case "PROFILE_REQUIRED":
      return "SUBMIT_PROFILE";
    case "OFFERS_AVAILABLE":
      return "VIEW_OFFERS";
    case "AA_REQUIRED":
    case "KYC_PENDING":
    case "BANK_MANDATE_PENDING":
    case "E_MANDATE_PENDING":
    case "LOAN_AGREEMENT_PENDING":
      return "COMPLETE_STEP";
    case "REJECTED":
    case "EXPIRED":
    case "CLOSED":
    case "DISBURSED":
      return null;
    default:
      return "WAIT";
  }
}

/**
 * A valid snapshot of `status` as the SDK holds it, ordered by `asOf` (epoch ms). Its content depends on `asOf`
 * (diagnostics, `updatedAt`), so two snapshots at different times differ; a re-read of the same state is
 * `{ ...snapshot, asOf: later }`.
 */
export function snapshotAt(
  journeyID: string,
  asOf: number,
  status: JourneyStatus,
  lockedOfferID?: string,
): JourneySnapshot {
  const lifecycleIndex = (LIFECYCLE as readonly string[]).indexOf(status);
  const locked = lockedOfferID !== undefined && lifecycleIndex >= LIFECYCLE.indexOf("OFFER_SELECTED");
  return {
    journeyID,
    asOf,
    status,
    nextAction: nextActionFor(status),
    ...(locked ? { lockedOfferID } : {}),
    ...(status === "OFFERS_AVAILABLE" ? { offerCount: 3 } : {}),
    diagnostics: { reasonCode: `R${asOf}` },
    updatedAt: new Date(asOf).toISOString(),
  };
}

/**
 * Legal server histories, in the order the platform produced them: snapshots of one journey at strictly later
 * `asOf` times (the platform's clock, ms apart to seconds apart), whose statuses move forward along the lifecycle
 * (steps may be skipped, a status may repeat with other details), with re-reads of an unchanged state at a later
 * time in between (what a poll sees), optionally into an end (`DISBURSED` only to `CLOSED`). Never empty.
 * Shrinks towards short histories; at most `maxLength` snapshots, an end among them.
 * @throws {RangeError} naming `maxLength` when it is not a positive integer (when called).
 */
export function serverHistoryArb(options: ServerHistoryOptions = {}): fc.Arbitrary<JourneySnapshot[]> {
  const journeyID = options.journeyID ?? ARBITRARY_JOURNEY_ID;
  const maxLength = options.maxLength ?? 12;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1)
    throw new RangeError(`serverHistoryArb: maxLength must be a positive integer, got ${String(maxLength)}`);
  const lockedOfferID = options.lockedOfferID ?? "8e3b1d7f-2c9a-4e5b-b1d6-4f0a9c2e7b58";
  const allowEnd = options.allowEnd ?? true;
  return fc
    .record({
      start: fc.nat({ max: LIFECYCLE.length - 1 }),
      moves: fc.array(
        fc.record({
          advance: fc.nat({ max: 3 }),
          gap: fc.integer({ min: 1, max: 3_000 }),
          reread: fc.boolean(),
        }),
        { minLength: 0, maxLength: maxLength - 1 },
      ),
      firstAt: fc.integer({ min: ARBITRARY_T0 - 60_000, max: ARBITRARY_T0 }),
      end: allowEnd ? fc.option(fc.constantFrom(...ENDED_STATUSES), { freq: 3 }) : fc.constant(null),
    })
    .map(({ start, moves, firstAt, end }) => {
      const history: JourneySnapshot[] = [];
      let index = start;
      let asOf = firstAt;
      history.push(snapshotAt(journeyID, asOf, LIFECYCLE[index]!, lockedOfferID));
      for (const move of moves) {
        asOf += move.gap;
        if (move.reread) {
          history.push({ ...history.at(-1)!, asOf });
          continue;
        }
        index = Math.min(index + move.advance, LIFECYCLE.length - 1);
        history.push(snapshotAt(journeyID, asOf, LIFECYCLE[index]!, lockedOfferID));
      }
      if (end !== null && history.length < maxLength) {
        const last = history.at(-1)!.status;
        const status = last === "DISBURSED" ? "CLOSED" : end;
        history.push(snapshotAt(journeyID, asOf + 1, status, lockedOfferID));
      }
      return history;
    });
}

/** One delivery of a snapshot to a client: which snapshot, by which channel, and when (epoch ms). */
export interface Delivery {
  readonly snapshot: JourneySnapshot;
  readonly source: SnapshotSource;
  readonly at: number;
}

/**
 * Delivery schedules over a history: each snapshot delivered zero (dropped) to three times (duplicated), by
 * poll, webhook, push or response, all interleaved in any order (reordered); times increase by 1 s from
 * {@link ARBITRARY_T0}. `keepLast` forces the history's newest snapshot to be delivered at least once.
 */
export function deliveryScheduleArb(
  history: readonly JourneySnapshot[],
  options: { readonly keepLast?: boolean } = {},
): fc.Arbitrary<Delivery[]> {
  const source = fc.constantFrom<SnapshotSource>("poll", "webhook", "push", "response");
  const copies = history.map((snapshot, i) =>
    fc
      .array(source, { minLength: options.keepLast && i === history.length - 1 ? 1 : 0, maxLength: 3 })
      .map((sources) => sources.map((s) => ({ snapshot, source: s }))),
  );
  return fc
    .tuple(...copies)
    .chain((groups) => {
      const flat = groups.flat();
      return fc.shuffledSubarray(flat, { minLength: flat.length, maxLength: flat.length });
    })
    .map((ordered) => ordered.map((d, i) => ({ ...d, at: ARBITRARY_T0 + (i + 1) * 1000 })));
}

/** A legal history together with one delivery schedule over it. */
export function historyWithScheduleArb(
  options: ServerHistoryOptions & { readonly keepLast?: boolean } = {},
): fc.Arbitrary<{ history: JourneySnapshot[]; schedule: Delivery[] }> {
  return serverHistoryArb(options).chain((history) =>
    deliveryScheduleArb(history, { keepLast: options.keepLast ?? false }).map((schedule) => ({
      history,
      schedule,
    })),
  );
}

/** A delivery as the reducer's `snapshot.received` event. */
export function deliveryEvent(delivery: Delivery): JourneyHostEvent {
  return { type: "snapshot.received", snapshot: delivery.snapshot, source: delivery.source, at: delivery.at };
}

/** Options of {@link borrowerIntentArb}: the offers, steps and key pool intents draw from. */
export interface IntentOptions {
  readonly offerIDs?: readonly string[];
  readonly stepIDs?: readonly string[];
  /** A small pool makes double taps and key reuse likely (default `k0`…`k5`). */
  readonly keys?: readonly string[];
}

/**
 * Borrower intents without a time (`at` is added by {@link withTimes}): profile submits, offer selections,
 * step starts, submits and returns, consent creation, resume and retry. Keys come from a small pool so double
 * taps and key reuse are common.
 */
export function borrowerIntentArb(options: IntentOptions = {}): fc.Arbitrary<JourneyHostEvent> {
  const offerID = fc.constantFrom(...(options.offerIDs ?? ["ofr_A", "ofr_B", "ofr_C"]));
  const stepID = fc.constantFrom(...(options.stepIDs ?? ["c4a7e2d9-1f6b-4c3e-8d5a-7b2e9f1c0a46"]));
  const key = fc.constantFrom(...(options.keys ?? ["k0", "k1", "k2", "k3", "k4", "k5"]));
  const at = 0;
  return fc.oneof(
    fc.record({ k: key, n: fc.nat({ max: 9 }) }).map(
      ({ k, n }) =>
        ({
          type: "profile.submit",
          profile: profileFixture({ panName: `Borrower ${n}` }),
          bureauConsent: true,
          idempotencyKey: k,
          at,
        }) as const,
    ),
    fc
      .record({ o: offerID, k: key })
      .map(({ o, k }) => ({ type: "offer.select", offerID: o, idempotencyKey: k, at }) as const),
    fc
      .record({ s: stepID, k: key })
      .map(({ s, k }) => ({ type: "step.start", stepID: s, idempotencyKey: k, at }) as const),
    fc
      .record({ s: stepID, k: key })
      .map(
        ({ s, k }) =>
          ({ type: "step.submit", stepID: s, data: { otp: "123456" }, idempotencyKey: k, at }) as const,
      ),
    fc
      .record({ s: stepID, k: key })
      .map(({ s, k }) => ({ type: "step.returned", stepID: s, idempotencyKey: k, at }) as const),
    key.map((k) => ({ type: "consent.create", idempotencyKey: k, at }) as const),
    key.map((k) => ({ type: "journey.resume", idempotencyKey: k, at }) as const),
    fc.constant({ type: "mutation.retry", at } as const),
  );
}

/** Mutation results a host could report, for keys from the pool: success, or a failure with a platform code. */
export function mutationResultArb(options: IntentOptions = {}): fc.Arbitrary<JourneyHostEvent> {
  const key = fc.constantFrom(...(options.keys ?? ["k0", "k1", "k2", "k3", "k4", "k5"]));
  const code = fc.constantFrom(
    "NETWORK",
    "RATE_LIMITED",
    "INTERNAL",
    "OFFER_LOCK_CONFLICT",
    "OFFER_EXPIRED",
    "INVALID_STATE",
    "VALIDATION_FAILED",
  ) as fc.Arbitrary<"NETWORK">;
  return fc.oneof(
    key.map((k) => ({ type: "mutation.succeeded", idempotencyKey: k, at: 0 }) as const),
    fc.record({ k: key, c: code }).map(({ k, c }) => ({
      type: "mutation.failed" as const,
      idempotencyKey: k,
      problem: { code: c },
      at: 0,
    })),
  );
}

/** App, network, session and poll signals. */
export function signalArb(): fc.Arbitrary<JourneyHostEvent> {
  return fc.oneof(
    fc
      .constantFrom(
        "push.alive",
        "app.hidden",
        "app.visible",
        "network.offline",
        "network.online",
        "session.expired",
        "session.refreshed",
        "poll.notModified",
      )
      .map((type) => ({ type, at: 0 }) as JourneyHostEvent),
    fc
      .option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined })
      .map(
        (retryAfterMs) =>
          (retryAfterMs === undefined
            ? { type: "poll.failed", at: 0 }
            : { type: "poll.failed", retryAfterMs, at: 0 }) as JourneyHostEvent,
      ),
  );
}

/** Gives a sequence of events increasing times, 1 s apart from `start` (default {@link ARBITRARY_T0} + 1 s). */
export function withTimes(
  events: readonly JourneyHostEvent[],
  start = ARBITRARY_T0 + 1000,
): JourneyHostEvent[] {
  return events.map((event, i) => ({ ...event, at: start + i * 1000 }) as JourneyHostEvent);
}
