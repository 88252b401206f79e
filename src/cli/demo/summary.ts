import type { ClientEvent } from "../../client/index.js";
import type { WebhookOutcome } from "../../server/index.js";

/** What the demo counted while the borrower went through the journey. */
export interface DemoSummary {
  readonly totalMs: number;
  /** Requests the borrower app sent, by endpoint name (every attempt counted). */
  readonly requestsByEndpoint: Readonly<Record<string, number>>;
  /** `GET …/state` requests, and how many of them the platform answered 304. */
  readonly polls: number;
  readonly notModified: number;
  /** Client retries (backoff or Retry-After), and token refreshes. */
  readonly retries: number;
  readonly refreshes: number;
  /** Webhook deliveries the partner backend received, by how they ended. */
  readonly webhooks: Readonly<Partial<Record<WebhookOutcome, number>>>;
  /** Snapshots that reached the app by push from the partner backend's relay. */
  readonly pushed: number;
  /** Mutations the platform applied (its own log): each logical mutation once. */
  readonly mutationsApplied: number;
}

/** Accumulates the demo's counters from client events, webhook outcomes and pushes. */
export class SummaryCounter {
  private readonly requests: Record<string, number> = {};
  private readonly webhookOutcomes: Partial<Record<WebhookOutcome, number>> = {};
  private polls = 0;
  private notModified = 0;
  private retries = 0;
  private refreshes = 0;
  private pushed = 0;

  /** Counts one client event (the client's `observer`). */
  onClientEvent(event: ClientEvent): void {
    if (event.type === "request") {
      this.requests[event.endpoint] = (this.requests[event.endpoint] ?? 0) + 1;
      if (event.endpoint === "getJourneyState") this.polls++;
    } else if (event.type === "response" && event.status === 304) this.notModified++;
    else if (event.type === "retry") this.retries++;
    else if (event.type === "refresh") this.refreshes++;
  }

  /** Counts one webhook delivery's outcome at the partner backend. */
  onWebhook(outcome: WebhookOutcome): void {
    this.webhookOutcomes[outcome] = (this.webhookOutcomes[outcome] ?? 0) + 1;
  }

  /** Counts one snapshot delivered by push. */
  onPush(): void {
    this.pushed++;
  }

  /** The totals so far. */
  summary(totalMs: number, mutationsApplied: number): DemoSummary {
    return {
      totalMs,
      requestsByEndpoint: { ...this.requests },
      polls: this.polls,
      notModified: this.notModified,
      retries: this.retries,
      refreshes: this.refreshes,
      webhooks: { ...this.webhookOutcomes },
      pushed: this.pushed,
      mutationsApplied,
    };
  }
}

/** Renders the summary as the lines printed at the end of the demo. */
export function formatSummary(s: DemoSummary): string[] {
  const requests = Object.entries(s.requestsByEndpoint)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");
  const hooks = Object.entries(s.webhooks)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(", ");
  const total = Object.values(s.requestsByEndpoint).reduce((a, b) => a + b, 0);
  return [
    `Total time          ${(s.totalMs / 1000).toFixed(1)} s`,
    `Requests            ${total} (${requests || "none"})`,
    `Polls               ${s.polls} (${s.notModified} answered 304 Not Modified)`,
    `Pushed snapshots    ${s.pushed} (SSE relay from the partner backend)`,
    `Webhooks received   ${Object.values(s.webhooks).reduce((a, b) => a + (b ?? 0), 0)} (${hooks || "none"})`,
    `Retries             ${s.retries}`,
    `Token refreshes     ${s.refreshes}`,
    `Mutations applied   ${s.mutationsApplied} (the platform's log: each logical mutation once)`,
  ];
}
