import { afterEach, describe, expect, it } from "vitest";
import {
  openSession,
  pressHosted,
  type Sandbox,
  startManual,
  TestClient,
  toDisbursed,
  toOffers,
} from "./helpers.js";
import { startReceiver } from "./receiver.js";

let sandbox: Sandbox | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sandbox?.close();
  await receiver?.close();
  sandbox = undefined;
  receiver = undefined;
});

/** Keys and values that belong to the provider network, never to public payloads. */
const FORBIDDEN =
  /"(transaction_?id|transactionId|message_?id|messageId|bpp_?id|bap_?id|bpp_uri|bap_uri|subscriber_?id|context|xinput|fulfillment|provider_?id)"\s*:|\b(on_search|on_select|on_init|on_confirm|on_status|ondc)\b/i;

describe("public payloads", () => {
  it("carry no provider-network internals in any response or webhook body", async () => {
    receiver = await startReceiver();
    sandbox = await startManual({ webhooks: [{ url: receiver.url }] });
    const client = new TestClient(sandbox);
    const happy = await openSession(client, "scan-happy");
    await toDisbursed(client, happy.token, happy.journeyID);
    for (const path of ["", "/state", "/offers", "/loan", "/loan/schedule"])
      await client.call("GET", `/journeys/${happy.journeyID}${path}`, { token: happy.token });
    const locked = (await client.call("GET", `/journeys/${happy.journeyID}/state`, { token: happy.token }))
      .body;
    await client.call("GET", `/offers/${locked.lockedOfferID}/steps`, { token: happy.token });
    const quote = await client.call("POST", `/journeys/${happy.journeyID}/loan/foreclosure`, {
      token: happy.token,
    });
    await pressHosted(quote.body.resource.url);
    const rejected = await openSession(client, "sbx-rejected-scan");
    await toOffers(client, rejected.token, rejected.journeyID);
    await client.call("GET", "/journeys/jrn_missing", { token: happy.token });
    await client.call("POST", "/sessions/refresh", { body: { refreshToken: happy.refreshToken } });
    await sandbox.control.settle();

    const bodies = [...client.bodies, ...receiver.received.map((r) => r.raw)];
    expect(bodies.length).toBeGreaterThan(40);
    expect(receiver.received.length).toBeGreaterThan(10);
    const leaks = bodies.filter((b) => FORBIDDEN.test(b));
    expect(leaks).toEqual([]);
    // Webhooks carry the thin journey only (journeyID, status, nextAction): no diagnostics, steps or offers.
    for (const { raw } of receiver.received) {
      const body = JSON.parse(raw);
      expect(Object.keys(body.borrower).sort()).toEqual(["borrowerExternalID", "journeys"]);
      for (const journey of body.borrower.journeys)
        expect(Object.keys(journey).sort()).toEqual(["journeyID", "nextAction", "status"]);
      expect(raw).not.toMatch(
        /"(diagnostics|actionRequired|resource|offerCount|lockedOfferID|updatedAt|expiresAt|offers|steps|profile)"/,
      );
    }
    // The scanner itself catches a leak.
    expect(FORBIDDEN.test('{"context":{"transaction_id":"t"}}')).toBe(true);
    expect(client.violations).toEqual([]);
  });
});
