import { describe, expect, it } from "vitest";
import {
  ContractError,
  type CreateSessionRequest,
  type CreateSessionResponse,
} from "../../../src/contract/index.js";
import {
  bootstrapSession,
  createMemoryJourneyStore,
  createMemoryTokenStore,
  type PartnerCallOptions,
} from "../../../src/server/index.js";
import {
  createSessionResponseFixture,
  sessionFixture,
  snapshotFixture,
} from "../../../src/testing/fixtures.js";

function fakePartner(answer: () => unknown = () => createSessionResponseFixture()) {
  const calls: { body: CreateSessionRequest; options: PartnerCallOptions | undefined }[] = [];
  return {
    calls,
    async createSession(body: CreateSessionRequest, options?: PartnerCallOptions) {
      calls.push({ body, options });
      return answer() as CreateSessionResponse;
    },
  };
}

describe("bootstrapSession", () => {
  it("sends the validated body and call options, stores the pair and keeps the refresh token from the app", async () => {
    const partner = fakePartner();
    const tokenStore = createMemoryTokenStore();
    const result = await bootstrapSession(
      partner,
      { borrowerExternalID: "user-42", phone: "+919876543210" },
      {
        journeyID: "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9",
        returnUrl: "https://partner.example/return",
        idempotencyKey: "idem-1",
        correlationID: "corr-1",
        tokenStore,
      },
    );
    expect(partner.calls).toEqual([
      {
        body: {
          borrower: { borrowerExternalID: "user-42", phone: "+919876543210" },
          journeyID: "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9",
          returnUrl: "https://partner.example/return",
        },
        options: { idempotencyKey: "idem-1", correlationID: "corr-1" },
      },
    ]);
    const expected = createSessionResponseFixture();
    expect(result.session).toEqual(expected.session);
    expect(result.journey).toEqual(expected.journey);
    expect(result.appContext).toEqual({
      token: expected.session.sessionToken,
      expiresAt: expected.session.sessionExpiresAt,
      journeyID: expected.journey.journeyID,
      resumed: expected.resumed,
    });
    expect(await tokenStore.get("user-42")).toEqual(expected.session);
  });

  it("hands the refresh token to the app under app custody, and reports a resumed journey", async () => {
    const partner = fakePartner(() => ({ ...createSessionResponseFixture(), resumed: true }));
    const result = await bootstrapSession(partner, { borrowerExternalID: "user-42" });
    expect(result.resumed).toBe(true);
    expect(result.appContext).toMatchObject({
      resumed: true,
      refreshToken: sessionFixture().refreshToken,
      refreshExpiresAt: sessionFixture().refreshExpiresAt,
    });
  });

  it("stores under a chosen key, and seeds the journey store with the snapshot", async () => {
    const tokenStore = createMemoryTokenStore();
    const journeyStore = createMemoryJourneyStore();
    await bootstrapSession(
      fakePartner(),
      { borrowerExternalID: "user-42" },
      { tokenStore, tokenKey: "tenant-a:user-42", journeyStore },
    );
    expect(await tokenStore.get("tenant-a:user-42")).toBeDefined();
    expect(await tokenStore.get("user-42")).toBeUndefined();
    expect((await journeyStore.get(createSessionResponseFixture().journey.journeyID))?.snapshot).toEqual(
      createSessionResponseFixture().journey,
    );
  });

  it("refuses an invalid borrower with a ContractError naming the field, without calling the platform", async () => {
    const partner = fakePartner();
    const error = await bootstrapSession(partner, { borrowerExternalID: "user-42", phone: "98765" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).issues.map((i) => i.path)).toEqual(["borrower.phone"]);
    const badJourney = await bootstrapSession(partner, { borrowerExternalID: "u" }, { journeyID: "" }).catch(
      (e: unknown) => e,
    );
    expect((badJourney as ContractError).issues.map((i) => i.path)).toEqual(["journeyID"]);
    expect(partner.calls).toEqual([]);
  });

  it("refuses an answer that breaks the contract, storing nothing", async () => {
    const tokenStore = createMemoryTokenStore();
    const partner = fakePartner(() => ({
      ...createSessionResponseFixture(),
      journey: snapshotFixture({ version: 0 }),
    }));
    const error = await bootstrapSession(partner, { borrowerExternalID: "user-42" }, { tokenStore }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).issues.map((i) => i.path)).toEqual(["journey.version"]);
    expect(await tokenStore.get("user-42")).toBeUndefined();
  });

  it("passes the partner client's failure through unchanged, storing nothing", async () => {
    const tokenStore = createMemoryTokenStore();
    const failure = {
      _tag: "ApiError",
      code: "RATE_LIMITED",
      status: 429,
      retryable: true,
      message: "slow down",
    };
    const partner = fakePartner(() => {
      throw failure;
    });
    await expect(bootstrapSession(partner, { borrowerExternalID: "user-42" }, { tokenStore })).rejects.toBe(
      failure,
    );
    expect(await tokenStore.get("user-42")).toBeUndefined();
  });
});
