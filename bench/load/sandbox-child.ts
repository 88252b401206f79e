/**
 * The sandbox of benchmark 6 in a process of its own (so the platform and the 1,000 runtimes do not share a
 * core): an accelerated clock and faults on. Sends `{ url, apiKey, now }` over IPC once listening; `"stop"` ends it.
 */
import { type SandboxFaults, startSandbox } from "../../src/sandbox/index.js";

const factor = Number(process.env.BENCH_CLOCK_FACTOR ?? "4");
const faults = JSON.parse(process.env.BENCH_FAULTS ?? "{}") as SandboxFaults;
const sandbox = await startSandbox({ clock: { mode: "accelerated", factor }, faults, seed: 23 });
process.send?.({ url: sandbox.url, apiKey: sandbox.apiKey, now: sandbox.clock.now() });
process.on("message", (message) => {
  if (message === "stop") void sandbox.close().then(() => process.exit(0));
});
