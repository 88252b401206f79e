/**
 * Benchmark 6: concurrent journeys end to end against one sandbox with faults on (5xx, lost responses,
 * latency): journeys per minute, p95 step latency, and a reconciliation of the sandbox's mutation log against
 * every intent the runtimes sent (no mutation duplicated, none lost).
 */

import { type ChildProcess, fork } from "node:child_process";
import { createBorrowerClient, createPartnerClient } from "../../src/client/index.js";
import { openJourney } from "../../src/client/journeys.js";
import { ENDPOINTS, type EndpointName, type JourneySnapshot } from "../../src/contract/index.js";
import { createJourney, type JourneyRuntime, steadySignals } from "../../src/runtime/index.js";
import type { MutationLogEntry, RequestLogEntry, SandboxFaults } from "../../src/sandbox/index.js";
import { nextMove } from "../lib/borrower-agent.js";
import { runBenchmark, secondsSince } from "../lib/child.js";
import { type BenchReport, figure } from "../lib/figure.js";
import { quantile } from "../lib/stats.js";
import { acceleratedClock } from "./accelerated-clock.js";

const JOURNEYS = Number(process.env.BENCH_LOAD_JOURNEYS ?? "1000");
const CLOCK_FACTOR = 4;
const DEADLINE_SEC = 200;
const FAULTS: SandboxFaults = { latencyMs: [2, 20], errorRate: 0.05, lostResponseRate: 0.03 };

interface SentIntent {
  readonly journeyID: string;
  readonly key: string;
  readonly kind: string;
}

async function startSandboxChild(
  faults: SandboxFaults,
): Promise<{ child: ChildProcess; url: string; apiKey: string; now: number }> {
  const child = fork(new URL("./sandbox-child.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_CLOCK_FACTOR: String(CLOCK_FACTOR), BENCH_FAULTS: JSON.stringify(faults) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const info = await new Promise<{ url: string; apiKey: string; now: number }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as { url: string; apiKey: string; now: number }));
    child.once("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return { child, ...info };
}

async function control<T>(url: string, method: string, path: string): Promise<T> {
  const response = await fetch(`${url}/_sandbox${path}`, { method });
  if (!response.ok)
    throw new Error(`${method} /_sandbox${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

let hostedRetries = 0;

/**
 * The borrower finishes a hosted page. A dropped connection is retried like a browser would; a 409 on a retry
 * means the first attempt went through (the step is already processing).
 */
async function completeHostedPage(url: string, journeyID: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${url}/_sandbox/journeys/${journeyID}/steps/current/complete`, {
        method: "POST",
      });
      await response.text();
      if (response.ok || (attempt > 0 && response.status === 409)) return;
      if (response.status < 500 || attempt >= 5) throw new Error(`hosted page: ${response.status}`);
    } catch (error) {
      if (attempt >= 5) throw error;
    }
    hostedRetries++;
    await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
  }
}

/** One load run: every journey at once against a fresh sandbox with `faults`. */
async function runLoad(faults: SandboxFaults) {
  hostedRetries = 0;
  const sandbox = await startSandboxChild(faults);
  const clock = acceleratedClock(sandbox.now, CLOCK_FACTOR);
  const partner = createPartnerClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey });
  const sent: SentIntent[] = [];
  const stepLatencies: number[] = [];
  const mutationLatencies: number[] = [];
  const journeyDurations: number[] = [];
  const failedMutations: string[] = [];
  const hostedErrors: string[] = [];
  const runtimes: JourneyRuntime[] = [];
  let completed = 0;
  let ended = 0;
  let loadStart = 0;
  try {
    // Sessions first (the partner's part), in batches; then every journey runs at once.
    const sessions: { token: string; journeyID: string; snapshot: JourneySnapshot }[] = [];
    for (let i = 0; i < JOURNEYS; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, JOURNEYS - i) }, (_, k) =>
          partner.createSession({ borrowerExternalID: `sbx-happy-load-${i + k}` }).then(async (created) => {
            const token = created.sessionToken;
            const client = createBorrowerClient({
              baseUrl: sandbox.url,
              getSessionToken: () => token,
              refreshSession: async () => token,
            });
            return { token, ...(await openJourney(client, created)) };
          }),
        ),
      );
      sessions.push(...batch);
    }
    const finished = new Promise<void>((resolveAll) => {
      loadStart = performance.now();
      for (const created of sessions) {
        const { token, journeyID } = created;
        const runtime = createJourney({
          client: createBorrowerClient({
            baseUrl: sandbox.url,
            getSessionToken: () => token,
            refreshSession: async () => token,
          }),
          journeyID,
          initial: created.snapshot,
          clock,
          signals: steadySignals,
        });
        runtimes.push(runtime);
        const journeyStart = performance.now();
        let lastMove: { key: string; at: number; status: string | null } | null = null;
        let mutationAt: number | null = null;
        let done = false;
        const finish = (ok: boolean) => {
          if (done) return;
          done = true;
          if (ok) {
            completed++;
            journeyDurations.push(performance.now() - journeyStart);
          } else ended++;
          runtime.stop();
          if (completed + ended === sessions.length) resolveAll();
        };
        const react = (): void => {
          if (done) return;
          const view = runtime.view();
          if (lastMove && view.status !== lastMove.status) {
            stepLatencies.push(performance.now() - lastMove.at);
            lastMove = { ...lastMove, status: view.status, key: `${lastMove.key}:seen` };
          }
          if (mutationAt !== null && view.pendingMutation === null) {
            mutationLatencies.push(performance.now() - mutationAt);
            mutationAt = null;
            if (view.error?.origin === "mutation" && !view.error.retryable) {
              failedMutations.push(`${journeyID}: ${view.error.code}`);
            }
          }
          if (view.status === "DISBURSED" || view.isEnded) {
            finish(view.status === "DISBURSED");
            return;
          }
          const move = nextMove(view, "+919000000000", () => new Date(clock.now()).toISOString());
          if (move === null) return;
          const key = `${view.asOf}:${move.kind}`;
          if (lastMove?.key.startsWith(key)) return;
          lastMove = { key, at: performance.now(), status: view.status };
          if (move.kind === "hosted") {
            void completeHostedPage(sandbox.url, journeyID).catch((error) =>
              hostedErrors.push(String(error)),
            );
            return;
          }
          const result = move.kind === "retry" ? runtime.send({ type: "mutation.retry" }) : move.run(runtime);
          if (result.accepted) {
            mutationAt = performance.now();
            if (result.idempotencyKey)
              sent.push({
                journeyID,
                key: result.idempotencyKey,
                kind: result.view.pendingMutation?.kind ?? "?",
              });
          }
        };
        runtime.subscribe(() => queueMicrotask(react));
        runtime.start();
        queueMicrotask(react);
      }
    });
    const deadline = new Promise<"deadline">((resolve) =>
      setTimeout(() => resolve("deadline"), DEADLINE_SEC * 1000),
    );
    const outcome = await Promise.race([finished.then(() => "finished" as const), deadline]);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    for (const runtime of runtimes) runtime.stop();
    // Let mutations already on the wire land before reading the log.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { mutations: log } = await control<{ mutations: MutationLogEntry[] }>(
      sandbox.url,
      "GET",
      "/mutations",
    );
    // The runtimes' mutations: not the partner backend's (sessions, with the API key), nor the app's creation of
    // the journey (openJourney, before any runtime runs).
    const borrowerLog = log.filter(
      (entry) =>
        entry.journeyID !== undefined &&
        entry.endpoint !== "createJourney" &&
        ENDPOINTS[entry.endpoint as EndpointName]?.scope === "borrower",
    );

    const sentKeys = new Map(sent.map((s) => [s.key, s]));
    // One intent may make several calls, each with a key derived from the intent's (a profile submission's
    // `<key>.upsert` and `<key>.submit`): a logged key belongs to the intent whose key it is or extends.
    const intentOf = (key: string): string => (sentKeys.has(key) ? key : key.replace(/\.[a-z]+$/, ""));
    const loggedCount = new Map<string, number>();
    const intentsLogged = new Set<string>();
    for (const entry of borrowerLog) {
      loggedCount.set(entry.idempotencyKey, (loggedCount.get(entry.idempotencyKey) ?? 0) + 1);
      intentsLogged.add(intentOf(entry.idempotencyKey));
    }
    const duplicatedKeys = [...loggedCount].filter(([, n]) => n > 1).length;
    const phantom = [...loggedCount.keys()].filter((key) => !sentKeys.has(intentOf(key))).length;
    const lost = sent.filter((s) => !intentsLogged.has(s.key)).length;
    // A logical duplicate: one journey with two profile submissions or two proceeded offers under different keys.
    const perJourney = new Map<string, number>();
    for (const entry of borrowerLog) {
      if (entry.endpoint !== "submitProfile" && entry.endpoint !== "proceedOffer") continue;
      const k = `${entry.journeyID}:${entry.endpoint}`;
      perJourney.set(k, (perJourney.get(k) ?? 0) + 1);
    }
    const logicalDuplicates = [...perJourney.values()].filter((n) => n > 1).length;
    const { requests } = await control<{ requests: RequestLogEntry[] }>(sandbox.url, "GET", "/requests");
    const faultCounts = {
      requests: requests.length,
      injected5xx: requests.filter((r) => r.fault === "error").length,
      lostResponses: requests.filter((r) => r.fault === "lost").length,
      replayed: requests.filter((r) => r.replayed).length,
    };
    return {
      faults: faultCounts,
      outcome,
      loadSeconds,
      completed,
      endedOtherwise: ended,
      journeysPerMinute: completed / (loadSeconds / 60),
      stepP50Sec: quantile(stepLatencies, 0.5) / 1000,
      stepP95Sec: quantile(stepLatencies, 0.95) / 1000,
      mutationP50Sec: quantile(mutationLatencies, 0.5) / 1000,
      mutationP95Sec: quantile(mutationLatencies, 0.95) / 1000,
      journeyDurationP50Sec: quantile(journeyDurations, 0.5) / 1000,
      journeyDurationP95Sec: quantile(journeyDurations, 0.95) / 1000,
      intentsSent: sent.length,
      loggedMutations: borrowerLog.length,
      duplicatedKeys,
      logicalDuplicates,
      phantom,
      lost,
      failedMutations: failedMutations.slice(0, 20),
      hostedErrors: hostedErrors.slice(0, 5),
      hostedErrorCount: hostedErrors.length,
      hostedRetries,
    };
  } finally {
    for (const runtime of runtimes) runtime.stop();
    sandbox.child.send("stop");
  }
}

async function main(): Promise<BenchReport> {
  const started = performance.now();
  const calm = await runLoad({});
  const faulty = await runLoad(FAULTS);
  const damaged = faulty.duplicatedKeys + faulty.logicalDuplicates + faulty.phantom + faulty.lost;
  return {
    bench: 6,
    title: "Load: concurrent journeys against one sandbox with faults",
    seconds: secondsSince(started),
    checks: [
      {
        name: `faults on: all ${JOURNEYS} journeys reached DISBURSED before the ${DEADLINE_SEC} s deadline`,
        ok: faulty.outcome === "finished" && faulty.completed === JOURNEYS,
        detail: `${faulty.completed} disbursed, ${faulty.endedOtherwise} ended otherwise, ${JOURNEYS - faulty.completed - faulty.endedOtherwise} unfinished`,
      },
      {
        name: `faults off: all ${JOURNEYS} journeys reached DISBURSED`,
        ok: calm.outcome === "finished" && calm.completed === JOURNEYS,
        detail: `${calm.completed} disbursed`,
      },
      {
        name: "no idempotency key applied twice",
        ok: faulty.duplicatedKeys === 0,
        detail: `${faulty.duplicatedKeys}`,
      },
      {
        name: "no journey with two profile submissions or two proceeded offers",
        ok: faulty.logicalDuplicates === 0,
        detail: `${faulty.logicalDuplicates}`,
      },
      {
        name: "no mutation applied that no intent asked for",
        ok: faulty.phantom === 0,
        detail: `${faulty.phantom}`,
      },
      {
        name: "no accepted intent lost (each key in the mutation log)",
        ok: faulty.lost === 0,
        detail: `${faulty.lost} of ${faulty.intentsSent}; ${faulty.failedMutations.length} failed for good`,
      },
      {
        name: "faults were injected and survived",
        ok: faulty.faults.injected5xx > 0 && faulty.faults.lostResponses > 0,
        detail: `${faulty.faults.injected5xx} injected 5xx, ${faulty.faults.lostResponses} lost responses, ${faulty.faults.replayed} idempotent replays in ${faulty.faults.requests} requests`,
      },
      {
        name: "hosted-page completions all accepted",
        ok: faulty.hostedErrorCount === 0 && calm.hostedErrorCount === 0,
        detail: `${faulty.hostedErrorCount + calm.hostedErrorCount} failed; ${faulty.hostedRetries + calm.hostedRetries} retried after a dropped connection`,
      },
    ],
    figures: [
      figure({
        bench: 6,
        name: `journeys completed per minute (${JOURNEYS} concurrent, faults on)`,
        value: faulty.journeysPerMinute,
        unit: "journeys/min",
        baseline: { name: "same load, faults off", value: calm.journeysPerMinute, unit: "journeys/min" },
        note: `${faulty.completed} in ${faulty.loadSeconds.toFixed(1)} s; platform waits ×1/${CLOCK_FACTOR} (accelerated clock)`,
      }),
      figure({
        bench: 6,
        name: "p95 step latency, faults on (borrower move → app shows the next status)",
        value: faulty.stepP95Sec,
        unit: "s",
        baseline: { name: "same load, faults off", value: calm.stepP95Sec, unit: "s" },
        note: `p50 ${faulty.stepP50Sec.toFixed(2)} s; includes the platform's (accelerated) processing and the poll that sees it; mutation round trip p95 ${faulty.mutationP95Sec.toFixed(2)} s (off: ${calm.mutationP95Sec.toFixed(2)} s)`,
      }),
      figure({
        bench: 6,
        name: "mutations duplicated or lost, faults on",
        value: damaged,
        unit: "mutations",
        target: { op: "<=", value: 0 },
        baseline: {
          name: "same load, faults off",
          value: calm.duplicatedKeys + calm.logicalDuplicates + calm.phantom + calm.lost,
          unit: "mutations",
        },
        note: `${faulty.loggedMutations} logged mutations reconciled against ${faulty.intentsSent} accepted intents`,
      }),
    ],
    details: {
      journeys: JOURNEYS,
      clockFactor: CLOCK_FACTOR,
      deadlineSeconds: DEADLINE_SEC,
      faultsOn: FAULTS,
      withFaults: faulty,
      withoutFaults: calm,
    },
  };
}

runBenchmark(main);
