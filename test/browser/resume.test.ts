/**
 * A reload mid-journey resumes on the right screen: the app re-bootstraps its session with its saved app token
 * (the backend resumes the open journey, no new sign-in) and restores the runtime from its persisted state, then
 * carries on through a hosted page.
 */
import { expect, it } from "vitest";
import {
  onScreen,
  SCREEN_TIMEOUT_MS,
  screenshotAtBothWidths,
  signInAs,
  submitProfileAndWaitForOffers,
} from "./support/app.js";
import { browserSessionForFile } from "./support/session.js";

const session = browserSessionForFile();

it("reloading on a step comes back to that step of the same journey, which then completes", async () => {
  const page = await session.browser.context.newPage();
  const borrowerExternalID = `sbx-happy-reload-${Date.now().toString(36)}`;
  await signInAs(page, session.app.url, borrowerExternalID);
  const journeyID = await page.locator("main").getAttribute("data-journey-id");
  await submitProfileAndWaitForOffers(page);
  await page.locator("article.offer button").first().click();
  await onScreen(page, "bankStatements");
  await page.getByRole("button", { name: "Start" }).click();
  const redirect = page.getByTestId("redirect");
  await redirect.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  const linkBefore = await redirect.getAttribute("href");
  const persisted = await page.evaluate(
    (id) => JSON.parse(localStorage.getItem(`credit-journey-demo:journey:${id}`) ?? "null"),
    journeyID,
  );
  expect(persisted?.context?.snapshot?.status).toBe("AA_REQUIRED");

  await page.reload();
  await onScreen(page, "bankStatements");
  expect(await page.locator("main").getAttribute("data-journey-id")).toBe(journeyID);
  // The restored state still holds the step's hosted link: no new consent, no new journey.
  await redirect.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  expect(await redirect.getAttribute("href")).toBe(linkBefore);
  await screenshotAtBothWidths(page, "16-resumed-after-reload");
  const journeys = session.app.sandbox.control
    .journeys()
    .filter((j) => j.journey.borrower.borrowerExternalID === borrowerExternalID);
  expect(journeys.map((j) => j.journey.journeyID)).toEqual([journeyID]);
  expect(journeys[0]?.consents).toHaveLength(1);

  await redirect.click();
  await page.waitForURL(/\/hosted\/r\//, { timeout: SCREEN_TIMEOUT_MS });
  await page.getByRole("button", { name: "Complete" }).click();
  await onScreen(page, "kyc");
  await page.close();
});
