/**
 * credit-journey/server: the partner-backend kit. Everything of the edge entry (verified webhooks, the webhook
 * handler, sessions, the memory store, reconciler, push relay) plus what needs Node: raw bodies from node:http,
 * Express and Fastify, and the PostgreSQL and PGlite stores with their migrations.
 */
import { nodeWebhooks as node } from "./webhook/node.js";

export {
  CHANGE_CHANNEL,
  ChangeFeedConfigError,
  type ChangeFeedOptions,
  createPostgresChangeFeed,
  type JourneyChangeFeed,
} from "./change-feed.js";
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
export type { JourneyWorker, JourneyWorkerMode, JourneyWorkerOptions } from "./worker.js";
export { createJourneyWorker, WorkerConfigError } from "./worker.js";

/**
 * Imports the secrets once (`node:crypto`, synchronous HMAC) and returns a verifier to reuse across deliveries.
 * @throws {WebhookSecretError} when no secret is given or one is not a non-empty string (rejects).
 * @throws {RangeError} naming `options.now` or `options.toleranceSec` when `defaults` are invalid (rejects).
 */
export const createWebhookVerifier = node.createWebhookVerifier;

/**
 * Verifies a delivery's `X-AL-*` headers, timestamp and hex HMAC-SHA256 [L6] on `node:crypto`, in constant time.
 * @throws {WebhookVerificationError} with reason MISSING_HEADER, BAD_EVENT_ID, BAD_TIMESTAMP, TOO_OLD, TOO_NEW,
 *   NO_MATCHING_SIGNATURE or BODY_NOT_RAW (rejects).
 * @throws {WebhookSecretError} when no secret is given or one is not a non-empty string (rejects).
 * @throws {RangeError} naming `options`, `options.now` or `options.toleranceSec` when invalid (rejects).
 */
export const verifySignature = node.verifySignature;

/**
 * Verifies a delivery as {@link verifySignature} does and parses its body; give it the raw body.
 * @throws {WebhookVerificationError} as {@link verifySignature} (rejects).
 * @throws {ContractError} when a correctly signed body is not a valid delivery, or its ids disagree (rejects).
 * @throws {WebhookSecretError} / {RangeError} as {@link verifySignature} (rejects).
 */
export const verifyWebhook = node.verifyWebhook;

/**
 * The partner backend's webhook endpoint on `node:crypto` (see the edge entry's `createWebhookHandler`).
 * @throws {WebhookHandlerConfigError} naming a missing or malformed option (rejects).
 * @throws {WebhookSecretError} when no secret is given or one is not a non-empty string (rejects).
 * @throws {RawBodyLimitError} when `bodyLimit` is not a positive integer (rejects).
 */
export const createWebhookHandler = node.createWebhookHandler;
