import { afterEach, describe, expect, it } from "vitest";
import { createJourney, type JourneyRuntime } from "../../src/runtime/index.js";
import { type Harness, startHarness } from "./support/harness.js";
import { playBorrower, type ScriptLog } from "./support/script.js";

let harness: Harness | undefined;
const runtimes: JourneyRuntime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) r.stop();
  await harness?.close();
  harness = undefined;
});

describe("the runtime over real HTTP against the sandbox", () => {
  it("takes a scripted borrower to DISBURSED through every step type (REDIRECT on hosted pages, FORM, DOCUMENT)", async () => {
    harness = await startHarness();
    const borrower = await harness.borrower("sbx-happy-1");
    const runtime = createJourney({
      client: borrower.client,
      journeyId: borrower.journeyId,
      initial: borrower.snapshot,
      clock: harness.clock,
    });
    runtimes.push(runtime);
    runtime.start();
    const log: ScriptLog = { moves: [] };
    const view = await playBorrower(harness, runtime, borrower.journeyId, { log });
    console.log(log.moves.join("\n"));
    expect(view.status).toBe("DISBURSED");
  });
});
