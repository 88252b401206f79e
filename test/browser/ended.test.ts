/** The ends as the borrower sees them: rejected by every lender, and an application that expired. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startWebApp, type WebApp } from "../../src/demo/web/server.js";
import { onScreen, screenshot, signInAs } from "./support/app.js";
import { type Chromium, launchChromium } from "./support/chromium.js";

let app: WebApp;
let browser: Chromium;

beforeAll(async () => {
  [app, browser] = await Promise.all([startWebApp(), launchChromium()]);
});

afterAll(async () => {
  await Promise.all([browser?.close(), app?.close()]);
});

it("a declined borrower sees the rejected screen with its reason, then starts a new application that expires", async () => {
  const page = await browser.context.newPage();
  await signInAs(page, app.url, `sbx-rejected-${Date.now().toString(36)}`);
  await page.getByRole("button", { name: "Submit profile" }).click();
  await onScreen(page, "rejected");
  expect(await page.locator("main").textContent()).toMatch(/Underwriting declined/);
  await screenshot(page, "17-rejected");

  await page.getByRole("button", { name: "Start a new application" }).click();
  await signInAs(page, app.url, `sbx-happy-expire-${Date.now().toString(36)}`);
  const journeyId = (await page.locator("main").getAttribute("data-journey-id")) as string;
  app.sandbox.control.expireJourney(journeyId);
  await onScreen(page, "expired");
  expect(await page.getByRole("button", { name: "Start a new application" }).isVisible()).toBe(true);
  await screenshot(page, "18-expired");
  await page.close();
});
