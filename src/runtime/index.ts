/**
 * credit-journey/runtime: the live journey. `createJourney` runs the journey reducer, executing its commands over
 * the borrower client, a clock and the app's signals, and exposes a framework-free store for any UI.
 */
export type { JourneyState, JourneyView, OfferView } from "../../machines/journey/journey.connect.js";
export type { JourneyError, StepData } from "../../machines/journey/journey.types.js";
export { isEnded, stateClass } from "../contract/index.js";
export type { JourneyAnalyticsEvent } from "./analytics.js";
export {
  type CancelTimer,
  createManualClock,
  type ManualClock,
  type RuntimeClock,
  systemClock,
} from "./clock.js";
export {
  type CreateJourneyOptions,
  createJourney,
  type JourneyRuntime,
  type JourneyTransition,
  type SendResult,
  type WaitOptions,
} from "./create-journey.js";
export { JourneyWaitError, type JourneyWaitReason, RuntimeConfigError, RuntimeStateError } from "./errors.js";
export { IntentError, type JourneyIntent, type JourneyIntentType, MUTATING_INTENTS } from "./intents.js";
export { isPersistedJourney, type PersistedJourney } from "./persist.js";
export { PUSH_HEARTBEAT } from "./push.js";
export {
  type AppSignals,
  browserSignals,
  type ControlledSignals,
  controlledSignals,
  steadySignals,
} from "./signals.js";
export {
  EventStreamLimitError,
  MAX_EVENT_CHARS,
  MAX_EVENT_ID_CHARS,
  parseEventStream,
  type ServerSentEvent,
  type SnapshotStreamOptions,
  snapshotStream,
} from "./sse.js";
