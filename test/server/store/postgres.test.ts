import pg from "pg";
import { describe, expect, it } from "vitest";
import { createPostgresJourneyStore, type JourneyStore, loadMigrations } from "../../../src/server/index.js";
import { runPostgres } from "../../support/postgres.js";
import {
  corruptRow,
  describeCorruptRowConformance,
  describeJourneyStoreConformance,
  snapshotOf,
} from "../store-conformance.js";
import { expectConverged, runWriters, shuffledDuplicatedStream } from "./concurrency.js";

const server = runPostgres();

describeJourneyStoreConformance("PostgreSQL", async ({ now }) =>
  createPostgresJourneyStore({ connectionString: await server.createDatabase(), now }),
);

describeCorruptRowConformance("PostgreSQL", async (options) => {
  const connectionString = await server.createDatabase();
  const store = await createPostgresJourneyStore({ connectionString, ...options });
  const writer = new pg.Pool({ connectionString, max: 1 });
  return {
    store,
    corrupt: corruptRow((text, params) => writer.query(text, params)),
    close: () => writer.end(),
  };
});

describe("PostgreSQL store", () => {
  it("converges with 8 writers on separate connections applying a shuffled, duplicated stream of 1,000 snapshots", async () => {
    const connectionString = await server.createDatabase();
    // Eight stores starting at once also race their migrations: the advisory lock must serialise them.
    const writers: JourneyStore[] = await Promise.all(
      Array.from({ length: 8 }, () => createPostgresJourneyStore({ connectionString, max: 1 })),
    );
    const stream = shuffledDuplicatedStream();
    const results = await runWriters(writers, stream.deliveries);
    await expectConverged(writers[0]!, stream, results);
    await Promise.all(writers.map((w) => w.close()));

    const check = new pg.Client({ connectionString });
    await check.connect();
    const { rows } = await check.query("SELECT count(*)::int AS n FROM credit_journey.schema_migrations");
    const journeys = await check.query("SELECT count(*)::int AS n FROM credit_journey.journeys");
    await check.end();
    expect(rows).toEqual([{ n: (await loadMigrations()).length }]);
    expect(journeys.rows).toEqual([{ n: 50 }]);
  });

  it("runs on a pool it was given, and leaves that pool open on close", async () => {
    const pool = new pg.Pool({ connectionString: await server.createDatabase(), max: 2 });
    const store = await createPostgresJourneyStore({ pool });
    expect(await store.applySnapshot({ snapshot: snapshotOf(1, 1) })).toBe(true);
    await store.close();
    expect((await pool.query("SELECT count(*)::int AS n FROM credit_journey.journeys")).rows).toEqual([
      { n: 1 },
    ]);
    await pool.end();
  });

  it("rejects with pg's error, and leaves no pool open, when the server is unreachable", async () => {
    const unreachable = server.connectionString("no_such_database");
    await expect(createPostgresJourneyStore({ connectionString: unreachable })).rejects.toThrow(
      /no_such_database/,
    );
  });
});
