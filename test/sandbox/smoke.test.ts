import { afterEach, describe, expect, it } from "vitest";
import { openSession, type Sandbox, startManual, TestClient, toDisbursed } from "./helpers.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe("smoke", () => {
  it("runs a happy journey to DISBURSED", async () => {
    sandbox = await startManual();
    const client = new TestClient(sandbox);
    const { token, journeyId } = await openSession(client, "borrower-1");
    const end = await toDisbursed(client, token, journeyId);
    expect(end.status).toBe("DISBURSED");
    expect(client.violations).toEqual([]);
  });
});
