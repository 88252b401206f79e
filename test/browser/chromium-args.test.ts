import { describe, expect, it } from "vitest";
import { chromiumArgs, chromiumExecutable } from "./support/chromium.js";

describe("the tests' Chromium", () => {
  it("drops the package's Lambda-only flags (one process, no web security) and runs headless on a closed network", () => {
    const args = chromiumArgs([
      "--single-process",
      "--no-zygote",
      "--disable-web-security",
      "--disable-features=IsolateOrigins,site-per-process",
      "--headless='shell'",
      "--use-angle=swiftshader",
    ]);
    expect(args).not.toContain("--single-process");
    expect(args).not.toContain("--disable-web-security");
    expect(args.some((flag) => flag.startsWith("--disable-features="))).toBe(false);
    expect(args).toContain("--use-angle=swiftshader");
    expect(args).toContain("--disable-background-networking");
    expect(args.filter((flag) => flag.startsWith("--headless"))).toEqual(["--headless"]);
  });

  it("is the binary @sparticuz/chromium unpacks, unless CHROMIUM_PATH names another", async () => {
    const saved = process.env.CHROMIUM_PATH;
    try {
      process.env.CHROMIUM_PATH = "/opt/my/chromium";
      expect(await chromiumExecutable()).toBe("/opt/my/chromium");
      delete process.env.CHROMIUM_PATH;
      expect(await chromiumExecutable()).toMatch(/chromium$/);
      expect(await chromiumExecutable()).not.toBe("/usr/bin/chromium");
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });
});
