import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { createBorrowerClient, createPartnerClient } from "../../src/client/index.js";
import { openJourney } from "../../src/client/journeys.js";
import {
  type JourneySnapshot,
  type JourneyStatus,
  stateClass,
  webhookUpdates,
} from "../../src/contract/index.js";
import { STATUS_INFO } from "../../src/index.js";
import {
  createJourney,
  createManualClock,
  type JourneyRuntime,
  snapshotStream,
  steadySignals,
} from "../../src/runtime/index.js";
import { type SandboxTimings, startSandbox } from "../../src/sandbox/index.js";
import { nextMove } from "../lib/borrower-agent.js";
import { startPartner } from "./partner.js";

/** Simulated time moves in steps of this many ms; detection times are exact to this resolution. */
export const TICK_MS = 250;
/** The naive poller's fixed interval. */
export const NAIVE_INTERVAL_MS = 2_000;

/**
 * Platform timings for the simulation (sandbox-clock ms): seconds for the platform's own checks, a minute and a
 * half for lenders' offers, ten minutes for the lender to disburse. Sessions last all run (no refresh needed).
 */
export const SIM_TIMINGS: Partial<SandboxTimings> = {
  profileReview: 5_000,
  offerDispatch: 90_000,
  offerLock: 3_000,
  stepProcessing: 8_000,
  lenderProcessing: 600_000,
  sessionTtl: 24 * 3_600_000,
};

/** Borrower think time per status (simulated ms), spread ±25% per journey. */
export const THINK_MS: Readonly<Partial<Record<JourneyStatus, number>>> = {
  PROFILE_REQUIRED: 60_000,
  OFFERS_AVAILABLE: 45_000,
  AA_REQUIRED: 45_000,
  KYC_PENDING: 120_000,
  BANK_MANDATE_PENDING: 60_000,
  E_MANDATE_PENDING: 60_000,
  LOAN_AGREEMENT_PENDING: 45_000,
};

/** One server change the app did not cause itself, and when each poller saw it. */
export interface Detection {
  readonly journeyID: string;
  readonly asOf: number;
  /** The status the journey was in while the pollers waited for this change. */
  readonly fromStatus: JourneyStatus;
  readonly toStatus: JourneyStatus;
  readonly runtimeMs: number;
  readonly naiveMs: number;
}

/** What one simulation found. */
export interface SimulationResult {
  readonly push: boolean;
  readonly journeys: number;
  readonly simulatedSeconds: number;
  readonly realSeconds: number;
  readonly runtimeStateRequests: number;
  readonly naiveStateRequests: number;
  /** Long-lived SSE connections opened (push only). */
  readonly pushConnections: number;
  readonly detections: readonly Detection[];
  /** Changes caused by the borrower's own mutations (seen in the response at once), left out of detection. */
  readonly ownChanges: number;
  readonly finished: number;
  /** `/state` requests per status the journey was in when they were sent: runtime and naive poller. */
  readonly requestsByStatus: Readonly<Record<string, { runtime: number; naive: number }>>;
}

/** A state as a webhook names it (status and nextAction): how the pollers' sightings are matched to changes. */
function shownAs(snapshot: Pick<JourneySnapshot, "status" | "nextAction">): string {
  return `${snapshot.status}|${snapshot.nextAction ?? ""}`;
}

/** When the sandbox made a change: its `updatedAt` (sandbox time), else the event's time. */
function changedAt(snapshot: JourneySnapshot): number {
  return snapshot.updatedAt === undefined ? snapshot.asOf : Date.parse(snapshot.updatedAt);
}

function spread(i: number): number {
  return 0.75 + ((i * 7919) % 101) / 200;
}

/**
 * Runs `journeys` happy journeys on one sandbox with a manual clock, in lockstep with the runtimes' manual clock
 * (TICK_MS at a time, waiting for the HTTP traffic of each step to settle). Each journey has a real
 * `createJourney` runtime (the app) and, beside it, a naive poller of its own (GET /state every 2 s with ETag).
 * With `push`, the sandbox's webhooks reach a partner backend (server kit handler → push relay) and each runtime
 * also reads its journey's SSE stream. A scripted borrower acts after a think time.
 * @throws {Error} when the simulation does not finish within `limitMs` of simulated time.
 */
export async function simulate(options: {
  push: boolean;
  journeys: number;
  limitMs: number;
}): Promise<SimulationResult> {
  const started = performance.now();
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  let sandboxNow = () => Date.now();
  const partner = await startPartner(secret, () => sandboxNow());
  const sandbox = await startSandbox({
    clock: "manual",
    timings: SIM_TIMINGS,
    webhooks: [{ url: `${partner.url}/webhooks`, secrets: [secret] }],
    seed: 11,
  });
  sandboxNow = () => sandbox.clock.now();
  const clock = createManualClock(sandbox.clock.now());
  let inFlight = 0;
  const countedFetch: typeof fetch = async (input, init) => {
    inFlight++;
    try {
      return await fetch(input, init);
    } finally {
      inFlight--;
    }
  };
  const abort = new AbortController();
  // One signal stops every journey's SSE stream and naive poll.
  setMaxListeners(0, abort.signal);
  const partnerClient = createPartnerClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey });

  interface Lane {
    readonly index: number;
    readonly journeyID: string;
    readonly runtime: JourneyRuntime;
    /** When each state (as a webhook names it, {@link shownAs}) was first seen. */
    readonly runtimeSaw: Map<string, number>;
    readonly naiveSaw: Map<string, number>;
    readonly ownTimes: Set<number>;
    readonly initialContent: string;
    lastMoveKey: string;
    dueAt: number | null;
    naiveStatus: string;
  }
  const lanes: Lane[] = [];
  let pushConnections = 0;
  try {
    for (let i = 0; i < options.journeys; i++) {
      const session = await partnerClient.createSession({ borrowerExternalID: `sbx-happy-poll-${i}` });
      const token = session.sessionToken;
      const clientOptions = (correlationID: string) => ({
        baseUrl: sandbox.url,
        fetch: countedFetch,
        correlationID,
        getSessionToken: () => token,
        refreshSession: async () => token,
      });
      const { journeyID, snapshot } = await openJourney(
        createBorrowerClient(clientOptions(`st-${i}`)),
        session,
      );
      const created = { journey: snapshot };
      let push: AsyncIterable<unknown> | undefined;
      if (options.push) {
        pushConnections++;
        push = snapshotStream({ url: `${partner.url}/push/${journeyID}`, signal: abort.signal });
      }
      const runtime = createJourney({
        client: createBorrowerClient(clientOptions(`rt-${i}`)),
        journeyID,
        initial: created.journey,
        clock,
        signals: steadySignals,
        ...(push ? { push } : {}),
      });
      const lane: Lane = {
        index: i,
        journeyID,
        runtime,
        runtimeSaw: new Map([[shownAs(created.journey), clock.now()]]),
        naiveSaw: new Map([[shownAs(created.journey), clock.now()]]),
        ownTimes: new Set(),
        initialContent: shownAs(created.journey),
        lastMoveKey: "",
        dueAt: null,
        naiveStatus: created.journey.status,
      };
      const sawFirst = (saw: Map<string, number>, snapshot: JourneySnapshot | null) => {
        const content = snapshot === null ? undefined : shownAs(snapshot);
        if (content !== undefined && !saw.has(content)) saw.set(content, clock.now());
      };
      runtime.subscribe(() => sawFirst(lane.runtimeSaw, runtime.getState().context.snapshot));
      runtime.start();
      const naive = createBorrowerClient(clientOptions(`nv-${i}`));
      let etag: string | undefined;
      const naivePoll = async (): Promise<void> => {
        if (abort.signal.aborted) return;
        try {
          const result = await naive.getJourneyState(journeyID, {
            ...(etag ? { etag } : {}),
            signal: abort.signal,
          });
          if (result.etag) etag = result.etag;
          if (result.kind === "snapshot") {
            sawFirst(lane.naiveSaw, result.snapshot);
            lane.naiveStatus = result.snapshot.status;
          }
        } catch {
          // A failed poll is simply retried on the next interval.
        }
      };
      const schedule = () =>
        clock.setTimeout(() => {
          void naivePoll();
          if (lane.naiveStatus !== "DISBURSED") schedule();
        }, NAIVE_INTERVAL_MS);
      schedule();
      lanes.push(lane);
    }

    const published = (lane: Lane) => partner.published.get(lane.journeyID) ?? 0;
    const settle = async () => {
      let quiet = 0;
      for (let round = 0; round < 2_000 && quiet < 3; round++) {
        await sandbox.control.settle();
        await new Promise((resolve) => setImmediate(resolve));
        const caughtUp =
          !options.push || lanes.every((l) => l.runtime.getState().context.asOf >= published(l));
        quiet = inFlight === 0 && caughtUp ? quiet + 1 : 0;
      }
    };

    const done = (lane: Lane) =>
      lane.runtime.view().status === "DISBURSED" && lane.naiveStatus === "DISBURSED";
    await settle();
    const begin = clock.now();
    while (!lanes.every(done)) {
      if (clock.now() - begin > options.limitMs)
        throw new Error(`not finished after ${options.limitMs} ms simulated`);
      for (const lane of lanes) {
        // A journey both pollers have seen disbursed leaves the comparison: its runtime stops as its naive
        // poller does, so neither keeps polling while slower journeys finish.
        if (done(lane)) {
          lane.runtime.stop();
          continue;
        }
        const view = lane.runtime.view();
        const move = nextMove(view, "+919000000000", () => sandbox.clock.nowIso());
        if (move === null) {
          lane.dueAt = null;
          continue;
        }
        const key = `${view.asOf}:${move.kind}:${view.pendingMutation?.idempotencyKey ?? ""}`;
        if (key === lane.lastMoveKey) continue;
        if (lane.dueAt === null) {
          const think =
            move.kind === "retry" ? 0 : (THINK_MS[view.status as JourneyStatus] ?? 0) * spread(lane.index);
          lane.dueAt = clock.now() + think;
        }
        if (clock.now() < lane.dueAt) continue;
        lane.lastMoveKey = key;
        lane.dueAt = null;
        if (move.kind === "hosted") sandbox.control.completeStep(lane.journeyID);
        else {
          lane.ownTimes.add(sandbox.clock.now());
          if (move.kind === "retry") lane.runtime.send({ type: "mutation.retry" });
          else move.run(lane.runtime);
        }
      }
      await settle();
      sandbox.clock.advance(TICK_MS);
      clock.advance(TICK_MS);
      await settle();
    }
    const simulatedSeconds = (clock.now() - begin) / 1000;

    // Every change the platform published, from the webhook log (one event per change), in the order made.
    const changes = new Map<string, JourneySnapshot[]>();
    const seenEvents = new Set<string>();
    for (const delivery of sandbox.control.webhookDeliveries()) {
      if (seenEvents.has(delivery.body.event_id)) continue;
      seenEvents.add(delivery.body.event_id);
      const snapshot = webhookUpdates(delivery.body)?.[0]?.snapshot;
      if (!snapshot) continue;
      const perJourney = changes.get(snapshot.journeyID) ?? [];
      perJourney.push(snapshot);
      changes.set(snapshot.journeyID, perJourney);
    }
    for (const perJourney of changes.values()) perJourney.sort((a, b) => a.asOf - b.asOf);
    const detections: Detection[] = [];
    let ownChanges = 0;
    for (const lane of lanes) {
      const made = changes.get(lane.journeyID) ?? [];
      // Changes up to the state the session handed over were known from the start.
      const known = made.findIndex((s) => shownAs(s) === lane.initialContent);
      for (const [index, snapshot] of made.entries()) {
        const before = made[index - 1];
        const asOf = snapshot.asOf;
        // A change a webhook shows no differently (same status and nextAction) cannot be told apart by sightings.
        if (!before || index <= known || shownAs(before) === shownAs(snapshot)) continue;
        const at = changedAt(snapshot);
        // The event's time is stamped a few ms after the sandbox's clock when many answers share a tick.
        if ([...lane.ownTimes].some((own) => at >= own && at < own + TICK_MS)) {
          ownChanges++;
          continue;
        }
        const runtimeAt = lane.runtimeSaw.get(shownAs(snapshot));
        const naiveAt = lane.naiveSaw.get(shownAs(snapshot));
        if (runtimeAt === undefined || naiveAt === undefined) continue;
        detections.push({
          journeyID: lane.journeyID,
          asOf,
          fromStatus: before.status,
          toStatus: snapshot.status,
          runtimeMs: runtimeAt - at,
          naiveMs: naiveAt - at,
        });
      }
    }
    const stateRequests = sandbox.control
      .requests()
      .filter((r) => r.method === "GET" && r.path.endsWith("/state"));
    const byPrefix = (prefix: string) =>
      stateRequests.filter((r) => r.correlationID.startsWith(prefix)).length;
    const requestsByStatus: Record<string, { runtime: number; naive: number }> = {};
    for (const request of stateRequests) {
      const journeyID = /\/journeys\/([^/]+)\/state/.exec(request.path)?.[1];
      const made = journeyID ? changes.get(journeyID) : undefined;
      if (!made) continue;
      const at = Date.parse(request.at);
      let status = "";
      for (const snapshot of made) if (changedAt(snapshot) <= at) status = snapshot.status;
      const counts = requestsByStatus[status] ?? { runtime: 0, naive: 0 };
      if (request.correlationID.startsWith("rt-")) counts.runtime++;
      else if (request.correlationID.startsWith("nv-")) counts.naive++;
      requestsByStatus[status] = counts;
    }
    return {
      push: options.push,
      journeys: options.journeys,
      simulatedSeconds,
      realSeconds: (performance.now() - started) / 1000,
      runtimeStateRequests: byPrefix("rt-"),
      naiveStateRequests: byPrefix("nv-"),
      pushConnections,
      detections,
      ownChanges,
      finished: lanes.filter(done).length,
      requestsByStatus,
    };
  } finally {
    abort.abort();
    for (const lane of lanes) lane.runtime.stop();
    await sandbox.close();
    await partner.close();
  }
}

/** The polling band the status's cadence falls in (`active` 2–5 s, `passive` 10–20 s). */
export function bandOf(status: JourneyStatus): "active" | "passive" | "none" {
  return STATUS_INFO[status].band;
}

/** The state class of a status, re-exported for the report. */
export { stateClass };
