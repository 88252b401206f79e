/**
 * Fan-out of stored journey changes across partner-backend workers on one PostgreSQL, over `LISTEN/NOTIFY`: a
 * worker that stored a journey says so (`notify`: the journey and its order key, never the snapshot), and every
 * worker, itself included, reads the newest snapshot from the store and hands it on (`onChange`, e.g. the push
 * relay's `publish`). A dropped LISTEN connection is re-opened, and every journey this worker's watchers follow is
 * read again, so no change is lost while it was down.
 */

import { CreditJourneyError } from "../contract/errors.js";
import type { JourneySnapshot } from "../contract/index.js";
import type { CancelTimer } from "../runtime/clock.js";
import type { JourneyStore } from "./store/types.js";
import { backgroundClock, every } from "./timers.js";

/** The channel every worker listens on. */
export const CHANGE_CHANNEL = "credit_journey_changes";

/** Options of {@link createPostgresChangeFeed}. */
export interface ChangeFeedOptions {
  /** The PostgreSQL every worker shares (the store's). */
  readonly connectionString: string;
  /** Where the newest snapshot of a changed journey is read (the worker's own store on that database). */
  readonly store: Pick<JourneyStore, "get">;
  /** Hears the newest stored snapshot of each changed journey, on every worker (e.g. `relay.publish`). */
  readonly onChange: (snapshot: JourneySnapshot) => void;
  /** The journeys this worker's watchers follow (`relay.watched`): read again after a reconnect. */
  readonly watched?: () => Iterable<string>;
  /** Hears a dropped connection, a failed read or a malformed notification; default `console.warn`. */
  readonly onError?: (error: unknown) => void;
  /** The first wait before re-opening a dropped LISTEN connection, in ms (default 1,000; doubles up to 30 s). */
  readonly reconnectMs?: number;
  /**
   * How long a connect, a query or a silent connection is waited for, in ms (default 10,000): a path that drops
   * packets without a reset is found within about four times this (the LISTEN connection is asked a `SELECT 1`
   * every `3 × silentMs`).
   */
  readonly silentMs?: number;
}

/** A worker's end of the fan-out. */
export interface JourneyChangeFeed {
  /**
   * Tells every worker that `journeyID` was stored at `asOf` (call it after the store write, e.g. from the webhook
   * handler's `onSnapshot`).
   * @throws {Error} `pg`'s error when the notification cannot be sent (rejects).
   */
  notify(change: Pick<JourneySnapshot, "journeyID" | "asOf">): Promise<void>;
  /** Stops listening and closes both connections. Idempotent; never rejects. */
  close(): Promise<void>;
}

/** A {@link createPostgresChangeFeed} option that is missing or malformed; `field` names it. */
export class ChangeFeedConfigError extends CreditJourneyError {
  /** Discriminant for plain-data error handling across boundaries. */
  readonly _tag = "ChangeFeedConfigError" as const;
  /** The offending option. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`createPostgresChangeFeed: ${field} ${message}`);
    this.name = "ChangeFeedConfigError";
    this.field = field;
  }
}

const MAX_RECONNECT_MS = 30_000;
/** The longest wait an option may set (an hour): beyond it a dropped connection would go unnoticed. */
const MAX_WAIT_MS = 3_600_000;
/**
 * How long a connect, a query, or a silent connection is waited for by default (ms): a path that drops packets
 * without a reset (a NAT's idle timeout, a failover) is found within about this, not the OS's two-hour keepalive.
 */
const SILENT_MS = 10_000;
/** At most this many store reads for heard changes at once (the store's pool serves the webhooks too). */
const DELIVERY_CONCURRENCY = 4;
/** The LISTEN connection is asked a `SELECT 1` every this many `silentMs`: one that does not answer is re-opened. */
const HEARTBEAT_SILENCES = 3;

/** The `pg` settings of both connections: bounded connects and queries, TCP keepalive probes after `silentMs` idle. */
function connectionSettings(silentMs: number) {
  return {
    keepAlive: true,
    keepAliveInitialDelayMillis: silentMs,
    connectionTimeoutMillis: silentMs,
    query_timeout: silentMs,
  } as const;
}

function checkOptions(options: ChangeFeedOptions): void {
  if (typeof options !== "object" || options === null)
    throw new ChangeFeedConfigError("options", "must be an object with connectionString, store and onChange");
  if (typeof options.connectionString !== "string" || !/^postgres(ql)?:\/\//.test(options.connectionString))
    throw new ChangeFeedConfigError("connectionString", "must be a postgres:// URL");
  if (typeof options.store?.get !== "function")
    throw new ChangeFeedConfigError("store", "must be a JourneyStore (it has no get)");
  for (const name of ["onChange", "watched", "onError"] as const)
    if ((name === "onChange" || options[name] !== undefined) && typeof options[name] !== "function")
      throw new ChangeFeedConfigError(name, "must be a function");
  for (const name of ["reconnectMs", "silentMs"] as const) {
    const ms = options[name];
    if (ms !== undefined && !(Number.isSafeInteger(ms) && ms > 0 && ms <= MAX_WAIT_MS))
      throw new ChangeFeedConfigError(
        name,
        `must be a positive integer of milliseconds, at most ${MAX_WAIT_MS}`,
      );
  }
}

/** Waits for `ending` (its failure ignored) or `ms`, whichever comes first; then runs `cut` if it had not settled. */
async function within(ending: Promise<unknown>, ms: number, cut: () => void): Promise<void> {
  let settled = false;
  let cancel: CancelTimer | undefined;
  const timedOut = new Promise<void>((resolve) => {
    cancel = backgroundClock.setTimeout(resolve, ms);
  });
  await Promise.race([
    ending
      .then(
        () => {},
        () => {},
      )
      .finally(() => (settled = true)),
    timedOut,
  ]);
  cancel?.();
  if (!settled) cut();
}

/** Cuts a `pg` client's socket (pg has no public `destroy`): for a connection that no longer answers. */
function destroyStream(client: object): void {
  (client as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
}

/** A notification's payload, or `undefined` when it is not one this feed sent. */
function changeOf(payload: string | undefined): { journeyID: string; asOf: number } | undefined {
  try {
    const { journeyID, asOf } = JSON.parse(payload ?? "") as { journeyID?: unknown; asOf?: unknown };
    return typeof journeyID === "string" && journeyID.length > 0 && Number.isSafeInteger(asOf)
      ? { journeyID, asOf: asOf as number }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens a worker's end of the fan-out: a LISTEN connection (re-opened when it drops) and a connection to notify.
 * @throws {ChangeFeedConfigError} naming a missing or malformed option.
 * @throws {Error} `pg`'s error when the first LISTEN connection cannot be opened (rejects; nothing stays open).
 */
export async function createPostgresChangeFeed(options: ChangeFeedOptions): Promise<JourneyChangeFeed> {
  checkOptions(options);
  const onError = options.onError ?? ((error: unknown) => console.warn("credit-journey change feed:", error));
  const firstWait = options.reconnectMs ?? 1_000;
  const silentMs = options.silentMs ?? SILENT_MS;
  const settings = connectionSettings(silentMs);
  const { default: pg } = await import("pg");
  const sender = new pg.Pool({ connectionString: options.connectionString, max: 1, ...settings });
  sender.on("error", onError);
  // The sender's open connections, through the pool's public events: `pool.end()` resolves before they have
  // ended, so `close()` waits for each (and cuts the ones a silent path holds).
  const senderClients = new Set<InstanceType<typeof pg.Client>>();
  sender.on("connect", (client) => {
    senderClients.add(client);
    client.once("end", () => senderClients.delete(client));
  });
  let listener: InstanceType<typeof pg.Client> | undefined;
  let closed = false;
  let wait = firstWait;
  let cancelReopen: CancelTimer | undefined;

  /** Changes heard and not yet read: the highest `asOf` per journey (repeats merge; bounded by the journeys). */
  const pending = new Map<string, number>();
  let reading = 0;

  /** Queues a heard change; at most {@link DELIVERY_CONCURRENCY} store reads run at once. */
  function heard(journeyID: string, asOf: number): void {
    pending.set(journeyID, Math.max(pending.get(journeyID) ?? 0, asOf));
    while (reading < DELIVERY_CONCURRENCY && pending.size > 0) {
      reading++;
      void drain();
    }
  }

  async function drain(): Promise<void> {
    try {
      for (let next = pending.entries().next(); !next.done; next = pending.entries().next()) {
        const [journeyID, asOf] = next.value;
        pending.delete(journeyID);
        await deliver(journeyID, asOf);
      }
    } finally {
      reading--;
    }
  }

  /** Hands on the stored snapshot of `journeyID` when it is at least at `asOf`; a failed read is reported. */
  async function deliver(journeyID: string, asOf: number): Promise<void> {
    try {
      const stored = await options.store.get(journeyID);
      if (stored && stored.snapshot.asOf >= asOf) options.onChange(stored.snapshot);
    } catch (error) {
      onError(error);
    }
  }

  async function listen(): Promise<void> {
    const client = new pg.Client({ connectionString: options.connectionString, ...settings });
    // Errors before the client is the listener reject the connect below; after, they drop it.
    client.on("error", (error: Error) => lost(client, error));
    client.on("end", () => lost(client, new Error("the LISTEN connection ended")));
    client.on("notification", (message: { channel: string; payload?: string }) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      const change = changeOf(message.payload);
      if (change === undefined) onError(new Error(`a malformed ${CHANGE_CHANNEL} notification was ignored`));
      else heard(change.journeyID, change.asOf);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (closed) {
      await client.end().catch(() => {});
      return;
    }
    listener = client;
    wait = firstWait;
    // A connection that stops answering (no reset on a silent path) is dropped, and the feed catches up.
    const cancelHeartbeat = every(backgroundClock, HEARTBEAT_SILENCES * silentMs, () => {
      if (listener !== client) return cancelHeartbeat();
      client.query("SELECT 1").catch((error: Error) => lost(client, error));
    });
  }

  /** The LISTEN connection dropped: report it, and re-open it after a wait that grows while it keeps failing. */
  function lost(client: InstanceType<typeof pg.Client>, error: Error): void {
    if (client !== listener) return;
    listener = undefined;
    // Ended politely if it answers; cut after `silentMs` if not (a silent path would hold the socket for hours).
    void within(client.end(), silentMs, () => destroyStream(client));
    if (closed) return;
    onError(error);
    reopen();
  }

  function reopen(): void {
    cancelReopen = backgroundClock.setTimeout(async () => {
      try {
        await listen();
      } catch (error) {
        onError(error);
        wait = Math.min(wait * 2, MAX_RECONNECT_MS);
        if (!closed) reopen();
        return;
      }
      if (closed) return;
      // Whatever changed while no one listened: the watched journeys, read again. A `watched` that throws is
      // reported; the connection just opened stays the listener (re-opening here would leak it).
      try {
        for (const journeyID of options.watched?.() ?? []) await deliver(journeyID, 0);
      } catch (error) {
        onError(error);
      }
    }, wait);
  }

  try {
    await listen();
  } catch (error) {
    await sender.end().catch(() => {});
    throw error;
  }
  return {
    async notify({ journeyID, asOf }) {
      await sender.query("SELECT pg_notify($1, $2)", [CHANGE_CHANNEL, JSON.stringify({ journeyID, asOf })]);
    },
    async close() {
      if (closed) return;
      closed = true;
      cancelReopen?.();
      const current = listener;
      listener = undefined;
      // Each end waited for at most `silentMs`: on a silent path the connection is cut instead.
      const sending = [...senderClients];
      const ended = sending.map((client) => new Promise((resolve) => client.once("end", resolve)));
      await Promise.all([
        current && within(current.end(), silentMs, () => destroyStream(current)),
        within(Promise.all([sender.end(), ...ended]), silentMs, () => {
          for (const client of sending) destroyStream(client);
        }),
      ]);
    },
  };
}
