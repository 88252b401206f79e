import type { AnyStateNode } from "xstate";
import { LIFECYCLE } from "../../src/contract/lifecycle.js";
import { CADENCE } from "./journey.cadence.js";
import { LOADING_INFO, STATUS_INFO } from "./journey.lifecycle.js";
import { journeyMachine } from "./journey.machine.js";

/** Every host event, with its payload and meaning, as `docs/state-machine.md` lists them. */
export const EVENT_DOCS: ReadonlyArray<readonly [string, string, string]> = [
  [
    "snapshot.received",
    "snapshot, source: poll|webhook|push|response, at",
    "A snapshot arrived; untrusted JSON, validated by reduce (order key `asOf` first).",
  ],
  [
    "journey.loaded",
    "journey, at",
    "The full journey (`GET /journeys/{id}`): offers, steps, and the server's authority on the status.",
  ],
  [
    "journey.loadFailed",
    "at, retryAfterMs?",
    "The journey re-fetch failed; polling backs off and the re-fetch is retried after a good poll.",
  ],
  [
    "profile.submit",
    "profile, bureauConsent, idempotencyKey, at",
    "Intent: upsert and submit the profile (PROFILE_REQUIRED).",
  ],
  [
    "offer.select",
    "offerID, idempotencyKey, at",
    "Intent: proceed an offer, guarded by isOfferSelectable (the offer lock).",
  ],
  [
    "step.start",
    "stepID, idempotencyKey, at",
    "Intent: START the current step (e.g. open KYC; creates the AA consent).",
  ],
  ["step.submit", "stepID, data?, idempotencyKey, at", "Intent: SUBMIT a FORM step's values."],
  [
    "step.returned",
    "stepID, idempotencyKey, at",
    "Intent: the borrower came back from a redirect (CONFIRM_RETURN).",
  ],
  ["consent.create", "idempotencyKey, at", "Intent: create the account-aggregator consent (AA_REQUIRED)."],
  ["journey.resume", "idempotencyKey, at", "Intent: resume the journey (re-issues expired step resources)."],
  ["mutation.succeeded", "idempotencyKey, at", "The host reports the in-flight mutation succeeded (2xx)."],
  [
    "mutation.failed",
    "idempotencyKey, problem {code, status?, detail?, errors?}, retryAfterMs?, at",
    "The host reports a problem: OFFER_LOCK_CONFLICT, OFFER_EXPIRED, INVALID_STATE, VALIDATION_FAILED (field errors), NETWORK...",
  ],
  ["mutation.retry", "at", "Intent: re-send the last retryable mutation with its original key."],
  ["poll.notModified", "at", "A poll answered 304 (or nothing new): failures reset."],
  ["poll.failed", "at, retryAfterMs?, problem?", "A poll failed: backoff, respecting Retry-After."],
  [
    "push.alive",
    "at",
    "The push source is live (a heartbeat, or a frame with nothing new): polling stays relaxed while it is.",
  ],
  [
    "app.hidden / app.visible",
    "at",
    "The app went to the background / came back: polling slows down / speeds up.",
  ],
  ["network.offline / network.online", "at", "No polling while offline."],
  ["session.expired / session.refreshed", "at", "No polling while the borrower session is expired."],
];

/** Every command, with its payload and meaning, as `docs/state-machine.md` lists them. */
export const COMMAND_DOCS: ReadonlyArray<readonly [string, string, string, string]> = [
  [
    "startPolling",
    "journeyID, inMs",
    "pollJourneyState",
    "(Re)arm polling of `GET …/state` every inMs (0: now), replacing any earlier timer.",
  ],
  [
    "stopPolling",
    "journeyID",
    "(exit of sync.polling)",
    "Stop polling (ended, offline, session expired, or re-fetching).",
  ],
  [
    "fetchJourney",
    "journeyID, reason: anomaly|offers|resync",
    "fetchJourney",
    "`GET /journeys/{id}` once; report journey.loaded / journey.loadFailed.",
  ],
  [
    "submitProfile",
    "journeyID, profile, bureauConsent, idempotencyKey",
    "submitProfile",
    "`PUT /profile`, then `POST /profile/submit` (keys `<key>.upsert`, `<key>.submit`).",
  ],
  [
    "proceedOffer",
    "journeyID, offerID, idempotencyKey",
    "proceedOffer",
    "`POST /journeys/{id}/offers/{offerID}/proceed`.",
  ],
  [
    "stepAction",
    "journeyID, stepID, action: START|SUBMIT|CONFIRM_RETURN, data?, idempotencyKey",
    "performStepAction",
    "`POST /journeys/{id}/steps/{stepID}/actions`.",
  ],
  ["createConsent", "journeyID, idempotencyKey", "createConsent", "`POST /journeys/{id}/aa/consents`."],
  ["resumeJourney", "journeyID, idempotencyKey", "resumeJourney", "`PATCH /journeys/{id}/resume`."],
];

function children(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states) as AnyStateNode[];
}

function isDescendant(node: AnyStateNode, ancestor: AnyStateNode): boolean {
  for (let n: AnyStateNode | undefined = node.parent; n; n = n.parent) if (n === ancestor) return true;
  return false;
}

function guardName(guard: unknown): string {
  if (guard === undefined) return "";
  if (typeof guard === "string") return guard;
  const g = guard as { type?: string; params?: Record<string, unknown> };
  const params = g.params ? Object.values(g.params).join(",") : "";
  return params ? `${g.type}(${params})` : String(g.type);
}

function edgesOf(node: AnyStateNode): Array<{ from: AnyStateNode; to: AnyStateNode; label: string }> {
  const edges: Array<{ from: AnyStateNode; to: AnyStateNode; label: string }> = [];
  const all = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
  for (const t of all) {
    for (const target of t.target ?? []) {
      if (target === node && !t.reenter) continue;
      const event = t.eventType === "" || t.eventType === undefined ? "always" : t.eventType;
      const guard = guardName(t.guard);
      edges.push({ from: node, to: target, label: guard ? `${event} [${guard}]` : event });
    }
  }
  return edges;
}

function renderNode(node: AnyStateNode, indent: string, lines: string[], regionEdges: string[]): void {
  const kids = children(node);
  if (kids.length === 0) return;
  const sep = node.type === "parallel";
  kids.forEach((kid, i) => {
    if (sep && i > 0) lines.push(`${indent}--`);
    if (children(kid).length > 0) {
      lines.push(`${indent}state ${kid.key} {`);
      if (kid.type !== "parallel" && kid.initial) {
        for (const t of kid.initial.target) lines.push(`${indent}  [*] --> ${t.key}`);
      }
      renderNode(kid, `${indent}  `, lines, regionEdges);
      lines.push(`${indent}}`);
    }
  });
  // Edges are grouped per source and target so a pair of states gets one arrow listing its events.
  for (const kid of kids) {
    const grouped = new Map<string, string[]>();
    for (const edge of edgesOf(kid)) {
      if (isDescendant(edge.to, kid)) {
        regionEdges.push(`${kid.key} → ${edge.to.key}: ${edge.label}`);
        continue;
      }
      const key = `${kid.key} --> ${edge.to.key}`;
      grouped.set(key, [...(grouped.get(key) ?? []), edge.label]);
    }
    for (const [key, labels] of grouped) lines.push(`${indent}${key} : ${[...new Set(labels)].join(" / ")}`);
    if (kid.type === "final") lines.push(`${indent}${kid.key} --> [*]`);
  }
}

/** The Mermaid `stateDiagram-v2` of the journey machine, generated from its definition. */
export function renderMermaid(): { diagram: string; regionEdges: string[] } {
  const lines = ["stateDiagram-v2"];
  const regionEdges: string[] = [];
  lines.push("  state journey {");
  renderNode(journeyMachine.root, "    ", lines, regionEdges);
  lines.push("  }");
  return { diagram: lines.join("\n"), regionEdges };
}

function cadenceText(band: string): string {
  if (band === "active") return `${CADENCE.active.minMs / 1000}–${CADENCE.active.maxMs / 1000} s`;
  if (band === "passive") return `${CADENCE.passive.minMs / 1000}–${CADENCE.passive.maxMs / 1000} s`;
  if (band === "immediate") return "at once";
  return "none";
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...children(node).flatMap(allNodes)];
}

/**
 * The public API section's example: real calls with the result types spelled out, so the snippet test
 * (test/docs) type-checks every signature it shows against the root entry.
 */
const PUBLIC_API = `import {
  CADENCE,
  type CadenceInput,
  connect,
  type EventRejection,
  isOfferSelectable,
  JOURNEY_ACTORS,
  type JourneyCommand,
  type JourneyHostEvent,
  type JourneyMachine,
  type JourneyState,
  type JourneyView,
  journey,
  journeyMachine,
  offerBlockReason,
  pollCadence,
  type ReduceResult,
  type RejectionReason,
  STATUS_INFO,
  type StatusInfo,
} from "credit-journey";

declare const received: unknown; // a snapshot off the wire: untrusted JSON is fine, the reducer validates it
const at = Date.now(); // every event carries its time, in epoch milliseconds

// the first state: in the snapshot's status, or "loading" without one; @throws ContractError (bad id, at, snapshot)
const state: JourneyState = journey.initial({ journeyID: "journey-1", snapshot: received, at });
// the same, with the commands the first state asks for (start polling, load the offers); @throws ContractError
const { commands: firstCommands }: ReduceResult = journey.initialWithCommands({ journeyID: "journey-1", at });
// never throws: a refused event returns the state passed in, with rejected = { reason, detail? }
const event: JourneyHostEvent = { type: "snapshot.received", snapshot: received, source: "poll", at };
const { state: next, commands, rejected }: ReduceResult = journey.reduce(state, event);
const why: EventRejection | undefined = rejected?.reason;
// never throws; at defaults to the state's own time
const view: JourneyView = journey.view(next, at);
// what a host that just loaded a stored state must run
const resume: readonly JourneyCommand[] = journey.commandsOf(next);
// the state is plain JSON: { value: { lifecycle, mutation, sync }, context }
const { lifecycle, mutation, sync } = next.value;

// the next poll's delay in ms, or null for an ended journey (retryAfterMs is optional)
const cadence: CadenceInput = { band: "active", justSubmitted: false, hidden: false, pushFresh: false, failures: 0, jitter: 0.5 };
const inMs: number | null = pollCadence(cadence);
// the offer guards behind view.offers[].selectable and blockedReason (offerBlockReason takes an optional key last)
const selectable: boolean = isOfferSelectable(next.context, { type: "offer.select", offerID: "offer-1", idempotencyKey: crypto.randomUUID(), at });
const blocked: RejectionReason | null = offerBlockReason(next.context, "offer-1", at);

// the statechart, its actor slots, the facts of each status, the polling bands, and the view function itself
const machine: JourneyMachine = journeyMachine;
const actorNames = Object.keys(JOURNEY_ACTORS);
const offersAvailable: StatusInfo = STATUS_INFO.OFFERS_AVAILABLE;
const activeBand = CADENCE.active; // { minMs, maxMs }
const sameView: JourneyView = connect(next, at);`;

/**
 * The happy path alone, top to bottom: each status the platform moves a journey through on the way to
 * `DISBURSED` and `CLOSED`, with what happens in it (`STATUS_INFO`), and the two other ends beside it.
 */
function renderHappyPath(): string {
  const path = [...LIFECYCLE, "CLOSED" as const];
  const lines = ["stateDiagram-v2", "  [*] --> STARTED"];
  for (const [i, status] of path.entries()) {
    lines.push(`  ${status} : ${STATUS_INFO[status].description.replace(/[:;]/g, ",")}`);
    const next = path[i + 1];
    if (next) lines.push(`  ${status} --> ${next}`);
  }
  lines.push("  CLOSED --> [*]");
  lines.push(`  REJECTED : ${STATUS_INFO.REJECTED.description.replace(/[:;]/g, ",")}`);
  lines.push(`  EXPIRED : ${STATUS_INFO.EXPIRED.description.replace(/[:;]/g, ",")}`);
  return lines.join("\n");
}

/** The whole of `docs/state-machine.md`; `npm run gen` writes it and a test fails when the file drifts. */
export function renderStateMachineDoc(): string {
  const { diagram, regionEdges } = renderMermaid();
  const nodes = allNodes(journeyMachine.root).filter((n) => n !== journeyMachine.root);
  const lifecycleRows = nodes
    .filter((n) => n.path[0] === "lifecycle" && n.path.length > 1)
    .map((n) => {
      const facts =
        n.key === "loading"
          ? { stateClass: "activeWait", band: "immediate", screen: LOADING_INFO.screen }
          : STATUS_INFO[n.key as keyof typeof STATUS_INFO];
      const cells = facts ? [facts.stateClass, cadenceText(facts.band), facts.screen] : ["—", "—", "—"];
      return `| \`${n.path.slice(1).join(".")}\` | ${n.description ?? ""} | ${cells.join(" | ")} |`;
    });
  const otherRows = nodes
    .filter((n) => n.path[0] !== "lifecycle" || n.path.length === 1)
    .map((n) => `| \`${n.path.join(".")}\` | ${n.description ?? ""} |`);
  return `# The journey state machine

<!-- Generated by \`npm run gen\` (src/tools/gen.ts) from machines/journey. Do not edit: a test fails on drift. -->

The statechart \`journeyMachine\` (id \`journey\`) has three parallel regions: **lifecycle** (where the journey is),
**mutation** (at most one borrower mutation in flight) and **sync** (polling, re-fetching, offline, paused, stopped).
Every guard, action and actor is named in \`setup()\`; every state has a description; every invoke has an id.
Hosts use it two ways:

- **Pure reducer** (\`journey.initial / reduce / view\`, any UI or backend): \`reduce(state, event)\` runs XState's pure
  \`transition\` and turns each actor the machine would invoke into a plain-data command (below). State is
  \`{ value, context }\`, plain JSON. Events carry time as \`at\` (**epoch milliseconds**) and idempotency keys, so
  nothing inside reads a clock, randomness or crypto.
- **Live journey** (the runtime, \`createJourney\`): the same \`reduce\`, with each command executed over the
  borrower client and each outcome applied as the reducer's own event (\`snapshot.received\`, \`poll.*\`,
  \`journey.loaded\` / \`journey.loadFailed\`, \`mutation.succeeded\` / \`mutation.failed\`). One execution model
  for every host; the Stately inspector is told \`journeyMachine\` itself and each event and state.
- **Your own actors**: \`createActor(journeyMachine.provide({ actors: { pollJourneyState, fetchJourney,
  submitProfile, proceedOffer, performStepAction, createConsent, resumeJourney } }))\` also works: each actor's
  input is exactly the payload of its command. Snapshots sent straight to the machine must already be parsed:
  untrusted JSON goes through \`journey.reduce\`, which validates it.

## Public API (root entry \`credit-journey\`)

\`\`\`ts
${PUBLIC_API}
\`\`\`

\`JourneyView\`: \`journeyID, screen, status, stateClass, asOf, nextAction, actionRequired, resource, offers[]\` (each
offer plus \`selectable, blockedReason, expired, locked\`), \`lockedOfferID, pendingMutation {kind, idempotencyKey},
isLoading, isEnded, isPolling, pollInMs, isRefetching, isOffline, isSessionExpired, error, diagnostics, anomalies,
hasHeldAnomaly, can { submitProfile, selectOffer, startStep, submitStep, confirmReturn, createConsent, resume, retry }\`.

\`credit-journey/testing\`: \`serverHistoryArb(options?)\` (legal histories), \`deliveryScheduleArb(history, { keepLast? })\`
(poll/webhook/push/response deliveries: dropped, duplicated, reordered), \`historyWithScheduleArb(options?)\`,
\`deliveryEvent(delivery)\`, \`borrowerIntentArb(options?)\`, \`mutationResultArb(options?)\`, \`signalArb()\`,
\`withTimes(events, start?)\`, \`snapshotAt(journeyID, asOf, status, lockedOfferID?)\`, and the payload fixtures.

## The happy path

The lifecycle as a borrower meets it, one status after another; any status before \`DISBURSED\` may also end in
\`REJECTED\` or \`EXPIRED\` (drawn apart, not wired to every state). The full chart, with the mutation and sync
regions and every guarded edge, follows.

\`\`\`mermaid
${renderHappyPath()}
\`\`\`

## Diagram

The whole statechart, every region and edge.

\`\`\`mermaid
${diagram}
\`\`\`

Transitions declared on a region for all of its states (not drawn):

${regionEdges.map((e) => `- ${e}`).join("\n")}

## Lifecycle states

Class and cadence come from \`STATUS_INFO\`; cadence is before the hidden/push slowdown and failure backoff.

| state | description | class | cadence | screen |
|---|---|---|---|---|
${lifecycleRows.join("\n")}

## Regions and their other states

| state | description |
|---|---|
${otherRows.join("\n")}

## Guards

\`isSnapshotTo(status)\` (later \`asOf\`, expected edge, lands in status), \`isNewerSameStatus\`, \`isUnexpectedEdge\`
(later, on an edge not expected by \`isExpectedEdge\`; or \`isTiedSnapshot\`: the held \`asOf\` with another state), \`isLoadedJourneyIn(status)\` (re-fetched journey, newer or settling a held tie, open journey),
\`isStatus(status)\`, \`isEnded\`, \`isOfferSelectable\` (offer known, AVAILABLE, not expired at \`event.at\`, no lock held,
nothing in flight, fresh key), \`canStartMutation\`, \`isRetryOf(kind)\`, \`isPendingMutationResult\`, \`needsJourney\`,
\`isCadenceOutdated\`, \`isOffline\`. Order key first: \`reduce\` compares a snapshot's \`asOf\` (the platform's time of the
state, stamped by the client; see docs/architecture.md, Ordering) before parsing it, so a stale snapshot, or a duplicate
(same \`asOf\`, same state), returns the very state passed in. A later snapshot that says the same only moves the held key on.

## Cadence policy

\`pollCadence({ band, justSubmitted, hidden, pushFresh, failures, retryAfterMs, jitter })\` → ms or \`null\`:

- active band (active waits, borrower steps done outside the app: AA, KYC, mandates, agreement) or right after a
  submitted action (a mutation in flight, or succeeded and no newer snapshot yet): ${cadenceText("active")};
- passive band (OFFERS_PENDING, LENDER_PROCESSING, DISBURSED, and PROFILE_REQUIRED / OFFERS_AVAILABLE, which wait on
  the app itself; its own submit switches to the active band): ${cadenceText("passive")};
- hidden app, or a webhook/push snapshot accepted (or a \`push.alive\` heartbeat) in the last ${CADENCE.pushFreshMs / 1000} s: × ${CADENCE.slowFactor};
- after n consecutive failures: × 2^n, capped at ${CADENCE.maxBackoffMs / 1000} s, and never below \`Retry-After\`;
- ended: \`null\` (never polls); before the first snapshot: at once (0).

\`jitter\` is a number in [0, 1) the caller supplies; the machine derives it deterministically from the journey id and
the arm count (FNV-1a), so the reducer stays pure and clients still spread. Polling re-arms (a new \`startPolling\`)
only when the policy's inputs change.

## Events

| event | payload | meaning |
|---|---|---|
${EVENT_DOCS.map(([e, p, m]) => `| \`${e}\` | ${p} | ${m} |`).join("\n")}

\`reduce\` refuses an event outright, returning the very state passed in and \`rejected.reason\`: \`STALE\`,
\`DUPLICATE\`, \`INVALID_SNAPSHOT\`, \`INVALID_JOURNEY\`, \`WRONG_JOURNEY\`, \`INVALID_EVENT\`, \`JOURNEY_ENDED\`, \`IGNORED\`.
A refused borrower intent changes only \`view(state).error\` (\`origin: "intent"\`, code \`OFFER_LOCK_CONFLICT\`,
\`OFFER_ALREADY_PROCEEDED\`, \`OFFER_EXPIRED\`, \`OFFER_NOT_AVAILABLE\`, \`UNKNOWN_OFFER\`, \`MUTATION_IN_FLIGHT\`, \`AWAITING_PLATFORM\`,
\`INVALID_STATE\`, \`JOURNEY_ENDED\`, \`IDEMPOTENCY_KEY_REUSED\`, \`NOTHING_TO_RETRY\`) and emits no command.

## Commands

| command | payload | actor slot | meaning |
|---|---|---|---|
${COMMAND_DOCS.map(([c, p, a, m]) => `| \`${c}\` | ${p} | \`${a}\` | ${m} |`).join("\n")}

## Server authority

A newer snapshot on an edge the lifecycle does not expect is not applied: it is held, recorded in \`anomalies\`
(\`resolution: "held"\`), and a \`fetchJourney { reason: "anomaly" }\` is issued (or, when a re-read was asked for already, for the offers or a conflict's resync, with that reason: the one read settles both, and a read that comes back older than what is held asks again for the offers or the resync). The re-fetched journey is the
authority: it is applied if newer, and the anomaly becomes \`confirmed\` (the server reached the held snapshot's \`asOf\`) or
\`refuted\` (the held snapshot is dropped). Ends are absorbing: after REJECTED, EXPIRED or CLOSED nothing changes.
`;
}
