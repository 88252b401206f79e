import type { JourneyView } from "../../machines/journey/journey.connect.js";
import {
  INTENTS,
  MUTATING_INTENT_TYPES,
  type MutatingIntent,
} from "../../machines/journey/journey.intents.js";
import type { JourneyEvent } from "../../machines/journey/journey.types.js";
import { CreditJourneyError } from "../contract/errors.js";

/**
 * What an app asks of its journey. The runtime stamps the time and, for mutating intents, a fresh
 * Idempotency-Key; a step intent without `stepID` acts on the current step (`actionRequired`).
 */
export type JourneyIntent =
  /** A registered mutating intent (machines/journey/journey.intents.ts): its event without the time and key. */
  | { [K in MutatingIntent]: IntentOf<Extract<JourneyEvent, { type: K }>> }[MutatingIntent]
  /** Re-sends the last mutation that failed with a retryable problem, with its original key. */
  | { readonly type: "mutation.retry" }
  /** The app re-authenticated after `isSessionExpired`: polling resumes. */
  | { readonly type: "session.refreshed" };

/** An event as an app sends it: no time and no key (the runtime stamps both); a step intent may omit its step. */
type IntentOf<E> = E extends { readonly stepID: string }
  ? Omit<E, "at" | "idempotencyKey" | "stepID"> & { readonly stepID?: string }
  : Omit<E, "at" | "idempotencyKey">;

/** The type names of every intent. */
export type JourneyIntentType = JourneyIntent["type"];

/** Intents that start a mutation and so get a fresh Idempotency-Key. */
export const MUTATING_INTENTS: ReadonlySet<JourneyIntentType> = new Set(MUTATING_INTENT_TYPES);

const INTENT_TYPES: ReadonlySet<string> = new Set([
  ...MUTATING_INTENTS,
  "mutation.retry",
  "session.refreshed",
]);

/** An intent the runtime cannot turn into an event; `field` names what is wrong. */
export class IntentError extends CreditJourneyError {
  readonly _tag = "IntentError" as const;
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "IntentError";
    this.field = field;
  }
}

function currentStepID(view: JourneyView): string | undefined {
  return view.actionRequired?.stepID;
}

/**
 * Turns an intent into the machine's event, stamped with `at` and, when it mutates, `idempotencyKey`.
 * @throws {IntentError} `type` for an unknown intent, `stepID` when a step intent names none and there is no
 *   current step, `offerID` when it is not a string.
 */
export function eventOfIntent(
  intent: JourneyIntent,
  at: number,
  idempotencyKey: string,
  view: JourneyView,
): JourneyEvent {
  const type = (intent as { type?: unknown } | null)?.type;
  if (typeof type !== "string" || !INTENT_TYPES.has(type))
    throw new IntentError("type", `unknown intent ${String(type)}`);
  if (type === "mutation.retry" || type === "session.refreshed") return { type, at } as JourneyEvent;
  // A mutating intent carries the fields the registry names, each as the app gave it, with two defaults: the
  // current step for a step intent that names none, and no credit-bureau consent unless it is exactly `true`.
  const given = intent as unknown as Record<string, unknown>;
  const event: Record<string, unknown> = { type };
  for (const field of INTENTS[type as MutatingIntent].fields as readonly string[]) {
    let value = given[field];
    if (field === "stepID") {
      value ??= currentStepID(view);
      if (typeof value !== "string") throw new IntentError("stepID", "no current step; pass the step id");
    }
    if (field === "offerID" && typeof value !== "string")
      throw new IntentError("offerID", "must be an offer id");
    if (field === "bureauConsent") value = value === true;
    // Step data only when there is some (a falsy `data` sends none, as before).
    if (value !== undefined && (field !== "data" || value)) event[field] = value;
  }
  return { ...event, idempotencyKey, at } as JourneyEvent;
}
