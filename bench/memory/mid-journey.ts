import { createBorrowerClient, createPartnerClient } from "../../src/client/index.js";
import { openJourney } from "../../src/client/journeys.js";
import type { JourneySnapshot, Profile } from "../../src/contract/index.js";
import { type JourneyState, journey } from "../../src/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { profileFixture } from "../../src/testing/fixtures.js";

/** A valid profile for the sandbox (a salaried 30-something), with `phone` as its contact number. */
export function benchProfile(phone: string, _at?: string): Profile {
  return profileFixture({ contactNumber: phone });
}

/**
 * A realistic mid-journey reducer state, built from the sandbox's real payloads: a happy journey taken through
 * profile, offers (the full journey loaded: offers and steps), the offer lock and the AA step, and left in
 * KYC_PENDING with a KYC `START` in flight. Every payload came over HTTP from a sandbox on a manual clock.
 * @throws {Error} when the sandbox does not move the journey as its happy scenario says.
 */
export async function midJourneyState(): Promise<JourneyState> {
  const sandbox = await startSandbox({ clock: "manual", seed: 7 });
  try {
    const now = () => sandbox.clock.now();
    const partner = createPartnerClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey });
    const created = await partner.createSession({ borrowerExternalID: "sbx-happy-memory" });
    const token = created.sessionToken;
    const borrower = createBorrowerClient({
      baseUrl: sandbox.url,
      getSessionToken: () => token,
      refreshSession: async () => token,
    });
    const { journeyID, snapshot: first } = await openJourney(borrower, created);
    let state = journey.initial({ journeyID, snapshot: first, at: now() });
    const apply = (snapshot: JourneySnapshot, source: "poll" | "response" = "poll") => {
      state = journey.reduce(state, { type: "snapshot.received", snapshot, source, at: now() }).state;
    };
    const poll = async () => {
      const result = await borrower.getJourneyState(journeyID);
      if (result.kind === "snapshot") apply(result.snapshot);
    };
    const mutate = async (
      intent: Parameters<typeof journey.reduce>[1],
      run: (key: string) => Promise<unknown>,
    ) => {
      const result = journey.reduce(state, intent);
      if (result.rejected) throw new Error(`${intent.type} refused: ${result.rejected.reason}`);
      state = result.state;
      const key = (intent as { idempotencyKey: string }).idempotencyKey;
      const answer = await run(key);
      state = journey.reduce(state, { type: "mutation.succeeded", idempotencyKey: key, at: now() }).state;
      if (answer && typeof answer === "object" && "asOf" in answer)
        apply(answer as JourneySnapshot, "response");
    };

    const profile = benchProfile("+919812345678", sandbox.clock.nowIso());
    await mutate(
      {
        type: "profile.submit",
        bureauConsent: true,
        profile,
        idempotencyKey: "idem-profile-0001",
        at: now(),
      },
      async (key) => {
        await borrower.upsertProfile(profile, { idempotencyKey: `${key}.upsert` });
        return borrower.submitProfile({ bureauConsent: true }, { idempotencyKey: `${key}.submit` });
      },
    );
    sandbox.clock.advance(1_000);
    await poll();
    sandbox.clock.advance(2_000);
    await poll();
    state = journey.reduce(state, {
      type: "journey.loaded",
      journey: await borrower.getJourney(journeyID),
      at: now(),
    }).state;
    const offerID = state.context.offers?.[0]?.id;
    if (!offerID) throw new Error("the sandbox made no offers");
    await mutate({ type: "offer.select", offerID, idempotencyKey: "idem-offer-0001", at: now() }, (key) =>
      borrower.proceedOffer(journeyID, offerID, { idempotencyKey: key }),
    );
    sandbox.clock.advance(1_000);
    await poll();
    sandbox.control.completeStep(journeyID);
    sandbox.clock.advance(1_000);
    await poll();
    if (state.context.snapshot?.status !== "KYC_PENDING") {
      throw new Error(`expected KYC_PENDING, got ${state.context.snapshot?.status}`);
    }
    const stepID = state.context.snapshot.actionRequired?.stepID;
    if (!stepID) throw new Error("KYC_PENDING without a step id");
    const started = journey.reduce(state, {
      type: "step.start",
      stepID,
      idempotencyKey: "idem-kyc-start-0001",
      at: now(),
    });
    if (started.rejected) throw new Error(`step.start refused: ${started.rejected.reason}`);
    return started.state;
  } finally {
    await sandbox.close();
  }
}
