import {
  type BorrowerClientOptions,
  type ClientEvent,
  createBorrowerClient,
} from "../../src/client/index.js";
import type { ScriptedServer } from "./scripted-server.js";

/** A valid borrower session token for the tests. */
export const SESSION_TOKEN = "a1b2c3d4e5f6g7h8i9j0session";
/** The token a refresh hands out. */
export const REFRESHED_TOKEN = "z9y8x7w6v5u4t3s2r1q0renewed";
/** A valid partner API key. */
export const API_KEY = "sk_test_abcdefgh1234";

/** Records backoff waits instead of sleeping: each wait resolves at once. */
export function recordingSleep() {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

/** A borrower client on `server` with a fixed token, a counting refresh, recorded backoff and events. */
export function borrowerOn(server: ScriptedServer, overrides: Partial<BorrowerClientOptions> = {}) {
  const waits = recordingSleep();
  const events: ClientEvent[] = [];
  let refreshCalls = 0;
  let token = SESSION_TOKEN;
  const client = createBorrowerClient({
    baseUrl: server.baseUrl,
    getSessionToken: () => token,
    refreshSession: async () => {
      refreshCalls++;
      token = REFRESHED_TOKEN;
      return token;
    },
    retry: { sleep: waits.sleep, random: () => 0.5 },
    observer: (event) => events.push(event),
    ...overrides,
  });
  return { client, delays: waits.delays, events, refreshCalls: () => refreshCalls };
}

/** Resolves to the rejection of `promise`; fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}
