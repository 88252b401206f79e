import type { JourneyView } from "../../machines/journey/journey.connect.js";
import type { JourneyIntentType } from "./intents.js";

/**
 * What a runtime tells `onEvent`, for analytics (like Plaid Link's `onEvent`): each state the journey enters, each
 * intent the borrower sends (and whether it was taken), each error the borrower sees. Plain data: no tokens, no
 * profile values, no offer or personal data beyond the journey's id and status.
 */
export type JourneyAnalyticsEvent =
  | {
      readonly type: "state.entered";
      readonly journeyID: string;
      readonly status: NonNullable<JourneyView["status"]>;
      readonly screen: JourneyView["screen"];
      readonly at: number;
    }
  | {
      readonly type: "intent.sent";
      readonly journeyID: string;
      readonly intent: JourneyIntentType;
      readonly accepted: boolean;
      /** Why it was refused (`view.error.code`), when it was. */
      readonly refusedBecause?: string;
      readonly at: number;
    }
  | {
      readonly type: "error.shown";
      readonly journeyID: string;
      readonly origin: NonNullable<JourneyView["error"]>["origin"];
      readonly code: string;
      readonly kind: NonNullable<JourneyView["error"]>["kind"];
      readonly at: number;
    };

/** The analytics events a change of view makes: a new status entered, a new error shown. Pure. */
export function viewEvents(before: JourneyView, after: JourneyView, at: number): JourneyAnalyticsEvent[] {
  const events: JourneyAnalyticsEvent[] = [];
  if (after.status !== null && after.status !== before.status)
    events.push({
      type: "state.entered",
      journeyID: after.journeyID,
      status: after.status,
      screen: after.screen,
      at,
    });
  const error = after.error;
  if (
    error !== null &&
    error !== before.error &&
    (before.error?.code !== error.code || before.error.at !== error.at)
  )
    events.push({
      type: "error.shown",
      journeyID: after.journeyID,
      origin: error.origin,
      code: error.code,
      kind: error.kind,
      at,
    });
  return events;
}
