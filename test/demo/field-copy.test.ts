/** The web app words field errors for borrowers from their codes, never with the validator's words. */
import { describe, expect, it } from "vitest";
import { createBorrowerClient } from "../../src/client/index.js";
import { errorsFor, fieldMessage } from "../../src/demo/web/format.js";
import { profileFixture } from "../../src/testing/fixtures.js";

describe("field error copy", () => {
  it("words a pattern by its field, a missing value, a consent and a range, with no regex or 'Invalid input'", () => {
    expect(fieldMessage({ path: "pan", code: "pattern" })).toMatch(/^Enter your PAN .*ABCDE1234F/);
    expect(fieldMessage({ path: "data.ifsc", code: "pattern" })).toMatch(/IFSC, like HDFC0001234/);
    expect(fieldMessage({ path: "address.pincode", code: "format" })).toBe("Enter your 6-digit pincode.");
    expect(fieldMessage({ path: "panName", code: "required" })).toBe("Please fill this in.");
    expect(fieldMessage({ path: "bureauConsent", code: "enum" })).toMatch(/agree to the credit bureau check/);
    expect(fieldMessage({ path: "workProfile.income", code: "range" })).toMatch(/outside the range/);
    const raw = [
      { path: "data.accountNumber", message: "Account number must match ^[0-9]{9,18}$", code: "pattern" },
    ];
    expect(errorsFor(raw, "accountNumber")).toEqual(["Enter your account number: 9 to 18 digits."]);
  });

  it("gets a code for every field the client refuses to send, so the copy never falls back to raw messages", async () => {
    const client = createBorrowerClient({
      baseUrl: "http://127.0.0.1:9",
      getSessionToken: () => "t",
      refreshSession: async () => "t",
      fetch: async () => {
        throw new Error("nothing is sent");
      },
    });
    type Refused = { code: string; errors: { path: string; code?: string; message: string }[] };
    const error = (await client.upsertProfile({ ...profileFixture(), pan: "BAD-PAN", panName: "" }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Refused;
    expect(error.code).toBe("INVALID_REQUEST");
    const byPath = Object.fromEntries(error.errors.map((e) => [e.path, e.code]));
    expect(byPath).toMatchObject({ pan: "pattern", panName: "required" });
    for (const e of error.errors) expect(fieldMessage(e)).not.toMatch(/\^|\$|Invalid input/);
  });
});
