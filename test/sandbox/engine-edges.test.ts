/**
 * Edges of the sandbox engine where it must behave as the platform's lifecycle allows: final offer statuses stay
 * final, DISBURSED is followed only by CLOSED, and hosted links cannot be guessed from the seed.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  openSession,
  type Sandbox,
  startManual,
  stateOf,
  TestClient,
  toDisbursed,
  toOffers,
} from "./helpers.js";

const started: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function setup(borrowerExternalID: string) {
  const sandbox = await startManual();
  started.push(sandbox);
  const client = new TestClient(sandbox);
  return { sandbox, client, ...(await openSession(client, borrowerExternalID)) };
}

describe("sandbox engine edges", () => {
  it("proceeding with an offer blocks the others still open; one that lapsed stays EXPIRED", async () => {
    const { sandbox, client, token, journeyID } = await setup("sbx-offers-expire-1");
    await toOffers(client, token, journeyID);
    const before = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    const first = before.reduce((a: { expiresAt: string }, b: { expiresAt: string }) =>
      Date.parse(a.expiresAt) <= Date.parse(b.expiresAt) ? a : b,
    );
    sandbox.clock.advance(Date.parse(first.expiresAt) - sandbox.clock.now() + 1);
    const lapsed = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    const open = lapsed.filter((o: { status: string }) => o.status === "AVAILABLE");
    expect(lapsed.some((o: { status: string }) => o.status === "EXPIRED")).toBe(true);
    expect(open.length).toBeGreaterThan(1);
    const chosen = open[0];
    expect(
      (await client.call("POST", `/journeys/${journeyID}/offers/${chosen.id}/proceed`, { token })).status,
    ).toBe(202);
    const after = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
    for (const offer of after) {
      const was = lapsed.find((o: { id: string }) => o.id === offer.id).status;
      expect(offer.status, offer.id).toBe(
        offer.id === chosen.id ? "SELECTED" : was === "EXPIRED" ? "EXPIRED" : "BLOCKED",
      );
    }
  });

  it("control expire refuses a DISBURSED journey (only CLOSED follows it), and leaves it and its loan as they were", async () => {
    const { sandbox, client, token, journeyID } = await setup("sbx-happy-1");
    expect((await toDisbursed(client, token, journeyID)).status).toBe("DISBURSED");
    expect(() => sandbox.control.expireJourney(journeyID)).toThrow(/DISBURSED/);
    expect((await stateOf(client, token, journeyID)).status).toBe("DISBURSED");
    expect(sandbox.control.journey(journeyID).loanStatus).toBe("ACTIVE");
  });

  it("hosted links are unguessable: two sandboxes on the same seed issue different link tokens", async () => {
    const linkOf = async () => {
      const { client, token, journeyID } = await setup("sbx-no-aa-1");
      await toOffers(client, token, journeyID);
      const offers = (await client.call("GET", `/journeys/${journeyID}/offers`, { token })).body.offers;
      await client.call("POST", `/journeys/${journeyID}/offers/${offers[0].id}/proceed`, { token });
      client.sandbox.clock.advance(1000);
      const state = await stateOf(client, token, journeyID);
      return { journeyID, url: String(state.actionRequired.resource.url) };
    };
    const one = await linkOf();
    const two = await linkOf();
    // The same seed gives the same journey ids, but never the same capability URL.
    expect(one.journeyID).toBe(two.journeyID);
    expect(new URL(one.url).pathname).not.toBe(new URL(two.url).pathname);
  });

  it("refuses a session bootstrap whose prefill PUT /profile would refuse (400 naming each field), and stores none of it", async () => {
    const sandbox = await startManual();
    started.push(sandbox);
    const client = new TestClient(sandbox);
    const refused = await client.call("POST", "/sessions", {
      body: {
        borrowerExternalID: "sbx-happy-prefill",
        profile: { pan: "not-a-pan", contactNumber: "hello", personalemail: "nope" },
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("VALIDATION_FAILED");
    expect(refused.text).toContain("profile.pan");
    expect(refused.text).toContain("profile.contactNumber");
    expect(refused.text).toContain("profile.personalemail");
    // The same borrower, bootstrapped without it, has nothing of the refused prefill.
    const { token } = await openSession(client, "sbx-happy-prefill");
    const profile = await client.call("GET", "/profile", { token });
    expect(profile.status).toBe(200);
    expect(JSON.stringify(profile.body)).not.toContain("not-a-pan");
  });
});
