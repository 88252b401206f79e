/** Reads of the sandbox's request and mutation logs. */
import type { RequestLogEntry, Sandbox } from "../../../src/sandbox/index.js";

/** The `GET …/state` requests of one journey, in order. */
export function statePolls(sandbox: Sandbox, journeyID: string): RequestLogEntry[] {
  return sandbox.control
    .requests()
    .filter(
      (r) =>
        r.endpoint === "getJourneyState" &&
        r.path.includes(`/journeys/${journeyID}/state`) &&
        r.correlationID !== HARNESS_START,
    );
}

/** The correlation id of the harness's own start (journey creation, first state read): not the runtime's calls. */
export const HARNESS_START = "harness-start";

/** Milliseconds between consecutive requests. */
export function gaps(requests: readonly RequestLogEntry[]): number[] {
  const times = requests.map((r) => Date.parse(r.at));
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

/** API requests (not hosted pages), in order. */
export function apiRequests(sandbox: Sandbox): RequestLogEntry[] {
  return sandbox.control.requests().filter((r) => r.endpoint !== undefined);
}

/** True for a mutating HTTP method. */
export function isMutating(method: string): boolean {
  return ["POST", "PUT", "PATCH", "DELETE"].includes(method.toUpperCase());
}
