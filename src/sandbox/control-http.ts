import { checkAdvance, type SandboxClock } from "./clock.js";
import type { SandboxControl, ServerJourneyView } from "./control.js";
import type { SandboxFaults } from "./options.js";
import { notFound, SandboxProblem } from "./problem.js";
import { redactSecret } from "./redact.js";
import type { WebhookEndpoint } from "./webhooks.js";

/** A control API answer: JSON with a status. */
export interface ControlResult {
  readonly status: number;
  readonly body: unknown;
}

const objectBody = (body: unknown): Record<string, unknown> => {
  if (body === undefined) return {};
  if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  throw new SandboxProblem(400, "VALIDATION_FAILED", "the body must be a JSON object", {
    fields: [{ path: "", message: "expected an object", code: "format" }],
  });
};

const field = <T>(
  body: Record<string, unknown>,
  name: string,
  check: (v: unknown) => v is T,
  what: string,
): T => {
  const value = body[name];
  if (!check(value))
    throw new SandboxProblem(400, "VALIDATION_FAILED", `${name} must be ${what}`, {
      fields: [{ path: name, message: `must be ${what}`, code: "format" }],
    });
  return value;
};

const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isNonNegative = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** An endpoint as the control API shows it: its secrets redacted (the full ones only in process). */
const shownEndpoint = (endpoint: WebhookEndpoint) => ({
  url: endpoint.url,
  secrets: endpoint.secrets.map(redactSecret),
});

/** A journey's server view as the control API shows it: the partner key redacted. */
const shownJourney = (view: ServerJourneyView) => ({ ...view, partnerKey: redactSecret(view.partnerKey) });

/** A secret as the control API shows it: redacted, `null` when there is none. */
const shownSecret = (secret: string | undefined) => (secret === undefined ? null : redactSecret(secret));

/**
 * Moves the clock by a body's `ms`.
 * @throws {SandboxProblem} 400 VALIDATION_FAILED naming `ms` when it is not a finite ms >= 0, is more than 10
 * years, or would pass the year 9999 (the clock is left as it was).
 */
function advanceBy(clock: SandboxClock, body: Record<string, unknown>): void {
  const ms = body.ms;
  try {
    checkAdvance(ms as number, clock.now());
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new SandboxProblem(400, "VALIDATION_FAILED", error.message, {
      fields: [{ path: "ms", message: error.message, code: "range" }],
    });
  }
  clock.advance(ms as number);
}

/**
 * The JSON control API under `/_sandbox` (the same operations as the in-process control, for a
 * standalone sandbox). `path` is below `/_sandbox`. Secrets (the API key, webhook secrets) appear redacted only.
 * @throws {SandboxProblem} 404 NOT_FOUND for an unknown route; 400 VALIDATION_FAILED for a bad body;
 * whatever the control operation throws.
 */
export function handleControl(
  control: SandboxControl,
  clock: SandboxClock,
  info: { url: string; apiKey: string },
  method: string,
  path: string,
  query: URLSearchParams,
  rawBody: unknown,
): ControlResult {
  const parts = path.split("/").filter(Boolean);
  const route = `${method} /${parts.map((p, i) => ((parts[i - 1] === "journeys" || parts[i - 1] === "steps") && i > 0 ? ":" : p)).join("/")}`;
  const [, journeyID, , stepID] = parts;
  switch (route) {
    case "GET /":
      return {
        status: 200,
        body: {
          url: info.url,
          apiKey: redactSecret(info.apiKey),
          clock: { mode: clock.mode, now: clock.nowIso() },
        },
      };
    case "GET /scenarios":
      return { status: 200, body: { scenarios: control.scenarios() } };
    case "GET /clock":
      return { status: 200, body: { mode: clock.mode, now: clock.nowIso(), pendingTimers: clock.pending() } };
    case "POST /clock/advance": {
      advanceBy(clock, objectBody(rawBody));
      return { status: 200, body: { mode: clock.mode, now: clock.nowIso() } };
    }
    case "GET /journeys":
      return { status: 200, body: { journeys: control.journeys().map(shownJourney) } };
    case "GET /journeys/:":
      return { status: 200, body: shownJourney(control.journey(journeyID as string)) };
    case "POST /journeys/:/expire":
      return { status: 200, body: control.expireJourney(journeyID as string) };
    case "POST /journeys/:/steps/:/complete":
      return {
        status: 200,
        body: control.completeStep(journeyID as string, stepID === "current" ? undefined : stepID),
      };
    case "POST /journeys/:/steps/:/fail": {
      const body = objectBody(rawBody);
      const failure = {
        ...(typeof body.reasonCode === "string" ? { reasonCode: body.reasonCode } : {}),
        ...(typeof body.retryable === "boolean" ? { retryable: body.retryable } : {}),
      };
      return {
        status: 200,
        body: control.failStep(journeyID as string, stepID === "current" ? undefined : stepID, failure),
      };
    }
    case "POST /tokens/expire":
      control.expireToken(field(objectBody(rawBody), "token", isString, "a token"));
      return { status: 200, body: { expired: true } };
    case "GET /faults":
      return { status: 200, body: control.faults() };
    case "PUT /faults":
      try {
        control.setFaults(objectBody(rawBody) as SandboxFaults);
      } catch (error) {
        if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
        const path = error.message.split(" ")[0]?.replace(/^faults\.?/, "") ?? "";
        throw new SandboxProblem(400, "VALIDATION_FAILED", error.message, {
          fields: [{ path, message: error.message, code: "range" }],
        });
      }
      return { status: 200, body: control.faults() };
    case "PUT /rate-limit": {
      const perSecond = objectBody(rawBody).perSecond;
      if (perSecond !== null && perSecond !== undefined && !isNonNegative(perSecond))
        throw new SandboxProblem(400, "VALIDATION_FAILED", "perSecond must be a number or null", {
          fields: [{ path: "perSecond", message: "must be a number or null", code: "format" }],
        });
      control.setRateLimit(perSecond ?? undefined);
      return { status: 200, body: { perSecond: perSecond ?? null } };
    }
    case "GET /mutations":
      return { status: 200, body: { mutations: control.mutations() } };
    case "GET /requests":
      return { status: 200, body: { requests: control.requests() } };
    case "GET /webhooks/attempts":
      return { status: 200, body: { attempts: control.webhookAttempts() } };
    case "GET /webhooks/deliveries":
      return { status: 200, body: { deliveries: control.webhookDeliveries() } };
    case "GET /webhooks/endpoints":
      return { status: 200, body: { endpoints: control.webhookEndpoints().map(shownEndpoint) } };
    case "POST /webhooks/endpoints": {
      const body = objectBody(rawBody);
      const url = field(body, "url", isString, "a URL");
      const secrets = Array.isArray(body.secrets) ? body.secrets.filter(isString) : undefined;
      try {
        return { status: 201, body: shownEndpoint(control.addWebhookEndpoint(url, secrets)) };
      } catch (error) {
        if (error instanceof TypeError)
          throw new SandboxProblem(400, "VALIDATION_FAILED", error.message, {
            fields: [{ path: "url", message: error.message, code: "format" }],
          });
        throw error;
      }
    }
    case "GET /webhooks/subscription/secret":
      // Sandbox-only: the subscription's signing secret, redacted (null when unsubscribed); the full one in process.
      return { status: 200, body: { secret: shownSecret(control.subscriptionSecret()) } };
    case "POST /webhooks/subscription/rotate":
      // Sandbox-only: a new secret signs beside the old until finish (the platform documents no rotation).
      return { status: 200, body: { secret: shownSecret(control.rotateSubscriptionSecret()) } };
    case "POST /webhooks/subscription/rotate/finish":
      return { status: 200, body: { finished: control.finishSecretRotation() } };
    case "DELETE /webhooks/endpoints":
      return { status: 200, body: { removed: control.removeWebhookEndpoint(query.get("url") ?? "") } };
    default:
      throw notFound(`control route ${method} /_sandbox${path}`);
  }
}
