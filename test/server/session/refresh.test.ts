import { describe, expect, it } from "vitest";
import { createPartnerClient, type PartnerClient } from "../../../src/client/index.js";
import { ContractError, type Session } from "../../../src/contract/index.js";
import {
  createMemoryTokenStore,
  getFreshSession,
  isRefreshRefused,
  NoStoredSessionError,
  RefreshRefusedError,
  refreshStoredSession,
  type SessionCreator,
  type SessionRefresher,
  type TokenStore,
} from "../../../src/server/index.js";
import { sessionFixture } from "../../../src/testing/fixtures.js";

/** A problem error shaped like the partner client's `ApiError` data. */
function problem(code: string, status: number) {
  return Object.assign(new Error(code), { _tag: "ApiError", code, status, retryable: false });
}

function pair(n: number): Session {
  return sessionFixture({
    sessionToken: `session-generation-${n}`,
    refreshToken: `refresh-generation-${n}`,
    sessionExpiresAt: new Date(Date.UTC(2026, 10, 26, 10, 15 * n)).toISOString().replace(".000Z", "Z"),
  });
}

/**
 * The platform's rotation rule: each refresh returns the next pair; the immediately previous token within the
 * grace window returns the current pair; any older token revokes the family.
 */
function fakePlatform(options: { graceMs?: number; now?: () => number } = {}) {
  const now = options.now ?? (() => 0);
  let generation = 0;
  let rotatedAt = 0;
  let revoked = false;
  const calls: string[] = [];
  return {
    calls,
    get revoked() {
      return revoked;
    },
    async refreshSession(refreshToken: string) {
      calls.push(refreshToken);
      await Promise.resolve();
      if (revoked) throw problem("AUTH_INVALID_SESSION", 401);
      if (refreshToken === pair(generation).refreshToken) {
        generation++;
        rotatedAt = now();
        return { session: pair(generation) };
      }
      if (
        refreshToken === pair(generation - 1).refreshToken &&
        now() - rotatedAt <= (options.graceMs ?? 10_000)
      ) {
        return { session: pair(generation) };
      }
      revoked = true;
      throw problem("AUTH_INVALID_SESSION", 401);
    },
  };
}

async function storeWith(session: Session, key = "user-42"): Promise<TokenStore> {
  const store = createMemoryTokenStore();
  await store.set(key, session);
  return store;
}

describe("refreshStoredSession", () => {
  it("spends the stored refresh token and stores the new pair", async () => {
    const platform = fakePlatform();
    const store = await storeWith(pair(0));
    expect(await refreshStoredSession(platform, store, "user-42")).toEqual(pair(1));
    expect(await store.get("user-42")).toEqual(pair(1));
    expect(await refreshStoredSession(platform, store, "user-42")).toEqual(pair(2));
    expect(platform.calls).toEqual([pair(0).refreshToken, pair(1).refreshToken]);
  });

  it("hands out no pair when the borrower signed out while the refresh ran: NoStoredSessionError, nothing stored", async () => {
    const platform = fakePlatform();
    const store = await storeWith(pair(0));
    const refreshing = refreshStoredSession(
      {
        async refreshSession(token) {
          await store.delete("user-42"); // sign-out, while the platform answers
          return platform.refreshSession(token);
        },
      },
      store,
      "user-42",
    );
    await expect(refreshing).rejects.toBeInstanceOf(NoStoredSessionError);
    expect(await store.get("user-42")).toBeUndefined();
    // Refused while signed out: no RefreshRefusedError (which asks for a new bootstrap, signing them back in).
    await store.set("user-42", pair(0));
    const refused = refreshStoredSession(
      {
        async refreshSession() {
          await store.delete("user-42");
          throw problem("AUTH_INVALID_SESSION", 401);
        },
      },
      store,
      "user-42",
    );
    await expect(refused).rejects.toBeInstanceOf(NoStoredSessionError);
  });

  it("shares one refresh between concurrent callers for the same key", async () => {
    const platform = fakePlatform();
    const store = await storeWith(pair(0));
    const results = await Promise.all(
      Array.from({ length: 5 }, () => refreshStoredSession(platform, store, "user-42")),
    );
    expect(results).toEqual(Array.from({ length: 5 }, () => pair(1)));
    expect(platform.calls).toHaveLength(1);
  });

  it("surfaces 401 AUTH_INVALID_SESSION as a RefreshRefusedError and leaves the stored pair alone", async () => {
    const platform = fakePlatform();
    const store = await storeWith(pair(0));
    await refreshStoredSession(platform, store, "user-42");
    await refreshStoredSession(platform, store, "user-42");
    // A leaked, older token is presented elsewhere: the platform revokes the family.
    await expect(platform.refreshSession(pair(0).refreshToken)).rejects.toMatchObject({
      code: "AUTH_INVALID_SESSION",
    });
    const error = await refreshStoredSession(platform, store, "user-42").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshRefusedError);
    expect(error).toMatchObject({ key: "user-42", code: "AUTH_INVALID_SESSION" });
    expect((error as Error).cause).toMatchObject({ status: 401 });
    expect(await store.get("user-42")).toEqual(pair(2));
  });

  it("keeps the stored pair on any other failure, and passes the failure through", async () => {
    const store = await storeWith(pair(0));
    const outage = problem("INTERNAL", 503);
    const failing = {
      refreshSession: async () => {
        throw outage;
      },
    };
    await expect(refreshStoredSession(failing, store, "user-42")).rejects.toBe(outage);
    expect(await store.get("user-42")).toEqual(pair(0));
  });

  it("keeps the stored pair when the answer breaks the contract", async () => {
    const store = await storeWith(pair(0));
    const broken = { refreshSession: async () => ({ session: { ...pair(1), refreshToken: "" } }) };
    const error = await refreshStoredSession(broken, store, "user-42").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).issues.map((i) => i.path)).toEqual(["session.refreshToken"]);
    expect(await store.get("user-42")).toEqual(pair(0));
  });

  it("rejects with NoStoredSessionError for an unknown key, without calling the platform", async () => {
    const platform = fakePlatform();
    await expect(refreshStoredSession(platform, createMemoryTokenStore(), "nobody")).rejects.toBeInstanceOf(
      NoStoredSessionError,
    );
    expect(platform.calls).toEqual([]);
  });

  it("returns what another process stored when it won the compare-and-set", async () => {
    const store = await storeWith(pair(0));
    const racing = {
      refreshSession: async () => {
        // Another process rotated first and stored its answer while this call was in flight.
        await store.set("user-42", pair(1));
        return { session: pair(1) };
      },
    };
    const lost = { ...store, replace: async () => false };
    expect(await refreshStoredSession(racing, lost, "user-42")).toEqual(pair(1));
    expect(await store.get("user-42")).toEqual(pair(1));
  });

  it("answers with the stored pair when the platform refuses a token another process already rotated", async () => {
    const store = await storeWith(pair(0));
    const refusing = {
      refreshSession: async () => {
        // Another process rotated r0 → r1 and stored it while this one was sending r0, which is now refused.
        await store.set("user-42", pair(1));
        throw problem("AUTH_INVALID_SESSION", 401);
      },
    };
    expect(await refreshStoredSession(refusing, store, "user-42")).toEqual(pair(1));
    // Refused with the stored token itself: the family is gone.
    const refusingAll = { refreshSession: async () => Promise.reject(problem("AUTH_INVALID_SESSION", 401)) };
    await expect(refreshStoredSession(refusingAll, store, "user-42")).rejects.toBeInstanceOf(
      RefreshRefusedError,
    );
  });

  it("a caller's abort ends only its own wait: the shared rotation goes on and is stored for the others", async () => {
    const store = await storeWith(pair(0));
    let release: () => void = () => {};
    const signals: (AbortSignal | undefined)[] = [];
    const slow = {
      refreshSession: async (_token: string, options?: { signal?: AbortSignal }) => {
        signals.push(options?.signal);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { session: pair(1) };
      },
    };
    const leaving = new AbortController();
    const a = refreshStoredSession(slow, store, "user-42", { signal: leaving.signal });
    const b = refreshStoredSession(slow, store, "user-42");
    await Promise.resolve();
    leaving.abort(new Error("caller A went away"));
    await expect(a).rejects.toThrow("caller A went away");
    release();
    expect(await b).toEqual(pair(1));
    expect(await store.get("user-42")).toEqual(pair(1));
    expect(signals).toEqual([undefined]);
  });

  it("refuses a token store without replace() naming tokenStore, before anything is read or sent", async () => {
    const platform = fakePlatform();
    const store = await storeWith(pair(0));
    const { replace: _replace, ...noReplace } = store;
    const error = await refreshStoredSession(platform, noReplace as never, "user-42").catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContractError);
    expect(String(error)).toContain("tokenStore");
    expect(platform.calls).toEqual([]);
  });
});

describe("getFreshSession", () => {
  it("returns the stored pair while its token is valid beyond the margin, and refreshes it otherwise", async () => {
    const platform = fakePlatform();
    const store = await storeWith(pair(0));
    await refreshStoredSession(platform, store, "user-42");
    const expiresAt = Date.parse(pair(1).sessionExpiresAt);
    const at = (ms: number) => () => new Date(expiresAt - ms);
    expect(await getFreshSession(platform, store, "user-42", { now: at(61_000) })).toEqual(pair(1));
    expect(platform.calls).toHaveLength(1);
    expect(await getFreshSession(platform, store, "user-42", { now: at(59_000) })).toEqual(pair(2));
    expect(await getFreshSession(platform, store, "user-42", { now: at(-1), minValiditySec: 0 })).toEqual(
      pair(2),
    );
    expect(platform.calls).toHaveLength(2);
  });

  it("rejects with NoStoredSessionError for an unknown key", async () => {
    await expect(getFreshSession(fakePlatform(), createMemoryTokenStore(), "nobody")).rejects.toBeInstanceOf(
      NoStoredSessionError,
    );
  });
});

describe("with the partner client from credit-journey/client", () => {
  it("rotates through it, and turns its ApiError AUTH_INVALID_SESSION into a RefreshRefusedError", async () => {
    const sent: unknown[] = [];
    let reused = false;
    const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
      sent.push(JSON.parse(String(init?.body)));
      if (reused) {
        const errorBody = {
          requestID: "r-1",
          correlationID: "corr-1",
          timestamp: "2026-11-26T10:00:00.000Z",
          data: null,
          error: { code: "AUTH_INVALID_SESSION", message: "the refresh token was rotated out" },
        };
        return Response.json(errorBody, { status: 401 });
      }
      return Response.json({
        requestID: "r-0",
        correlationID: "corr-0",
        timestamp: "2026-11-26T10:00:00.000Z",
        data: { session: pair(1) },
        error: null,
      });
    };
    const client: SessionCreator & SessionRefresher = createPartnerClient({
      apiKey: "sk_test_abcdefgh1234",
      baseUrl: "http://127.0.0.1:1",
      fetch: fetch as typeof globalThis.fetch,
      retry: { maxRetries: 0 },
    }) satisfies PartnerClient;
    const store = await storeWith(pair(0));
    expect(await refreshStoredSession(client, store, "user-42")).toEqual(pair(1));
    expect(sent).toEqual([{ refreshToken: pair(0).refreshToken }]);
    reused = true;
    const error = await refreshStoredSession(client, store, "user-42").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshRefusedError);
    expect((error as Error).cause).toMatchObject({
      _tag: "ApiError",
      code: "AUTH_INVALID_SESSION",
      status: 401,
    });
    expect(await store.get("user-42")).toEqual(pair(1));
  });
});

describe("isRefreshRefused", () => {
  it("recognises the platform's AUTH_INVALID_SESSION on an error, and nothing else", () => {
    expect(isRefreshRefused(problem("AUTH_INVALID_SESSION", 401))).toBe(true);
    expect(isRefreshRefused(problem("AUTH_INVALID_API_KEY", 401))).toBe(false);
    expect(isRefreshRefused(problem("INTERNAL", 503))).toBe(false);
    expect(isRefreshRefused("AUTH_INVALID_SESSION")).toBe(false);
    expect(isRefreshRefused(null)).toBe(false);
  });
});
