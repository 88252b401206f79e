import { type AnyMachineSnapshot, initialTransition, transition } from "xstate";
import * as z from "zod/mini";
import { connect, type JourneyState, type JourneyView } from "../../machines/journey/journey.connect.js";
import { heldAsOf, isJourneyEnded } from "../../machines/journey/journey.guards.js";
import { MUTATING_INTENT_TYPES } from "../../machines/journey/journey.intents.js";
import { journeyMachine } from "../../machines/journey/journey.machine.js";
import type { JourneyEvent, JourneyInput, LoadedJourney } from "../../machines/journey/journey.types.js";
import { ContractError } from "../contract/errors.js";
import { Offer } from "../contract/offer.js";
import { type ParseResult, safeParse } from "../contract/parse.js";
import { JourneyId } from "../contract/primitives.js";
import { sameJson } from "../contract/same-json.js";
import { safeParseSnapshot } from "../contract/schemas.js";
import { isSameState, type JourneySnapshot } from "../contract/snapshot.js";
import { Step } from "../contract/step.js";
import { COMMAND_OF_ACTOR, type JourneyCommand } from "./commands.js";
import { type EventRejection, HOST_EVENT_TYPES, type JourneyHostEvent } from "./events.js";
import { fastInitial, fastTransition } from "./fast-transition.js";
import { parseSnapshotAgainst } from "./parse-against.js";

/** What `reduce` returns: the next state, the commands for the host, and why the event was refused, if it was. */
export interface ReduceResult {
  readonly state: JourneyState;
  readonly commands: readonly JourneyCommand[];
  /** Present when the event was refused outright; `state` is then the very state passed in. */
  readonly rejected?: { readonly reason: EventRejection; readonly detail?: string };
}

/** What a journey starts from: its id, its snapshot if the host has one (untrusted JSON is fine), and the time. */
export interface InitialInput {
  readonly journeyID: string;
  readonly snapshot?: unknown;
  /** Epoch milliseconds. */
  readonly at: number;
}

/**
 * The first state of a journey. With a snapshot it starts in that status; without one in `loading`, whose
 * first poll fetches the state at once. Commands to start with: {@link commandsOf}.
 * @throws {ContractError} when `journeyID` is not an opaque id (1–128 characters; named also when `input` is not an
 *   object), `at` is not a finite number, or `snapshot` is given but is not a valid `JourneySnapshot` of that journey
 *   (every failing path named).
 */
export function initial(input: InitialInput): JourneyState {
  return initialWithCommands(input).state;
}

/**
 * Like {@link initial}, with the commands the first state asks for (start polling, or load the offers).
 * @throws {ContractError} as {@link initial} does.
 */
export function initialWithCommands(input: InitialInput): ReduceResult {
  const id = safeParse(JourneyId, input?.journeyID, "InitialInput");
  if (!id.ok)
    throw new ContractError("InitialInput", [
      { path: "journeyID", message: "must be the journey's id (1–128 characters)" },
    ]);
  if (typeof input.at !== "number" || !Number.isFinite(input.at)) {
    throw new ContractError("InitialInput", [{ path: "at", message: "must be epoch milliseconds" }]);
  }
  let snapshot = null;
  if (input.snapshot !== undefined && input.snapshot !== null) {
    const parsed = safeParseSnapshot(input.snapshot);
    if (!parsed.ok) {
      throw new ContractError(
        "InitialInput",
        parsed.error.issues.map((i) => ({
          path: i.path ? `snapshot.${i.path}` : "snapshot",
          message: i.message,
        })),
      );
    }
    if (parsed.value.journeyID !== input.journeyID) {
      throw new ContractError("InitialInput", [
        { path: "snapshot.journeyID", message: `must be ${input.journeyID}` },
      ]);
    }
    snapshot = parsed.value;
  }
  return fastInitial({ journeyID: input.journeyID, snapshot, at: input.at });
}

/**
 * The first state and commands as XState's `initialTransition` gives them: the reference {@link initialWithCommands}'s
 * fast path is proven equal to (test/property/fast-path.property.test.ts). `input` must be checked already.
 */
export function initialThroughMachine(input: JourneyInput): ReduceResult {
  const [next, actions] = initialTransition(journeyMachine, input);
  const state = toState(next);
  return { state, commands: commandsFrom(undefined, state, next, actions) };
}

/**
 * The commands a host that has just loaded `state` (e.g. from a store) must run to carry it on: polling at
 * its armed interval, the journey re-fetch, and the in-flight mutation again with its own key (the
 * platform replays an already-completed one). Pure; never throws.
 */
export function commandsOf(state: JourneyState): readonly JourneyCommand[] {
  const { context, value } = state;
  const commands: JourneyCommand[] = [];
  if (value.sync === "polling") {
    commands.push({ type: "startPolling", journeyID: context.journeyID, inMs: context.polling.inMs ?? 0 });
  }
  if (value.sync === "loadingJourney") {
    commands.push({
      type: "fetchJourney",
      journeyID: context.journeyID,
      reason: context.refetch ?? "resync",
    });
  }
  const pending = context.pendingMutation;
  if (pending !== null) {
    const { kind, ...payload } = pending;
    commands.push({ type: kind, journeyID: context.journeyID, ...payload } as JourneyCommand);
  }
  return commands;
}

function toState(snapshot: AnyMachineSnapshot): JourneyState {
  return { value: snapshot.value as JourneyState["value"], context: snapshot.context };
}

function restore(state: JourneyState): AnyMachineSnapshot {
  return journeyMachine.resolveState({ value: state.value as never, context: state.context });
}

function commandsFrom(
  before: JourneyState | undefined,
  after: JourneyState,
  next: AnyMachineSnapshot,
  actions: readonly { type: string; params?: unknown }[],
): JourneyCommand[] {
  const commands: JourneyCommand[] = [];
  let startedPolling = false;
  for (const action of actions) {
    if (action.type !== "xstate.spawnChild") continue;
    const params = action.params as { id: string; src: unknown; input: Record<string, unknown> };
    // An actor spawned and stopped within the same step (e.g. polling re-armed, then stopped) asks for nothing.
    if (!(params.id in next.children) || typeof params.src !== "string") continue;
    const type = COMMAND_OF_ACTOR[params.src];
    if (type === undefined) continue;
    if (type === "startPolling") startedPolling = true;
    commands.push({ type, ...params.input } as JourneyCommand);
  }
  if (before?.value.sync === "polling" && after.value.sync !== "polling" && !startedPolling) {
    commands.unshift({ type: "stopPolling", journeyID: after.context.journeyID });
  }
  return commands;
}

function reject(state: JourneyState, reason: EventRejection, detail?: string): ReduceResult {
  return detail === undefined
    ? { state, commands: [], rejected: { reason } }
    : { state, commands: [], rejected: { reason, detail } };
}

const EVENT_TYPES: ReadonlySet<string> = new Set(HOST_EVENT_TYPES);
const KEYED_EVENTS: ReadonlySet<string> = new Set([
  ...MUTATING_INTENT_TYPES,
  "mutation.succeeded",
  "mutation.failed",
]);

function eventProblem(event: unknown): string | null {
  if (typeof event !== "object" || event === null) return "event must be an object";
  const e = event as Record<string, unknown>;
  if (typeof e.type !== "string" || !EVENT_TYPES.has(e.type)) return `unknown event type ${String(e.type)}`;
  if (typeof e.at !== "number" || !Number.isFinite(e.at)) return "at must be epoch milliseconds";
  if (KEYED_EVENTS.has(e.type) && (typeof e.idempotencyKey !== "string" || e.idempotencyKey === "")) {
    return "idempotencyKey must be a non-empty string";
  }
  if (e.type === "offer.select" && typeof e.offerID !== "string") return "offerID must be a string";
  if (e.type.startsWith("step.") && typeof e.stepID !== "string") return "stepID must be a string";
  if (e.type === "mutation.failed" && (typeof e.problem !== "object" || e.problem === null)) {
    return "problem must be an object";
  }
  return null;
}

function rawAsOf(snapshot: unknown): unknown {
  return typeof snapshot === "object" && snapshot !== null
    ? (snapshot as { asOf?: unknown }).asOf
    : undefined;
}

/**
 * Applies one event: validates untrusted payloads (a snapshot's order key `asOf` is checked before anything
 * else, so a stale one costs next to nothing and a duplicate one a parse), runs the machine's pure transition, and turns what the
 * machine wants done into plain-data commands. Pure: no clock, randomness or I/O; the same input gives a
 * deep-equal output, and a JSON round trip of `state` changes nothing.
 * Never throws: a malformed event or payload comes back as `rejected` with the state passed in.
 */
export function reduce(state: JourneyState, event: JourneyHostEvent): ReduceResult {
  return reduceWith(state, event, true);
}

/**
 * {@link reduce} with every transition taken by XState's `transition` (no fast path): the reference the fast path
 * is proven equal to (test/property/fast-path.property.test.ts). Never throws.
 */
export function reduceThroughMachine(state: JourneyState, event: JourneyHostEvent): ReduceResult {
  return reduceWith(state, event, false);
}

function reduceWith(state: JourneyState, event: JourneyHostEvent, fast: boolean): ReduceResult {
  try {
    return reduceUnsafe(state, event, fast);
  } catch (cause) {
    return reject(state, "INVALID_EVENT", `unprocessable event: ${String(cause)}`);
  }
}

function reduceUnsafe(state: JourneyState, event: JourneyHostEvent, fast: boolean): ReduceResult {
  const problem = eventProblem(event);
  if (problem !== null) return reject(state, "INVALID_EVENT", problem);
  let machineEvent = event as JourneyEvent;
  if (event.type === "snapshot.received") {
    const asOf = rawAsOf(event.snapshot);
    const held = heldAsOf(state.context);
    // An older order key is refused before anything is parsed; an equal one that says the same, as it came (a
    // redelivery), is a duplicate. (With unknown keys it is parsed, and the machine finds nothing to do.)
    const stale = typeof asOf === "number" && asOf < held;
    const heldSnapshot = state.context.snapshot;
    const duplicate =
      asOf === held && heldSnapshot !== null && isSameState(event.snapshot as JourneySnapshot, heldSnapshot);
    if (stale || duplicate) {
      // A successful poll that brings nothing new still ends a failure streak; otherwise this is free.
      if (event.source !== "poll" || state.context.polling.failures === 0) {
        return reject(state, stale ? "STALE" : "DUPLICATE");
      }
      machineEvent = { type: "poll.notModified", at: event.at };
    } else {
      const parsed = parseSnapshotAgainst(event.snapshot, state.context.snapshot);
      if (!parsed.ok) return reject(state, "INVALID_SNAPSHOT", parsed.error.message);
      if (parsed.value.journeyID !== state.context.journeyID) return reject(state, "WRONG_JOURNEY");
      if (isJourneyEnded(state.context)) return reject(state, "JOURNEY_ENDED");
      machineEvent = { ...event, snapshot: parsed.value };
    }
  } else if (event.type === "journey.loaded") {
    const parsed = parseLoadedJourney(event.journey, state.context);
    if (typeof parsed === "string") return reject(state, "INVALID_JOURNEY", parsed);
    if (parsed.journeyID !== state.context.journeyID) return reject(state, "WRONG_JOURNEY");
    machineEvent = { type: "journey.loaded", journey: parsed, at: event.at };
  }
  const taken = fast ? fastTransition(state, machineEvent) : null;
  if (taken !== null) return taken;
  const [next, actions] = transition(journeyMachine, restore(state), machineEvent);
  if (next.context === state.context && sameValue(next.value, state.value)) {
    return reject(state, isJourneyEnded(state.context) ? "JOURNEY_ENDED" : "IGNORED");
  }
  const nextState = toState(next);
  return { state: nextState, commands: commandsFrom(state, nextState, next, actions) };
}

const Offers = z.array(Offer);
const Steps = z.array(Step);

/**
 * The snapshot, offers and steps of an untrusted journey (all the machine uses), or what is wrong with it. What
 * equals what the context holds (validated before) is taken as it is held.
 */
function parseLoadedJourney(input: unknown, context: JourneyState["context"]): LoadedJourney | string {
  const snapshot = parseSnapshotAgainst(input, context.snapshot);
  if (!snapshot.ok) return snapshot.error.message;
  const raw = input as { offers?: unknown; steps?: unknown };
  const offers = parseList(Offers, raw.offers, context.offers, "Journey.offers");
  if (!offers.ok) return offers.error.message;
  const steps = parseList(Steps, raw.steps, context.steps, "Journey.steps");
  if (!steps.ok) return steps.error.message;
  return { ...snapshot.value, offers: offers.value, steps: steps.value };
}

function parseList<T>(
  schema: z.ZodMiniType<T[]>,
  input: unknown,
  held: readonly T[] | null,
  name: string,
): ParseResult<readonly T[]> {
  return held !== null && sameJson(input, held) ? { ok: true, value: held } : safeParse(schema, input, name);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What to render for `state` (see {@link JourneyView}); `at` (epoch ms) judges offer expiry and defaults to the
 * time of the last event. Pure; never throws on a state the reducer produced.
 */
export function view(state: JourneyState, at?: number): JourneyView {
  return connect(state, at);
}
