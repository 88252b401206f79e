import type { EndpointName } from "../contract/index.js";
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

/** Seeded fault injection: the same seed and request sequence gives the same faults. */
export class FaultInjector {
  private faults: SandboxFaults;
  private readonly random: SeededRandom;

  constructor(faults: SandboxFaults | undefined, seed: number) {
    this.faults = faults ?? {};
    this.random = createSeededRandom(seed ^ 0x5eed);
  }

  /** Replaces every fault setting. */
  set(faults: SandboxFaults): void {
    this.faults = faults;
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
