import { readdir, readFile } from "node:fs/promises";
import type { SqlDatabase } from "./sql.js";

/** One schema migration: a name that sorts in application order, and its SQL. */
export interface Migration {
  readonly name: string;
  readonly sql: string;
}

// Any constant works; it only has to be the same in every process that migrates this schema.
const MIGRATION_LOCK_KEY = 7_351_042_001;
const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

/**
 * The SQL files shipped in `./migrations/`, in name order.
 * @throws {Error} the file system's error when the directory cannot be read (rejects).
 */
export async function loadMigrations(directory: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith(".sql")).sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(new URL(name, directory), "utf8") })),
  );
}

/**
 * Brings the `credit_journey` schema up to date: applies, in order and in one transaction, every migration not yet
 * recorded in `credit_journey.schema_migrations`; returns the names applied. Idempotent, and safe when many
 * processes start at once (they queue on an advisory lock).
 * @throws {Error} the database's error; nothing of the failed run stays applied (rejects).
 */
export async function migrate(db: SqlDatabase, migrations?: readonly Migration[]): Promise<string[]> {
  const all = migrations ?? (await loadMigrations());
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await tx.exec(`
      CREATE SCHEMA IF NOT EXISTS credit_journey;
      CREATE TABLE IF NOT EXISTS credit_journey.schema_migrations (
        name text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      );`);
    const { rows } = await tx.query<{ name: string }>("SELECT name FROM credit_journey.schema_migrations");
    const done = new Set(rows.map((row) => row.name));
    const applied: string[] = [];
    for (const migration of all) {
      if (done.has(migration.name)) continue;
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO credit_journey.schema_migrations (name) VALUES ($1)", [migration.name]);
      applied.push(migration.name);
    }
    return applied;
  });
}
