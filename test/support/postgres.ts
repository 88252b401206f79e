import { execFile, execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { chown, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** A throwaway PostgreSQL cluster on loopback, for one test file. */
export interface TestPostgres {
  /** The loopback port it listens on. */
  readonly port: number;
  /** A connection string to `database` (default `postgres`). */
  connectionString(database?: string): string;
  /** Creates a fresh, empty database and returns its connection string. */
  createDatabase(): Promise<string>;
  /** Stops the cluster and deletes its files. */
  stop(): Promise<void>;
}

const INSTALL_HINT = "install PostgreSQL's server binaries first: apt-get install -y postgresql";

/**
 * Debian's newest `<root>/<major>/bin` holding initdb and pg_ctl.
 * @throws {Error} saying to `apt-get install -y postgresql` when there is none.
 */
export async function findPostgresBinaries(root = "/usr/lib/postgresql"): Promise<string> {
  const majors = existsSync(root) ? (await readdir(root)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors) {
    const bin = join(root, major, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) return bin;
  }
  throw new Error(
    `PostgreSQL server binaries not found under ${root}/*/bin (initdb, pg_ctl): ${INSTALL_HINT}`,
  );
}

async function freePort(): Promise<number> {
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
 * Starts a cluster in a temp dir on a free loopback port, as the `postgres` user when running as root (the server
 * refuses to run as root). Durability is switched off: the data is thrown away anyway.
 * @throws {Error} saying to `apt-get install -y postgresql` when the binaries are missing, or with the server log
 *   when it does not start.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = await findPostgresBinaries();
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), "credit-journey-pg-"));
  const dataDir = join(dir, "data");
  const logFile = join(dir, "server.log");
  const exec = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args);

  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await exec("initdb", ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "-N"]);

  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const serverOptions = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${dir}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=60",
    ].join(" ");
    try {
      await exec("pg_ctl", ["-D", dataDir, "-l", logFile, "-o", serverOptions, "-w", "-t", "60", "start"]);
      break;
    } catch (error) {
      const log = await readFile(logFile, "utf8").catch(() => "");
      // Another process may have taken the port between the probe and the start: try another one.
      if (attempt < 3 && log.includes("could not bind")) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`PostgreSQL did not start: ${String(error)}\n${log}`);
    }
  }

  // A worker that exits without calling stop() (a crash, a forgotten afterAll) must not leave a server behind.
  const stopOnExit = () => {
    const args = ["-D", dataDir, "-m", "immediate", "-w", "stop"];
    try {
      if (asRoot)
        execFileSync("runuser", ["-u", "postgres", "--", join(bin, "pg_ctl"), ...args], { stdio: "ignore" });
      else execFileSync(join(bin, "pg_ctl"), args, { stdio: "ignore" });
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stopOnExit);

  const connectionString = (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let databases = 0;
  return {
    port,
    connectionString,
    async createDatabase() {
      const name = `test_${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: connectionString() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return connectionString(name);
    },
    async stop() {
      process.off("exit", stopOnExit);
      try {
        await exec("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
