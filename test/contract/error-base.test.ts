import { describe, expect, it } from "vitest";
import * as client from "../../src/client/index.js";
import * as contract from "../../src/contract/index.js";
import * as root from "../../src/index.js";
import * as runtime from "../../src/runtime/index.js";
import * as sandbox from "../../src/sandbox/index.js";
import * as server from "../../src/server/index.js";

const ENTRIES = { root, client, contract, runtime, sandbox, server };

/** Every exported class whose instances are errors. */
function errorClasses(): [string, new (...args: never[]) => Error][] {
  const found = new Map<string, new (...args: never[]) => Error>();
  for (const entry of Object.values(ENTRIES))
    for (const [name, value] of Object.entries(entry))
      if (
        typeof value === "function" &&
        value.prototype instanceof Error &&
        value !== root.CreditJourneyError
      )
        found.set(name, value as never);
  return [...found];
}

describe("one error base with one discriminant", () => {
  const classes = errorClasses();

  it("finds the SDK's error classes in its entries", () => {
    expect(classes.length).toBeGreaterThanOrEqual(20);
  });

  for (const [name, ErrorClass] of classes) {
    it(`${name}: ${name === "RawBodyLimitError" ? "a RangeError (an option out of range)" : "extends CreditJourneyError"}, its _tag its name`, () => {
      const tagged = Reflect.construct(ErrorClass, tagArgs(name)) as Error & { _tag?: string };
      if (name === "RawBodyLimitError") expect(tagged).toBeInstanceOf(RangeError);
      else expect(tagged).toBeInstanceOf(root.CreditJourneyError);
      expect(tagged._tag).toBe(name);
      expect(tagged.name).toBe(name);
    });
  }
});

/** Constructor arguments that build each error (most take a field or reason and a message). */
function tagArgs(name: string): unknown[] {
  switch (name) {
    case "ContractError":
      return ["JourneySnapshot", []];
    case "ApiError":
      return [{ code: "INTERNAL", message: "x" }];
    default:
      return ["field", "message", []];
  }
}
