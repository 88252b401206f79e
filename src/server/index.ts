/**
 * credit-journey/server: the partner-backend kit. Everything of the edge entry (verified webhooks, the webhook
 * handler, sessions, the memory store, reconciler, push relay) plus what needs Node: raw bodies from node:http,
 * Express and Fastify, and the PostgreSQL and PGlite stores with their migrations.
 */
export * from "./edge.js";
export { DEFAULT_RAW_BODY_LIMIT } from "./raw-body/errors.js";
export type { NodeRequestLike, ReadRawBodyOptions } from "./raw-body/node.js";
export { readRawBody } from "./raw-body/node.js";
export type { ExpressLike, FastifyLike, FastifyParserDone, ParsedRequestLike } from "./raw-body/parsed.js";
export {
  expressRawBody,
  rawBodyFromExpress,
  rawBodyFromFastify,
  rawBodyFromParsed,
  useRawJsonBody,
} from "./raw-body/parsed.js";
export type { Migration } from "./store/migrate.js";
export { loadMigrations, migrate } from "./store/migrate.js";
export type { PGliteJourneyStoreOptions, PGliteLike, PGliteTransactionLike } from "./store/pglite.js";
export { createPGliteJourneyStore, pgliteDatabase } from "./store/pglite.js";
export type {
  PgPoolClientLike,
  PgPoolLike,
  PgQueryResultLike,
  PostgresJourneyStoreOptions,
  PostgresPoolLimits,
} from "./store/postgres.js";
export { createPostgresJourneyStore, POSTGRES_POOL_DEFAULTS, pgDatabase } from "./store/postgres.js";
export { assertJson } from "./store/record.js";
export type { SqlDatabase, SqlJourneyStoreOptions, SqlQueryable, SqlTransaction } from "./store/sql.js";
export { createSqlJourneyStore } from "./store/sql.js";
