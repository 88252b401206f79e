/**
 * End-to-end harness: a sandbox on a manual clock, the runtime's timers on that same clock, and a driver that
 * moves time only when every HTTP call has settled, so runs are fast and repeatable.
 */

import { setImmediate as nextTurn } from "node:timers/promises";
import {
  type BorrowerClient,
  type ClientEvent,
  createBorrowerClient,
  createPartnerClient,
} from "../../../src/client/index.js";
import { openJourney } from "../../../src/client/journeys.js";
import type { JourneySnapshot } from "../../../src/contract/index.js";
import type { RuntimeClock } from "../../../src/runtime/clock.js";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../../src/sandbox/index.js";
import { HARNESS_START } from "./wire.js";

/** The manual clock the sandbox and the runtime share, with the runtime's next timer visible to the driver. */
export interface SharedClock extends RuntimeClock {
  /** When the runtime's (and the clients') earliest timer is due, if any. */
  nextDue(): number | undefined;
}

/** One borrower: its session, its client, and what the client did. */
export interface Borrower {
  readonly journeyID: string;
  readonly snapshot: JourneySnapshot;
  readonly client: BorrowerClient;
  /** Every client event (requests, retries, refreshes). */
  readonly events: ClientEvent[];
  /** How many times `refreshSession` was called. */
  refreshCalls(): number;
  /** The session token in use. */
  token(): string;
  /** Makes every later `refreshSession` fail (the app's backend refuses), or work again. */
  breakRefresh(broken: boolean): void;
}

/** One HTTP exchange a client had with the sandbox, as it went over the wire. */
export interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly requestBody: string | undefined;
  readonly status: number;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseBody: string;
}

/** A running sandbox and its driver. */
export interface Harness {
  readonly sandbox: Sandbox;
  /** Every exchange of the partner and borrower clients, in order (lost answers have status 0). */
  readonly exchanges: Exchange[];
  readonly clock: SharedClock;
  /** A new borrower with a session (scenario chosen by `borrowerExternalID` or `phone`). */
  borrower(borrowerExternalID: string, phone?: string): Promise<Borrower>;
  /** Waits until no HTTP call is on the wire and nothing moved for a few event-loop turns. */
  settle(): Promise<void>;
  /**
   * Moves sandbox time (to the runtime's next timer, at most `stepMs` at a time), settling between moves,
   * until `done()` holds. Rejects after `maxMs` of sandbox time.
   */
  drive(
    done: () => boolean,
    options?: { maxMs?: number; stepMs?: number; what?: () => string },
  ): Promise<void>;
  close(): Promise<void>;
}

/** Starts a sandbox on a manual clock and the harness around it. */
export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ clock: "manual", startAt: Date.UTC(2026, 0, 5, 9), ...options });
  const due = new Map<number, number>();
  let nextId = 0;
  const clock: SharedClock = {
    now: () => sandbox.clock.now(),
    setTimeout(fn, ms) {
      const id = nextId++;
      due.set(id, sandbox.clock.now() + Math.max(0, ms));
      const cancel = sandbox.clock.setTimer(() => {
        due.delete(id);
        fn();
      }, ms);
      return () => {
        due.delete(id);
        cancel();
      };
    },
    nextDue: () => (due.size === 0 ? undefined : Math.min(...due.values())),
  };

  let inFlight = 0;
  let activity = 0;
  const exchanges: Exchange[] = [];
  const trackedFetch: typeof fetch = async (input, init) => {
    inFlight++;
    activity++;
    const sent = {
      method: init?.method ?? "GET",
      url: String(input),
      requestHeaders: { ...(init?.headers as Record<string, string> | undefined) },
      requestBody: typeof init?.body === "string" ? init.body : undefined,
    };
    try {
      const response = await fetch(input, init).catch((error: unknown) => {
        exchanges.push({ ...sent, status: 0, responseHeaders: {}, responseBody: "" });
        throw error;
      });
      // Read the body inside the tracked span so "settled" means the client has everything it will get.
      const body = response.status === 304 ? null : await response.arrayBuffer();
      exchanges.push({
        ...sent,
        status: response.status,
        responseHeaders: Object.fromEntries(response.headers),
        responseBody: body ? new TextDecoder().decode(body) : "",
      });
      return new Response(body, { status: response.status, headers: response.headers });
    } finally {
      inFlight--;
      activity++;
    }
  };
  const sleepOnClock = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const cancel = clock.setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        cancel();
        resolve();
      });
    });

  const partner = createPartnerClient({
    baseUrl: sandbox.url,
    apiKey: sandbox.apiKey,
    serverSide: true,
    fetch: trackedFetch,
    retry: { sleep: sleepOnClock },
  });

  async function settle(): Promise<void> {
    let quietTurns = 0;
    let seen = activity;
    while (quietTurns < 4) {
      await nextTurn();
      await sandbox.control.settle();
      if (inFlight === 0 && activity === seen) quietTurns++;
      else {
        quietTurns = 0;
        seen = activity;
      }
    }
  }

  return {
    sandbox,
    exchanges,
    clock,
    async borrower(borrowerExternalID, phone) {
      const session = await partner.createSession({
        borrowerExternalID,
        ...(phone ? { profile: { contactNumber: phone } } : {}),
      });
      let token = session.sessionToken;
      let refreshCalls = 0;
      let refreshBroken = false;
      const events: ClientEvent[] = [];
      let seed = 7;
      const client = createBorrowerClient({
        baseUrl: sandbox.url,
        getSessionToken: () => token,
        refreshSession: async () => {
          refreshCalls++;
          if (refreshBroken) throw new Error("the backend refused to refresh the session");
          // As a partner backend renews on the documented API: bootstrap the borrower's session again [L4].
          token = (await partner.createSession({ borrowerExternalID })).sessionToken;
          return token;
        },
        fetch: trackedFetch,
        observer: (event) => events.push(event),
        retry: {
          sleep: sleepOnClock,
          random: () => {
            seed = (seed * 16807) % 2147483647;
            return seed / 2147483647;
          },
        },
      });
      const { journeyID, snapshot: journey } = await openJourney(client, session, {
        correlationID: HARNESS_START,
      });
      return {
        journeyID,
        snapshot: journey,
        client,
        events,
        refreshCalls: () => refreshCalls,
        token: () => token,
        breakRefresh: (broken) => {
          refreshBroken = broken;
        },
      };
    },
    settle,
    async drive(done, { maxMs = 30 * 60_000, stepMs = 1_000, what } = {}) {
      const deadline = clock.now() + maxMs;
      for (;;) {
        await settle();
        if (done()) return;
        if (clock.now() >= deadline)
          throw new Error(`not done after ${maxMs} ms of sandbox time${what ? `: ${what()}` : ""}`);
        const next = clock.nextDue();
        const gap = next === undefined ? stepMs : Math.min(Math.max(0, next - clock.now()), stepMs);
        sandbox.clock.advance(gap);
      }
    },
    close: () => sandbox.close(),
  };
}
