import { ENDPOINTS, type EndpointName } from "../contract/index.js";
import { MAX_TIMER_MS } from "../runtime/clock.js";
import type { RouteFaults, SandboxFaults, WebhookFaults } from "./options.js";
import { createSeededRandom, type SeededRandom } from "./random.js";

/** What the fault layer decided for one request. */
export interface RequestFaultPlan {
  /** Real milliseconds to wait (after the idempotency reservation, for mutations). */
  readonly latencyMs: number;
  /** Answer 500/503 before anything is applied. */
  readonly serverError: 500 | 503 | undefined;
  /** Commit, then cut the connection instead of answering. */
  readonly loseResponse: boolean;
}

const NO_FAULT: RequestFaultPlan = { latencyMs: 0, serverError: undefined, loseResponse: false };

function checkRate(value: unknown, field: string): void {
  if (value !== undefined && !(typeof value === "number" && value >= 0 && value <= 1))
    throw new RangeError(`${field} must be a probability in [0, 1]`);
}

function checkMs(value: unknown, field: string): void {
  if (
    value !== undefined &&
    !(typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= MAX_TIMER_MS)
  )
    throw new RangeError(
      `${field} must be a number of milliseconds from 0 to ${MAX_TIMER_MS} (a timer's most)`,
    );
}

function checkRoute(route: RouteFaults, at: string): void {
  if (typeof route !== "object" || route === null) throw new TypeError(`${at} must be an object`);
  checkRate(route.errorRate, `${at}.errorRate`);
  checkRate(route.lostResponseRate, `${at}.lostResponseRate`);
  const latency = route.latencyMs;
  if (Array.isArray(latency)) {
    if (latency.length !== 2 || latency[0] > latency[1])
      throw new RangeError(`${at}.latencyMs must be a number or a [min, max] range`);
    for (const [i, ms] of latency.entries()) checkMs(ms, `${at}.latencyMs[${i}]`);
  } else checkMs(latency, `${at}.latencyMs`);
}

/** The fault settings a route (and the globals) take. */
const ROUTE_FIELDS = ["latencyMs", "errorRate", "lostResponseRate"] as const;

/** @throws {TypeError} naming `at.<key>` for the first key of `value` not in `known`. */
function checkKnownKeys(value: object, known: readonly string[], at: string): void {
  for (const key of Object.keys(value))
    if (!known.includes(key))
      throw new TypeError(`${at}.${key} is not a fault setting (${known.join(", ")})`);
}

/**
 * Checks fault settings, naming the first bad field (`faults.errorRate`, `faults.routes.proceedOffer.…`).
 * @throws {TypeError | RangeError} naming the field.
 */
export function checkFaults(faults: SandboxFaults, at = "faults"): SandboxFaults {
  checkRoute(faults, at);
  // A misspelt name would be kept and never fire: refused, as an unknown timing or limit is.
  checkKnownKeys(faults, [...ROUTE_FIELDS, "routes", "webhooks"], at);
  for (const [name, route] of Object.entries(faults.routes ?? {})) {
    if (!Object.hasOwn(ENDPOINTS, name))
      throw new TypeError(
        `${at}.routes.${name} is not an endpoint (one of ENDPOINTS' names, e.g. proceedOffer)`,
      );
    checkRoute(route as RouteFaults, `${at}.routes.${name}`);
    checkKnownKeys(route as object, ROUTE_FIELDS, `${at}.routes.${name}`);
  }
  const webhooks = faults.webhooks ?? {};
  if (typeof webhooks !== "object" || webhooks === null)
    throw new TypeError(`${at}.webhooks must be an object`);
  checkKnownKeys(webhooks, ["duplicateRate", "reorderWindowMs", "delayMs"], `${at}.webhooks`);
  checkRate(webhooks.duplicateRate, `${at}.webhooks.duplicateRate`);
  checkMs(webhooks.reorderWindowMs, `${at}.webhooks.reorderWindowMs`);
  checkMs(webhooks.delayMs, `${at}.webhooks.delayMs`);
  return faults;
}

/** Seeded fault injection: the same seed and request sequence gives the same faults. */
export class FaultInjector {
  private faults: SandboxFaults;
  private readonly random: SeededRandom;

  /** @throws {TypeError | RangeError} naming a bad fault setting (see {@link checkFaults}). */
  constructor(faults: SandboxFaults | undefined, seed: number) {
    this.faults = checkFaults(faults ?? {});
    this.random = createSeededRandom(seed ^ 0x5eed);
  }

  /**
   * Replaces every fault setting.
   * @throws {TypeError | RangeError} naming a bad fault setting; the settings in force stay.
   */
  set(faults: SandboxFaults): void {
    this.faults = checkFaults(faults);
  }

  /** The current fault settings. */
  get(): SandboxFaults {
    return this.faults;
  }

  /** Decides the faults of one request to `endpoint` (undefined: not an API route, never faulted). */
  plan(endpoint: EndpointName | undefined): RequestFaultPlan {
    if (!endpoint) return NO_FAULT;
    const route: RouteFaults = { ...this.faults, ...(this.faults.routes?.[endpoint] ?? {}) };
    const latency = route.latencyMs;
    const latencyMs =
      latency === undefined
        ? 0
        : typeof latency === "number"
          ? latency
          : this.random.int(latency[0], latency[1]);
    const serverError = this.random.chance(route.errorRate ?? 0)
      ? this.random.chance(0.5)
        ? 503
        : 500
      : undefined;
    const loseResponse = this.random.chance(route.lostResponseRate ?? 0);
    return { latencyMs, serverError, loseResponse };
  }

  /** The webhook faults now in force. */
  webhook(): WebhookFaults {
    return this.faults.webhooks ?? {};
  }

  /** A seeded coin flip for webhook faults. */
  chance(p: number): boolean {
    return this.random.chance(p);
  }

  /** A seeded integer in [min, max]. */
  int(min: number, max: number): number {
    return this.random.int(min, max);
  }
}
