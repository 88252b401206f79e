#!/usr/bin/env node
/** The `credit-journey` command: `demo` (the main job, default) and `sandbox`. */
import { parseArgs } from "node:util";
import { runSandboxCommand } from "./sandbox-command.js";

const USAGE = `Usage:
  credit-journey sandbox [--port N]   the sandbox platform, standalone (default port 4010)
  credit-journey --help               this text`;

/** Runs the command line; resolves with the process exit code. Never rejects: failures print and return 1 or 2. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command = "demo", ...rest] = argv[0]?.startsWith("-") ? ["demo", ...argv] : argv;
  try {
    if (command === "--help" || command === "help" || rest.includes("--help")) {
      console.log(USAGE);
      return 0;
    }
    if (command === "sandbox") {
      const { values } = parseArgs({ args: rest, options: { port: { type: "string", default: "4010" } } });
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        console.error(`--port must be an integer from 0 to 65535, got ${values.port}`);
        return 2;
      }
      const sandbox = await runSandboxCommand({ port });
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await sandbox.close();
      return 0;
    }
    console.error(`unknown command ${command}\n${USAGE}`);
    return 2;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
