import { afterEach, describe, expect, it } from "vitest";
import { openSession, type Sandbox, startManual, TestClient } from "./helpers.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function setup() {
  // The refresh endpoint is a sandbox extension (the platform documents none), switched on for its tests.
  sandbox = await startManual({ extensions: { refreshEndpoint: true } });
  const client = new TestClient(sandbox);
  return { sandbox, client, ...(await openSession(client, "auth-borrower")) };
}

describe("credentials and scopes", () => {
  it("rejects a missing, malformed or unknown credential with 401 AUTH_INVALID_API_KEY or AUTH_INVALID_SESSION", async () => {
    const { client } = await setup();
    for (const token of [null, "nonsense", "sk_test_unknownunknown", "an-unknown-opaque-token"]) {
      const reply = await client.call("GET", "/journeys", { token });
      expect([reply.status, reply.body.error.code]).toEqual([401, "AUTH_INVALID_SESSION"]);
      const partner = await client.call("POST", "/sessions", {
        token,
        body: { borrowerExternalID: "x" },
      });
      expect([partner.status, partner.body.error.code]).toEqual([401, "AUTH_INVALID_API_KEY"]);
    }
    expect(client.violations).toEqual([]);
  });

  it("forbids the API key on borrower endpoints and the session token on partner endpoints", async () => {
    const { client, sandbox, token, refreshToken, journeyID } = await setup();
    const asPartner = await client.call("GET", `/journeys/${journeyID}/offers`, { token: sandbox.apiKey });
    expect([asPartner.status, asPartner.body.error.code]).toEqual([401, "AUTH_INVALID_SESSION"]);
    const listAsPartner = await client.call("GET", "/journeys", { token: sandbox.apiKey });
    expect([listAsPartner.status, listAsPartner.body.error.code]).toEqual([401, "AUTH_INVALID_SESSION"]);
    const asBorrower = await client.call("POST", "/sessions", {
      token,
      body: { borrowerExternalID: "x" },
    });
    expect([asBorrower.status, asBorrower.body.error.code]).toEqual([401, "AUTH_INVALID_API_KEY"]);
    const refreshAsBorrower = await client.call("POST", "/sessions/refresh", {
      token,
      body: { refreshToken },
    });
    expect([refreshAsBorrower.status, refreshAsBorrower.body.error.code]).toEqual([
      401,
      "AUTH_INVALID_API_KEY",
    ]);
    const refreshTokenAsBearer = await client.call("GET", `/journeys/${journeyID}/state`, {
      token: refreshToken,
    });
    // Not an API key, on an endpoint both may read: refused as a session, like every other non-key bearer.
    expect([refreshTokenAsBearer.status, refreshTokenAsBearer.body.error.code]).toEqual([
      401,
      "AUTH_INVALID_SESSION",
    ]);
    expect(client.violations).toEqual([]);
  });

  it("lets both the API key and the borrower read the journey and its state (partnerRead)", async () => {
    const { client, sandbox, token, journeyID } = await setup();
    expect((await client.call("GET", `/journeys/${journeyID}`, { token: sandbox.apiKey })).status).toBe(200);
    expect((await client.call("GET", `/journeys/${journeyID}/state`, { token })).status).toBe(200);
    expect(client.violations).toEqual([]);
  });

  it("hides another borrower's journey (404 NOT_FOUND)", async () => {
    const { client, journeyID } = await setup();
    const other = await openSession(client, "someone-else");
    const reply = await client.call("GET", `/journeys/${journeyID}`, { token: other.token });
    expect([reply.status, reply.body.error.code]).toEqual([404, "NOT_FOUND"]);
  });

  it("expires the session token after 15 sandbox minutes (401 AUTH_INVALID_SESSION), and on control", async () => {
    const { client, sandbox, token, journeyID } = await setup();
    sandbox.clock.advance(14 * 60_000);
    expect((await client.call("GET", `/journeys/${journeyID}/state`, { token })).status).toBe(200);
    sandbox.clock.advance(60_000);
    const late = await client.call("GET", `/journeys/${journeyID}/state`, { token });
    expect([late.status, late.body.error.code]).toEqual([401, "AUTH_INVALID_SESSION"]);
    const fresh = await openSession(client, "auth-borrower");
    sandbox.control.expireToken(fresh.token);
    expect((await client.call("GET", "/journeys", { token: fresh.token })).body.error.code).toBe(
      "AUTH_INVALID_SESSION",
    );
  });
});

describe("refresh-token rotation", () => {
  it("rotates: a new pair each time, the old refresh token no longer current", async () => {
    const { client, refreshToken, journeyID } = await setup();
    const first = await client.call("POST", "/sessions/refresh", { body: { refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.session.refreshToken).not.toBe(refreshToken);
    const newToken = first.body.session.sessionToken;
    expect((await client.call("GET", `/journeys/${journeyID}/state`, { token: newToken })).status).toBe(200);
    const second = await client.call("POST", "/sessions/refresh", {
      body: { refreshToken: first.body.session.refreshToken },
    });
    expect(second.status).toBe(200);
    expect(client.violations).toEqual([]);
  });

  it("returns the current pair for the previous token within the 10 s grace window", async () => {
    const { client, sandbox, refreshToken } = await setup();
    const first = await client.call("POST", "/sessions/refresh", { body: { refreshToken } });
    sandbox.clock.advance(9_000);
    const retry = await client.call("POST", "/sessions/refresh", { body: { refreshToken } });
    expect(retry.status).toBe(200);
    expect(retry.body.session).toEqual(first.body.session);
  });

  it("revokes the family when the previous token comes back after the grace window", async () => {
    const { client, sandbox, refreshToken } = await setup();
    const first = await client.call("POST", "/sessions/refresh", { body: { refreshToken } });
    sandbox.clock.advance(11_000);
    const reuse = await client.call("POST", "/sessions/refresh", { body: { refreshToken } });
    expect([reuse.status, reuse.body.error.code]).toEqual([401, "AUTH_INVALID_SESSION"]);
    const current = await client.call("POST", "/sessions/refresh", {
      body: { refreshToken: first.body.session.refreshToken },
    });
    expect([current.status, current.body.error.code]).toEqual([401, "AUTH_INVALID_SESSION"]);
    const revokedSession = await client.call("GET", "/journeys", { token: first.body.session.sessionToken });
    expect(revokedSession.status).toBe(401);
  });

  it("revokes the family when an older token than the previous one is presented", async () => {
    const { client, refreshToken } = await setup();
    const a = await client.call("POST", "/sessions/refresh", { body: { refreshToken } });
    await client.call("POST", "/sessions/refresh", { body: { refreshToken: a.body.session.refreshToken } });
    const reuse = await client.call("POST", "/sessions/refresh", { body: { refreshToken } });
    expect(reuse.body.error.code).toBe("AUTH_INVALID_SESSION");
  });

  it("lets the refresh token itself authorise its own refresh, and nothing else", async () => {
    const { client, refreshToken } = await setup();
    const self = await client.call("POST", "/sessions/refresh", {
      token: refreshToken,
      body: { refreshToken },
    });
    expect(self.status).toBe(200);
    const other = await client.call("POST", "/sessions/refresh", {
      token: self.body.session.refreshToken,
      body: { refreshToken },
    });
    expect([other.status, other.body.error.code]).toEqual([401, "AUTH_INVALID_SESSION"]);
  });

  it("answers 401 AUTH_INVALID_SESSION for an expired refresh token", async () => {
    const { client, sandbox, refreshToken } = await setup();
    sandbox.control.expireToken(refreshToken);
    const reply = await client.call("POST", "/sessions/refresh", { body: { refreshToken } });
    expect(reply.body.error.code).toBe("AUTH_INVALID_SESSION");
  });
});
