import fc from "fast-check";
import { describe, it } from "vitest";
import { journey, pollCadence } from "../../src/journey/index.js";
import {
  cadenceBounds,
  cadenceInReducer,
  convergence,
  endsAbsorbing,
  idempotency,
  monotonic,
  offerLock,
  RUNS,
  robustness,
  serverAuthority,
  tiesRefetched,
} from "../journey/properties.js";

// fc.assert reports the seed and the counterexample's path on failure, so a run can be replayed.
const options = { numRuns: RUNS };

describe("journey invariants (DESIGN.md 1–8) hold for journey.reduce", () => {
  it("1. convergence: any delivery schedule ends in the state of the latest asOf delivered", () => {
    fc.assert(convergence(journey.reduce), options);
  });
  it("2. monotonic: the order key never decreases; stale and duplicate snapshots change nothing, re-reads only the key", () => {
    fc.assert(monotonic(journey.reduce), options);
  });
  it("3. ends are absorbing: no status change and no polling after an end", () => {
    fc.assert(endsAbsorbing(journey.reduce), options);
  });
  it("4. offer lock: at most one offer proceeded, a refused selection says why", () => {
    fc.assert(offerLock(journey.reduce), options);
  });
  it("5. idempotency: every mutation has a key and a key always names the same request", () => {
    fc.assert(idempotency(journey.reduce), options);
  });
  it("6. robustness: any JSON as a snapshot or journey never throws and leaves the state unchanged", () => {
    fc.assert(robustness(journey.reduce), options);
  });
  it("7a. cadence policy: inside the seed's bounds, slower when hidden or pushed, Retry-After respected", () => {
    fc.assert(cadenceBounds(pollCadence), options);
  });
  it("7b. cadence in the reducer: the armed interval fits the state's band; no polling once ended", () => {
    fc.assert(cadenceInReducer(journey.reduce), options);
  });
  it("8. server authority: an unexpected edge is held, re-fetched, and applied once confirmed", () => {
    fc.assert(serverAuthority(journey.reduce), options);
  });
  it("8b. ties: another state at the held asOf is held and re-fetched, and the re-fetch decides", () => {
    fc.assert(tiesRefetched(journey.reduce), options);
  });
});
