import { type ClockMode, type Sandbox, type SandboxFaults, startSandbox } from "../sandbox/index.js";

/** Options of the `credit-journey sandbox` command. */
export interface SandboxCommandOptions {
  /** Port on 127.0.0.1 (default 4010; 0 picks a free one). */
  readonly port: number;
  /** Seed for ids, offers and faults (default: the sandbox's, 1). */
  readonly seed?: number;
  /** Where to forward signed webhook deliveries, like Stripe's `listen --forward-to`. */
  readonly webhookUrl?: string;
  /** Fault injection to switch on (the demo's `--faults` set). */
  readonly faults?: SandboxFaults;
  /** The sandbox clock (default real time). */
  readonly clock?: ClockMode;
  /** Where to print (default: stdout). */
  readonly print?: (line: string) => void;
}

/**
 * `credit-journey sandbox`: starts the sandbox standalone with real time and prints how to reach it.
 * Resolves with the running sandbox; the caller closes it (the CLI does so on SIGINT/SIGTERM).
 * Rejects with the listen error (e.g. EADDRINUSE) when the port is taken.
 */
export async function runSandboxCommand(options: SandboxCommandOptions): Promise<Sandbox> {
  const print = options.print ?? ((line: string) => console.log(line));
  const sandbox = await startSandbox({
    port: options.port,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.webhookUrl === undefined ? {} : { webhooks: [{ url: options.webhookUrl }] }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  print(`credit-journey sandbox listening on ${sandbox.url}`);
  print(`  API base:       ${sandbox.url}/api/v1/headless`);
  print(`  API key:        ${sandbox.apiKey}`);
  print(`  Webhook secret: ${sandbox.webhookSecret}`);
  if (options.webhookUrl) print(`  Forwarding:     signed webhook deliveries to ${options.webhookUrl}`);
  if (options.faults) print(`  Faults:         ${JSON.stringify(options.faults)}`);
  if (options.clock !== undefined) print(`  Clock:          ${JSON.stringify(options.clock)}`);
  print(`  Control API:    ${sandbox.url}/_sandbox  (see docs/sandbox.md)`);
  print(
    `  Move a journey: credit-journey trigger <journeyID> complete|fail|expire --sandbox-url ${sandbox.url}`,
  );
  print("Press Ctrl+C to stop.");
  return sandbox;
}

/** What `credit-journey trigger` does to a journey through the control API. */
export type TriggerAction = "complete" | "fail" | "expire";

/** The control API path of each {@link TriggerAction} (a step action takes the current step unless given). */
function triggerPath(journeyID: string, action: TriggerAction, stepID: string | undefined): string {
  const journey = `/_sandbox/journeys/${encodeURIComponent(journeyID)}`;
  if (action === "expire") return `${journey}/expire`;
  return `${journey}/steps/${stepID === undefined ? "current" : encodeURIComponent(stepID)}/${action}`;
}

/**
 * `credit-journey trigger`: moves a journey on a running sandbox (complete or fail its current step, or expire it)
 * through the control API, like Stripe's `trigger`; resolves with the journey's status afterwards.
 * @throws {Error} naming the answer when the sandbox refuses (unknown journey, no current step) (rejects).
 */
export async function runTrigger(options: {
  readonly sandboxUrl: string;
  readonly journeyID: string;
  readonly action: TriggerAction;
  readonly stepID?: string;
}): Promise<string> {
  const base = options.sandboxUrl.replace(/\/+$/, "");
  const res = await fetch(`${base}${triggerPath(options.journeyID, options.action, options.stepID)}`, {
    method: "POST",
  });
  if (!res.ok) throw new Error(`the sandbox refused ${options.action}: ${res.status} ${await res.text()}`);
  await res.body?.cancel();
  const view = await fetch(`${base}/_sandbox/journeys/${encodeURIComponent(options.journeyID)}`);
  const body = (await view.json()) as {
    data?: { journey?: { status?: string } };
    journey?: { status?: string };
  };
  return body.data?.journey?.status ?? body.journey?.status ?? "unknown";
}
