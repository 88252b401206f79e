import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cadenceWithoutBands,
  pollingAfterEnd,
  withoutAbsorbingEnds,
  withoutEdgeCheck,
  withoutKeyCheck,
  withoutOfferLock,
  withoutOrderGuard,
  withoutSameStateCheck,
  withoutTieCheck,
  withoutValidation,
} from "../journey/broken-reducers.js";
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

/**
 * A property that must find a counterexample against a broken reducer (stops at the first one). Some breakages
 * need a rare interleaving (a key reused across two settled mutations turns up in ~1 of 300 runs), so the search
 * may go ten times further than a property run: a miss then means the property is blind, not unlucky.
 */
function fails(property: fc.IProperty<[unknown, ...unknown[]]> | fc.IProperty<never>): boolean {
  return fc.check(property as fc.IProperty<unknown[]>, { numRuns: RUNS * 10, endOnFailure: true }).failed;
}

describe("each invariant's property catches a reducer that breaks it", () => {
  it("1. convergence fails without the asOf guard", () => {
    expect(fails(convergence(withoutOrderGuard))).toBe(true);
  });
  it("2. monotonic fails without the asOf guard", () => {
    expect(fails(monotonic(withoutOrderGuard))).toBe(true);
  });
  it("2. monotonic fails when a re-read of the held state is taken as news", () => {
    expect(fails(monotonic(withoutSameStateCheck))).toBe(true);
  });
  it("3. ends absorbing fails when ends accept newer snapshots", () => {
    expect(fails(endsAbsorbing(withoutAbsorbingEnds))).toBe(true);
  });
  it("4. offer lock fails without the offer lock", () => {
    expect(fails(offerLock(withoutOfferLock))).toBe(true);
  });
  it("5. idempotency fails without the issued-key check", () => {
    expect(fails(idempotency(withoutKeyCheck))).toBe(true);
  });
  it("6. robustness fails with the throwing parser", () => {
    expect(fails(robustness(withoutValidation))).toBe(true);
  });
  it("7a. cadence bounds fail for a policy without bands", () => {
    expect(fails(cadenceBounds(cadenceWithoutBands))).toBe(true);
  });
  it("7b. cadence in the reducer fails when polling re-arms after the end", () => {
    expect(fails(cadenceInReducer(pollingAfterEnd))).toBe(true);
  });
  it("8. server authority fails when unexpected edges are applied blindly", () => {
    expect(fails(serverAuthority(withoutEdgeCheck))).toBe(true);
  });
  it("8b. ties fail when a tied state is trusted", () => {
    expect(fails(tiesRefetched(withoutTieCheck))).toBe(true);
  });
});
