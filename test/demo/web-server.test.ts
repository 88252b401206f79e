/** The web app's one origin refuses request targets that are no path of its own, and stays up. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebApp, type WebApp } from "../../src/demo/web/server.js";
import { rawStatus } from "./raw-request.js";

let app: WebApp;
beforeAll(async () => {
  app = await startWebApp();
});
afterAll(async () => {
  await app?.close();
});

describe("startWebApp", () => {
  it("answers a target that is no path (or whose escapes are not UTF-8) 400, and goes on serving", async () => {
    // `//[` once threw in the request listener and took the process (sandbox and backend too) down.
    for (const target of ["//[", "http://[", `//127.0.0.1:1/api/v1/headless/sessions`, "/%E0%A4%A"])
      expect(await rawStatus(app.url, target), target).toBe(400);
    const page = await fetch(`${app.url}/return`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
  });
});
