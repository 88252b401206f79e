import { describe, expect, it } from "vitest";
import {
  ContractError,
  type CreateSessionRequest,
  type CreateSessionResponse,
} from "../../../src/contract/index.js";
import {
  bootstrapSession,
  createMemoryTokenStore,
  type PartnerCallOptions,
} from "../../../src/server/index.js";
import { createSessionResponseFixture, sessionFixture } from "../../../src/testing/fixtures.js";

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
  it("sends the documented body [L4] with the call options, stores the pair and keeps the refresh token from the app", async () => {
    const partner = fakePartner();
    const tokenStore = createMemoryTokenStore();
    const result = await bootstrapSession(
      partner,
      {
        borrowerExternalID: "user-42",
        journeyType: "PERSONAL_LOAN",
        profile: { contactNumber: "9876543210" },
      },
      {
        returnUrl: "https://partner.example/return",
        idempotencyKey: "idem-1",
        correlationID: "corr-1",
        tokenStore,
      },
    );
    expect(partner.calls).toEqual([
      {
        body: {
          borrowerExternalID: "user-42",
          journeyType: "PERSONAL_LOAN",
          profile: { contactNumber: "9876543210" },
          returnUrl: "https://partner.example/return",
        },
        options: { idempotencyKey: "idem-1", correlationID: "corr-1" },
      },
    ]);
    const expected = createSessionResponseFixture();
    expect(result.session).toEqual(sessionFixture());
    expect(result.borrowerID).toBe(expected.borrowerID);
    expect(result.activeJourney).toBeNull();
    expect(result.appContext).toEqual({
      borrowerID: expected.borrowerID,
      borrowerExternalID: "user-42",
      sessionToken: expected.sessionToken,
      sessionExpiresAt: expected.sessionExpiresAt,
      activeJourney: null,
      journeyType: "PERSONAL_LOAN",
    });
    expect(await tokenStore.get("user-42")).toEqual(sessionFixture());
  });

  it("keeps the refresh token out of the app by default, also without a token store", async () => {
    const result = await bootstrapSession(fakePartner(), { borrowerExternalID: "user-42" });
    expect(result.appContext).not.toHaveProperty("refreshToken");
    expect(result.appContext).not.toHaveProperty("refreshExpiresAt");
    expect(JSON.stringify(result.appContext)).not.toContain(sessionFixture().refreshToken);
  });

  it("hands the refresh token to the app only under app custody, and reports the active journey", async () => {
    const active = {
      journeyID: "b7bb465b-135e-4ffd-9c7f-0d43f7ee43d9",
      status: "OFFERS_AVAILABLE",
      nextAction: "VIEW_OFFERS",
    };
    const partner = fakePartner(() => ({ ...createSessionResponseFixture(), activeJourney: active }));
    const result = await bootstrapSession(
      partner,
      { borrowerExternalID: "user-42" },
      { refreshTokenCustody: "app" },
    );
    expect(result.activeJourney).toEqual(active);
    expect(result.appContext).toMatchObject({
      activeJourney: active,
      refreshToken: sessionFixture().refreshToken,
      refreshExpiresAt: sessionFixture().refreshExpiresAt,
    });
  });

  it("stores under a chosen key", async () => {
    const tokenStore = createMemoryTokenStore();
    await bootstrapSession(
      fakePartner(),
      { borrowerExternalID: "user-42" },
      { tokenStore, tokenKey: "tenant-a:user-42" },
    );
    expect(await tokenStore.get("tenant-a:user-42")).toBeDefined();
    expect(await tokenStore.get("user-42")).toBeUndefined();
  });

  it("refuses an invalid borrower with a ContractError naming the field, without calling the platform", async () => {
    const partner = fakePartner();
    for (const blank of ["", "   ", "\t"]) {
      const error = await bootstrapSession(partner, { borrowerExternalID: blank }).catch((e: unknown) => e);
      expect(error, JSON.stringify(blank)).toBeInstanceOf(ContractError);
      expect((error as ContractError).issues.map((i) => i.path)).toEqual(["borrowerExternalID"]);
    }
    // Two holders of the one rotating refresh token: whichever refreshes second holds a used one.
    const twice = await bootstrapSession(
      partner,
      { borrowerExternalID: "u" },
      { refreshTokenCustody: "app", tokenStore: createMemoryTokenStore() },
    ).catch((e: unknown) => e);
    expect((twice as ContractError).issues.map((i) => i.path)).toEqual(["refreshTokenCustody"]);
    const badUrl = await bootstrapSession(partner, { borrowerExternalID: "u" }, { returnUrl: "nope" }).catch(
      (e: unknown) => e,
    );
    expect((badUrl as ContractError).issues.map((i) => i.path)).toEqual(["returnUrl"]);
    expect(partner.calls).toEqual([]);
  });

  it("refuses an answer that breaks the contract, storing nothing", async () => {
    const tokenStore = createMemoryTokenStore();
    const partner = fakePartner(() => ({ ...createSessionResponseFixture(), sessionToken: "" }));
    const error = await bootstrapSession(partner, { borrowerExternalID: "user-42" }, { tokenStore }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).issues.map((i) => i.path)).toEqual(["sessionToken"]);
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
