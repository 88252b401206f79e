/** A scripted borrower client for runtime unit tests: every call is recorded and answered by the test. */
import type { BorrowerClient } from "../../src/client/borrower-client.js";
import { ApiError } from "../../src/client/errors.js";
import type { JourneySnapshot } from "../../src/contract/index.js";
import { type CreateJourneyOptions, createJourney, createManualClock } from "../../src/runtime/index.js";
import { journeyFixture, offerFixture, snapshotFixture } from "../../src/testing/fixtures.js";

/** One recorded call. */
export interface Call {
  readonly method: string;
  readonly args: unknown[];
  readonly options: { idempotencyKey?: string; etag?: string; signal?: AbortSignal } | undefined;
}

/** A fake client whose state answers and mutation answers the test sets. */
export interface FakeClient {
  readonly client: BorrowerClient;
  readonly calls: Call[];
  /** The snapshot `getJourneyState` serves (304 when the caller's ETag matches its asOf). */
  state: JourneySnapshot;
  /** What the next mutations do, in order: a value to resolve with, or an error to reject with. */
  readonly mutationAnswers: Array<unknown | ApiError>;
}

/** An {@link ApiError} as the client would raise it. */
export function apiError(code: ApiError["code"], status: number | undefined): ApiError {
  return new ApiError({
    code,
    status,
    correlationID: "c",
    requestID: undefined,
    errors: [],
    retryAfterMs: undefined,
    endpoint: "x",
    message: code,
  });
}

/** Creates a {@link FakeClient} serving `state`. */
export function createFakeClient(state: JourneySnapshot = snapshotFixture()): FakeClient {
  const fake: FakeClient = { client: undefined as never, calls: [], state, mutationAnswers: [] };
  const record = (method: string, args: unknown[], options: Call["options"]) => {
    fake.calls.push({ method, args, options });
  };
  const mutate = async (method: string, args: unknown[], options: Call["options"]) => {
    record(method, args, options);
    const answer = fake.mutationAnswers.shift();
    if (answer instanceof ApiError) throw answer;
    return answer ?? fake.state;
  };
  const client: Partial<BorrowerClient> = {
    async getJourneyState(_id, options) {
      record("getJourneyState", [_id], options);
      const etag = `"${fake.state.asOf}"`;
      return options?.etag === etag
        ? { kind: "notModified", etag }
        : { kind: "snapshot", snapshot: fake.state, etag };
    },
    async getJourney(id, options) {
      record("getJourney", [id], options);
      return journeyFixture({
        ...fake.state,
        offers: [offerFixture(), offerFixture({ id: "ofr_fixture02" })],
      });
    },
    // The upsert always succeeds here: `mutationAnswers` script the intent's outcome, i.e. the submit's.
    async upsertProfile(profile, o) {
      record("upsertProfile", [profile], o);
      return profile;
    },
    submitProfile: (request, o) => mutate("submitProfile", [request], o) as never,
    proceedOffer: (id, offerID, o) => mutate("proceedOffer", [id, offerID], o) as never,
    stepAction: (id, stepID, action, o) => mutate("stepAction", [id, stepID, action], o) as never,
    createConsent: (id, o) => mutate("createConsent", [id], o) as never,
    resumeJourney: (id, o) => mutate("resumeJourney", [id], o) as never,
  };
  (fake as { client: BorrowerClient }).client = client as BorrowerClient;
  return fake;
}

/** Lets every pending promise reaction run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/**
 * A short scripted run of a runtime at `PROFILE_REQUIRED`: started, a profile submitted, an offer sent while that
 * mutation is in flight (refused), the platform moved to `PROFILE_SUBMITTED` and polled; then stopped. `options`
 * add to `createJourney`'s (a listener, say); `mutationAnswers` are the fake's answers to the mutations in order.
 */
export async function profileSubmitRun(
  options: Partial<CreateJourneyOptions>,
  mutationAnswers: unknown[] = [],
): Promise<FakeClient> {
  const state = snapshotFixture({ asOf: 5, status: "PROFILE_REQUIRED", nextAction: "SUBMIT_PROFILE" });
  const fake = createFakeClient(state);
  fake.mutationAnswers.push(...mutationAnswers);
  const runtime = createJourney({
    client: fake.client,
    journeyID: state.journeyID,
    initial: state,
    clock: createManualClock(1_000),
    ...options,
  });
  runtime.start();
  await flush();
  runtime.send({ type: "profile.submit", bureauConsent: true, profile: {} as never });
  runtime.send({ type: "offer.select", offerID: "ofr_fixture01" });
  await flush();
  fake.state = snapshotFixture({ asOf: 9, status: "PROFILE_SUBMITTED", nextAction: "WAIT" });
  runtime.refresh();
  await flush();
  runtime.stop();
  return fake;
}
