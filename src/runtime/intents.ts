import type { JourneyView } from "../../machines/journey/journey.connect.js";
import type { JourneyEvent, StepData } from "../../machines/journey/journey.types.js";
import type { Profile } from "../contract/index.js";

/**
 * What an app asks of its journey. The runtime stamps the time and, for mutating intents, a fresh
 * Idempotency-Key; a step intent without `stepID` acts on the current step (`actionRequired`).
 */
export type JourneyIntent =
  | { readonly type: "profile.submit"; readonly profile: Profile; readonly bureauConsent: boolean }
  | { readonly type: "offer.select"; readonly offerID: string }
  | { readonly type: "step.start"; readonly stepID?: string }
  | { readonly type: "step.submit"; readonly stepID?: string; readonly data?: StepData }
  /** The borrower came back from a REDIRECT step's hosted page (to `returnUrl`). */
  | { readonly type: "step.returned"; readonly stepID?: string }
  | { readonly type: "consent.create" }
  | { readonly type: "journey.resume" }
  /** Re-sends the last mutation that failed with a retryable problem, with its original key. */
  | { readonly type: "mutation.retry" }
  /** The app re-authenticated after `isSessionExpired`: polling resumes. */
  | { readonly type: "session.refreshed" };

/** The type names of every intent. */
export type JourneyIntentType = JourneyIntent["type"];

/** Intents that start a mutation and so get a fresh Idempotency-Key. */
export const MUTATING_INTENTS: ReadonlySet<JourneyIntentType> = new Set([
  "profile.submit",
  "offer.select",
  "step.start",
  "step.submit",
  "step.returned",
  "consent.create",
  "journey.resume",
]);

const INTENT_TYPES: ReadonlySet<string> = new Set([
  ...MUTATING_INTENTS,
  "mutation.retry",
  "session.refreshed",
]);

/** An intent the runtime cannot turn into an event; `field` names what is wrong. */
export class IntentError extends Error {
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
  switch (intent.type) {
    case "profile.submit":
      return {
        type: intent.type,
        profile: intent.profile,
        bureauConsent: intent.bureauConsent === true,
        idempotencyKey,
        at,
      };
    case "offer.select":
      if (typeof intent.offerID !== "string") throw new IntentError("offerID", "must be an offer id");
      return { type: intent.type, offerID: intent.offerID, idempotencyKey, at };
    case "step.start":
    case "step.submit":
    case "step.returned": {
      const stepID = intent.stepID ?? currentStepID(view);
      if (typeof stepID !== "string") throw new IntentError("stepID", "no current step; pass the step id");
      if (intent.type === "step.submit")
        return {
          type: intent.type,
          stepID,
          ...(intent.data ? { data: intent.data } : {}),
          idempotencyKey,
          at,
        };
      return { type: intent.type, stepID, idempotencyKey, at };
    }
    case "consent.create":
    case "journey.resume":
      return { type: intent.type, idempotencyKey, at };
    case "mutation.retry":
    case "session.refreshed":
      return { type: intent.type, at };
  }
}
