/**
 * Test-only access to a running sandbox's insides (not exported from `credit-journey/sandbox`): the request
 * listener, so a test can drive thousands of requests without sockets, and the sizes of every bounded store.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** How many entries each bounded store of a sandbox holds right now. */
export interface SandboxSizes {
  readonly requestLog: number;
  readonly mutationLog: number;
  readonly webhookDeliveries: number;
  readonly webhookAttempts: number;
  readonly webhookJourneys: number;
  readonly journeys: number;
  readonly borrowers: number;
  readonly borrowerIndex: number;
  readonly links: number;
  readonly families: number;
  readonly sessionTokens: number;
  readonly refreshTokens: number;
  readonly idempotencyKeys: number;
  readonly rateLimitBuckets: number;
  readonly clockTimers: number;
}

/** What a sandbox registers about itself for tests. */
export interface SandboxInternals {
  /** The `node:http` request listener the server runs. */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** The sizes of the bounded stores. */
  sizes(): SandboxSizes;
  /** The sandbox's error reporter (what it logs, redacted). */
  readonly report: (error: unknown) => void;
}

const registry = new WeakMap<object, SandboxInternals>();

/** Records a sandbox's internals; called once by `startSandbox`. Never throws. */
export function registerInternals(sandbox: object, internals: SandboxInternals): void {
  registry.set(sandbox, internals);
}

/**
 * The internals of a sandbox `startSandbox` returned.
 * @throws {TypeError} for any other object.
 */
export function sandboxInternals(sandbox: object): SandboxInternals {
  const internals = registry.get(sandbox);
  if (!internals) throw new TypeError("not a sandbox started by startSandbox");
  return internals;
}
