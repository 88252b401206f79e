import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPGliteJourneyStore,
  createSqlJourneyStore,
  loadMigrations,
  migrate,
  pgliteDatabase,
  type SqlDatabase,
  StoreConfigError,
} from "../../../src/server/index.js";
import {
  corruptRow,
  describeCorruptRowConformance,
  describeJourneyStoreConformance,
  manualClock,
  snapshotOf,
} from "../store-conformance.js";
import { expectConverged, runWriters, shuffledDuplicatedStream } from "./concurrency.js";

// Starting PGlite costs seconds of CPU: one instance serves the whole file, its schema dropped between stores.
let pglite: PGlite;
beforeAll(async () => {
  pglite = await PGlite.create();
});
afterAll(async () => {
  await pglite.close();
});

async function freshSchema() {
  await pglite.exec("DROP SCHEMA IF EXISTS credit_journey CASCADE");
}

describeJourneyStoreConformance("PGlite", async ({ now }) => {
  await freshSchema();
  return createPGliteJourneyStore({ db: pglite, now });
});

describeCorruptRowConformance("PGlite", async (options) => {
  await freshSchema();
  return {
    store: await createPGliteJourneyStore({ db: pglite, ...options }),
    corrupt: corruptRow((text, params) => pglite.query(text, params)),
  };
});

describe("PGlite store", () => {
  it("converges under 8 interleaved writers applying a shuffled, duplicated stream of 1,000 snapshots", async () => {
    await freshSchema();
    const store = await createPGliteJourneyStore({ db: pglite });
    const stream = shuffledDuplicatedStream();
    const results = await runWriters(
      Array.from({ length: 8 }, () => store),
      stream.deliveries,
    );
    await expectConverged(store, stream, results);
    await store.close();
  });

  it("leaves the instance it was given open on close", async () => {
    await freshSchema();
    const store = await createPGliteJourneyStore({ db: pglite });
    await store.close();
    expect((await pglite.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("tells a conflict through an adapter whose transaction wraps what it throws (the cause kept)", async () => {
    await freshSchema();
    await createPGliteJourneyStore({ db: pglite });
    const real = pgliteDatabase(pglite, false);
    const wrapping: SqlDatabase = {
      ...real,
      transaction: (fn) =>
        real.transaction(fn).catch((cause: unknown) => {
          throw new Error("transaction failed", { cause });
        }),
    };
    const store = createSqlJourneyStore(wrapping, { ownsDatabase: false, now: manualClock().now });
    await store.applySnapshot({ snapshot: snapshotOf(1, 2) });
    const stale = { asOf: 1, sequence: null, complete: true };
    expect(
      await store.applyWebhook({
        webhookId: "evt_1",
        record: { snapshot: snapshotOf(1, 3), expected: stale },
      }),
    ).toEqual({ duplicate: false, applied: false, appliedJourneyIDs: [], conflict: true });
  });

  it("opens, migrates and closes an instance of its own", async () => {
    const store = await createPGliteJourneyStore();
    expect(await store.applySnapshot({ snapshot: snapshotOf(1, 1) })).toBe(true);
    await store.close();
  });
});

describe("migrate", () => {
  it("applies the shipped migrations once, recording them; a second run applies nothing", async () => {
    await freshSchema();
    const db = pgliteDatabase(pglite, false);
    const shipped = await loadMigrations();
    const names = [
      "001_journeys.sql",
      "002_order_by_as_of.sql",
      "003_webhook_sequence.sql",
      "004_journey_complete.sql",
      "005_reconcile_lease.sql",
    ];
    expect(shipped.map((m) => m.name)).toEqual(names);
    expect(await migrate(db)).toEqual(names);
    expect(await migrate(db)).toEqual([]);
    const { rows } = await pglite.query<{ name: string }>(
      "SELECT name FROM credit_journey.schema_migrations ORDER BY name",
    );
    expect(rows).toEqual(names.map((name) => ({ name })));
  });

  it("moves a first release's row (ordered by version) to as_of 0 without its reducer state, never misread", async () => {
    await freshSchema();
    const db = pgliteDatabase(pglite, false);
    const [first] = await loadMigrations();
    await migrate(db, [first!]);
    const old = { ...snapshotOf(1, 1), version: 7 } as Record<string, unknown>;
    delete old.asOf;
    await pglite.query(
      `INSERT INTO credit_journey.journeys (journey_id, version, status, ended, snapshot, state, updated_at)
       VALUES ($1, 7, $2, false, $3::jsonb, '{"context":{"snapshot":{"version":7}}}'::jsonb, now())`,
      [old.journeyID, old.status, JSON.stringify(old)],
    );
    expect(await migrate(db)).toEqual([
      "002_order_by_as_of.sql",
      "003_webhook_sequence.sql",
      "004_journey_complete.sql",
      "005_reconcile_lease.sql",
    ]);
    const store = await createPGliteJourneyStore({ db: pglite, migrate: false });
    const held = await store.get(old.journeyID as string);
    expect(held).toMatchObject({ asOf: 0, sequence: null, status: old.status, state: null });
    expect(held?.snapshot).toEqual({ ...snapshotOf(1, 1), asOf: 0 });
    // The next delivery, at the platform's time, overwrites it.
    expect(await store.applySnapshot({ snapshot: snapshotOf(1, 2) })).toBe(true);
    expect((await store.get(old.journeyID as string))?.asOf).toBe(2);
  });

  it("rolls the whole run back when a migration fails", async () => {
    await freshSchema();
    const db = pgliteDatabase(pglite, false);
    const broken = [
      { name: "001_ok.sql", sql: "CREATE TABLE credit_journey.first (id int);" },
      { name: "002_broken.sql", sql: "CREATE TABLE credit_journey.second (id nonsense_type);" },
    ];
    await expect(migrate(db, broken)).rejects.toThrow(/nonsense_type/);
    const { rows } = await pglite.query("SELECT to_regclass('credit_journey.first') AS t");
    expect(rows).toEqual([{ t: null }]);
  });
});

describe("SQL store atomicity", () => {
  it("writes neither the webhook id nor the journey when the database fails mid-transaction", async () => {
    await freshSchema();
    const real = pgliteDatabase(pglite, false);
    await migrate(real);
    let failUpserts = true;
    const flaky: SqlDatabase = {
      ...real,
      transaction: (fn) =>
        real.transaction((tx) =>
          fn({
            exec: (script) => tx.exec(script),
            query: (text, params) => {
              if (failUpserts && text.includes("INSERT INTO credit_journey.journeys")) {
                return Promise.reject(new Error("connection lost"));
              }
              return tx.query(text, params);
            },
          }),
        ),
    };
    const clock = manualClock();
    const store = createSqlJourneyStore(flaky, { ownsDatabase: false, now: clock.now });
    const delivery = { webhookId: "msg_1", record: { snapshot: snapshotOf(1, 1) } };
    await expect(store.applyWebhook(delivery)).rejects.toThrow("connection lost");
    expect(await store.get("jrn_c1")).toBeUndefined();
    failUpserts = false;
    expect(await store.applyWebhook(delivery)).toEqual({
      duplicate: false,
      applied: true,
      appliedJourneyIDs: ["jrn_c1"],
    });
  });
});

describe("createPGliteJourneyStore", () => {
  it("refuses malformed options before opening anything, naming the field", async () => {
    const cases: [unknown, string][] = [
      [null, "options"],
      [{ now: 1 }, "now"],
      [{ onCorruptRecord: "warn" }, "onCorruptRecord"],
      [{ db: {} }, "db"],
      [{ dataDir: "" }, "dataDir"],
      [{ migrate: "no" }, "migrate"],
    ];
    for (const [options, field] of cases) {
      const error = await createPGliteJourneyStore(options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreConfigError);
      expect((error as StoreConfigError).field).toBe(field);
    }
  });
});
