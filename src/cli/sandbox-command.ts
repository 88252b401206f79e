import { type Sandbox, startSandbox } from "../sandbox/index.js";

/** Options of the `credit-journey sandbox` command. */
export interface SandboxCommandOptions {
  /** Port on 127.0.0.1 (default 4010; 0 picks a free one). */
  readonly port: number;
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
  const sandbox = await startSandbox({ port: options.port });
  print(`credit-journey sandbox listening on ${sandbox.url}`);
  print(`  API base:       ${sandbox.url}/api/v1/headless`);
  print(`  API key:        ${sandbox.apiKey}`);
  print(`  Webhook secret: ${sandbox.webhookSecret}`);
  print(`  Control API:    ${sandbox.url}/_sandbox  (see docs/sandbox.md)`);
  print("Press Ctrl+C to stop.");
  return sandbox;
}
