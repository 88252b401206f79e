#!/usr/bin/env node
/** The `credit-journey` command: `demo` (the main job, default) and `sandbox`. */
import { parseArgs } from "node:util";
import { MAX_CLOCK_FACTOR } from "../sandbox/clock.js";
import { type ClockMode, SCENARIOS, type ScenarioName } from "../sandbox/index.js";
import { terminalChoices } from "./demo/interactive.js";
import { DEMO_FAULTS, runDemo } from "./demo/run.js";
import { runSandboxCommand, runTrigger, type TriggerAction } from "./sandbox-command.js";

const USAGE = `Usage:
  credit-journey [demo] [options]     drive a borrower through a whole journey on the embedded sandbox
    --scenario <name>                 ${SCENARIOS.map((s) => s.name).join(" | ")} (default happy)
    --faults                          the sandbox's fault injection on; the SDK rides through it
    --interactive                     ask the borrower's choices at the terminal
    --inspect                         stream the live actor to the Stately inspector through a relay on
                                      127.0.0.1 (port 8080, or a free one if taken) and print the page to open;
                                      at a terminal it waits for Enter at the end before closing
    --inspect-url <ws-url>            stream to an inspector socket that is already running instead (exit 1
                                      if it cannot be reached)
    --json                            one JSON object a line instead of text
    --web [--port N]                  serve the borrower web app (React) beside the sandbox and partner backend
                                      instead, and print its URL (the package ships the app built)
  credit-journey sandbox [options]    the sandbox platform, standalone
    --port N                          port on 127.0.0.1 (default 4010; 0 picks a free one)
    --seed N                          seed for ids, offers and faults (default 1)
    --webhook-url <url>               forward signed webhook deliveries there (like stripe listen --forward-to)
    --faults                          the demo's fault injection on
    --clock real|manual|<N>x          the sandbox clock (default real; 10x runs ten times faster)
  credit-journey trigger <journeyID> complete|fail|expire [--step ID] [--sandbox-url URL]
                                      move a journey on a running sandbox (default http://127.0.0.1:4010)
  credit-journey -h | --help          this text
  credit-journey --version            the package's version

Exit codes: 0 the journey ended where its scenario is documented to end; 1 it did not, or the demo failed;
2 bad usage.`;

const SEE_HELP = "Run credit-journey --help for the commands and their options.";

/** A `--port` value as a port number, or `undefined` after printing what is wrong with it (naming the flag). */
function parsePort(raw: string): number | undefined {
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isInteger(port) && port <= 65535) return port;
  console.error(`--port must be an integer from 0 to 65535, got "${raw}"\n${SEE_HELP}`);
  return undefined;
}

/** A `--seed` value, or `null` after printing what is wrong with it. */
function parseSeed(raw: string): number | null {
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  console.error(`--seed must be a non-negative integer of at most 15 digits, got "${raw}"\n${SEE_HELP}`);
  return null;
}

/** A `--clock` value (`real`, `manual`, or `10x` for ten times real time), or `null` after printing what is wrong. */
function parseClock(raw: string): ClockMode | null {
  if (raw === "real" || raw === "manual") return raw;
  const factor = /^(\d+(?:\.\d+)?)x$/.exec(raw)?.[1];
  if (factor !== undefined && Number(factor) > 0 && Number(factor) <= MAX_CLOCK_FACTOR)
    return { mode: "accelerated", factor: Number(factor) };
  console.error(
    `--clock must be real, manual or a speed like 10x (at most ${MAX_CLOCK_FACTOR}x), got "${raw}"\n${SEE_HELP}`,
  );
  return null;
}

const TRIGGER_ACTIONS: readonly TriggerAction[] = ["complete", "fail", "expire"];

/** `credit-journey trigger <journeyID> <action>`: moves a journey on a running sandbox. */
async function trigger(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      "sandbox-url": { type: "string", default: "http://127.0.0.1:4010" },
      step: { type: "string" },
    },
  });
  const [journeyID, action] = positionals;
  if (
    positionals.length !== 2 ||
    journeyID === undefined ||
    !TRIGGER_ACTIONS.includes(action as TriggerAction)
  ) {
    console.error(`trigger takes a journey id and one of ${TRIGGER_ACTIONS.join(", ")}\n${SEE_HELP}`);
    return 2;
  }
  // A usage error like any other (exit 2), not a failed call to a sandbox that was never named.
  if (!/^https?:$/.test(URL.parse(values["sandbox-url"])?.protocol ?? "")) {
    console.error(`--sandbox-url must be an http(s) URL, got "${values["sandbox-url"]}"\n${SEE_HELP}`);
    return 2;
  }
  const status = await runTrigger({
    sandboxUrl: values["sandbox-url"],
    journeyID,
    action: action as TriggerAction,
    ...(values.step === undefined ? {} : { stepID: values.step }),
  });
  console.log(`journey ${journeyID}: ${action} done, now ${status}`);
  return 0;
}

/** The version in the package's own package.json, found from this file up (a source checkout or dist/). */
async function packageVersion(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  for (const up of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(await readFile(new URL(up, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "credit-journey" && pkg.version) return pkg.version;
    } catch {
      // not this level: try the next one up
    }
  }
  return "unknown";
}

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      scenario: { type: "string", default: "happy" },
      faults: { type: "boolean", default: false },
      interactive: { type: "boolean", default: false },
      inspect: { type: "boolean", default: false },
      "inspect-url": { type: "string" },
      json: { type: "boolean", default: false },
      web: { type: "boolean", default: false },
      port: { type: "string", default: "0" },
    },
  });
  if (values.web) {
    const port = parsePort(values.port);
    return port === undefined ? 2 : web(port);
  }
  if (args.some((arg) => arg === "--port" || arg.startsWith("--port="))) {
    console.error(
      "--port is the web app's: give --web with it (the terminal demo listens on none); see --help",
    );
    return 2;
  }
  const scenario = SCENARIOS.find((s) => s.name === values.scenario);
  if (!scenario) {
    console.error(
      `--scenario must be one of ${SCENARIOS.map((s) => s.name).join(", ")}; got ${values.scenario}`,
    );
    return 2;
  }
  const inspectUrl = values["inspect-url"];
  if (inspectUrl !== undefined && !/^wss?:\/\/\S+$/.test(inspectUrl)) {
    console.error(`--inspect-url must be a ws:// or wss:// URL, got "${inspectUrl}"\n${SEE_HELP}`);
    return 2;
  }
  // The relay and the ws package are loaded only for --inspect / --inspect-url (@statelyai/inspect is optional).
  const relayModule =
    values.inspect || inspectUrl !== undefined ? await import("./inspector-relay.js") : undefined;
  if (inspectUrl !== undefined && !(await relayModule?.canReach(inspectUrl))) {
    console.error(
      `could not reach the inspector at ${inspectUrl}: is it running? (--inspect starts one locally)`,
    );
    return 1;
  }
  const relay = inspectUrl === undefined ? await relayModule?.startInspectorRelay() : undefined;
  if (relay) {
    if (relay.portTaken !== undefined) {
      console.error(
        `inspector: port ${relay.portTaken} is taken, so the relay listens on ${relay.port} instead`,
      );
    }
    console.error(`inspector: open ${relay.url} in a browser (the relay listens on 127.0.0.1 only)`);
  }
  const socketUrl = inspectUrl ?? relay?.socketUrl;
  // A relay left open would hold the process: close it when the inspector cannot be set up.
  const inspector =
    socketUrl === undefined
      ? undefined
      : await openInspector(socketUrl).catch(async (error: unknown) => {
          await relay?.close();
          throw error;
        });
  // With --json, stdout is one JSON object a line: the prompts go to stderr.
  const terminal = values.interactive
    ? terminalChoices(process.stdin, values.json ? process.stderr : process.stdout)
    : undefined;
  try {
    const result = await runDemo({
      scenario: scenario.name as ScenarioName,
      faults: values.faults,
      json: values.json,
      ...(terminal ? { choices: terminal } : {}),
      ...(inspector ? { inspect: inspector } : {}),
    });
    const reached = inspector ? await inspector.stop() : true;
    if (!reached) {
      console.error(`could not reach the inspector at ${socketUrl}: nothing was streamed`);
      return 1;
    }
    if (relay) {
      terminal?.close();
      // Not at a terminal (piped, CI) this returns at once: the relay closes as soon as the run is flushed.
      await relayModule?.waitForEnter(`inspector: the run stays at ${relay.url}; press Enter to close it\n`);
    }
    return result.exitCode;
  } finally {
    terminal?.close();
    await inspector?.stop();
    await relay?.close();
  }
}

/** The web app's server, loaded only for `--web` (the package's prebuilt app; from the sources, built with Vite). */
interface WebAppModule {
  startWebApp(options: { port?: number }): Promise<{ url: string; close(): Promise<void> }>;
}

async function web(port: number): Promise<number> {
  const specifier = "../demo/web/server.js";
  const { startWebApp } = (await import(specifier)) as WebAppModule;
  const app = await startWebApp({ port });
  console.log(`credit-journey web app: ${app.url}\nOpen it in a browser; press Ctrl+C to stop.`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await app.close();
  return 0;
}

/** Connects the SDK's WebSocket inspector to the socket at `url` (the local relay's, or `--inspect-url`). */
async function openInspector(url: string) {
  const { createWebSocketInspector } = await import("@statelyai/inspect");
  const inspector = createWebSocketInspector({ url });
  let stopped: boolean | undefined;
  return {
    next: inspector.inspect.next?.bind(inspector.inspect),
    /**
     * Flushes what the inspector still holds (see {@link flushInspector}), then closes it; resolves whether the
     * inspector was reached at all. Stopping twice is harmless.
     */
    stop: async (): Promise<boolean> => {
      if (stopped !== undefined) return stopped;
      const adapter = inspector.adapter as unknown as InspectorSocket;
      stopped = await flushInspector(adapter);
      inspector.stop();
      // An adapter that never connected retries every 5 s, for ever, from a closure nothing can cancel: once the
      // run is over and its output written, the process leaves rather than hang on it.
      if (!stopped) setTimeout(() => process.exit(process.exitCode ?? 1), 200).unref();
      return stopped;
    },
  };
}

/** The parts of the inspector's WebSocket adapter a flush reads: its status and its socket's buffer. */
interface InspectorSocket {
  readonly status: string;
  readonly ws?: { readonly bufferedAmount: number };
}

/** How long a stop waits, at most, for the inspector to take the run's last events. */
const INSPECTOR_FLUSH_MS = 3_000;

/**
 * Waits until the inspector has sent everything: its event conversions run on later timer turns, a socket still
 * connecting holds them deferred, and an open one buffers them. Without this the run's last snapshots (its end,
 * the actor stopped) were lost when the process closed the socket. Gives up after {@link INSPECTOR_FLUSH_MS};
 * resolves whether the socket is open (false: the inspector was never reached).
 */
async function flushInspector(adapter: InspectorSocket): Promise<boolean> {
  const deadline = Date.now() + INSPECTOR_FLUSH_MS;
  const turn = () => new Promise((resolve) => setTimeout(resolve, 10));
  await turn();
  while (Date.now() < deadline) {
    const open = adapter.status === "open";
    if (open && (adapter.ws?.bufferedAmount ?? 0) === 0) return true;
    await turn();
  }
  return adapter.status === "open";
}

/** Runs the command line; resolves with the process exit code. Never rejects: failures print and return 1 or 2. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command = "demo", ...rest] = argv[0]?.startsWith("-") ? ["demo", ...argv] : argv;
  try {
    if (["--help", "-h", "help"].includes(command) || rest.includes("--help") || rest.includes("-h")) {
      console.log(USAGE);
      return 0;
    }
    if (command === "--version" || rest.includes("--version")) {
      console.log(await packageVersion());
      return 0;
    }
    if (command === "demo") return await demo(rest);
    if (command === "sandbox") {
      const { values } = parseArgs({
        args: rest,
        options: {
          port: { type: "string", default: "4010" },
          seed: { type: "string" },
          "webhook-url": { type: "string" },
          faults: { type: "boolean", default: false },
          clock: { type: "string" },
        },
      });
      const port = parsePort(values.port);
      const seed = values.seed === undefined ? undefined : parseSeed(values.seed);
      const clock = values.clock === undefined ? undefined : parseClock(values.clock);
      const webhookUrl = values["webhook-url"];
      const parsedWebhookUrl = webhookUrl === undefined ? undefined : URL.parse(webhookUrl);
      if (
        webhookUrl !== undefined &&
        !(/^https?:$/.test(parsedWebhookUrl?.protocol ?? "") && parsedWebhookUrl?.hostname)
      ) {
        console.error(`--webhook-url must be an http(s) URL, got "${webhookUrl}"\n${SEE_HELP}`);
        return 2;
      }
      if (port === undefined || seed === null || clock === null) return 2;
      const sandbox = await runSandboxCommand({
        port,
        ...(seed === undefined ? {} : { seed }),
        ...(webhookUrl === undefined ? {} : { webhookUrl }),
        ...(values.faults ? { faults: DEMO_FAULTS } : {}),
        ...(clock === undefined ? {} : { clock }),
      });
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await sandbox.close();
      return 0;
    }
    if (command === "trigger") return await trigger(rest);
    console.error(`unknown command ${command}\n${SEE_HELP}`);
    return 2;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const usage = typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
    console.error(`${error instanceof Error ? error.message : error}${usage ? `\n${SEE_HELP}` : ""}`);
    return usage ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
