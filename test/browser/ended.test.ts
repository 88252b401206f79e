/** The ends as the borrower sees them: rejected by every lender, and an application that expired. */
import { expect, it } from "vitest";
import {
  agreeToBureauCheck,
  expectNoHorizontalOverflow,
  onScreen,
  screenshotAtBothWidths,
  signInAs,
  WIDTHS,
} from "./support/app.js";
import { browserSessionForFile } from "./support/session.js";

const session = browserSessionForFile();

it("a declined borrower sees the rejected screen with its reason, then starts a new application that expires", async () => {
  const page = await session.browser.context.newPage();
  await signInAs(page, session.app.url, `sbx-rejected-${Date.now().toString(36)}`);
  await agreeToBureauCheck(page);
  await page.getByRole("button", { name: "Submit profile" }).click();
  await onScreen(page, "rejected");
  // Plain words, no reason code, a grey dot, and the way to start over offered calmly.
  const text = (await page.locator("main").textContent()) ?? "";
  expect(text).toMatch(/could not approve a loan on these details right now/);
  expect(text).not.toMatch(/UNDERWRITING|Underwriting declined/);
  expect(await page.locator(".status-bar .dot").getAttribute("class")).toBe("dot ended");
  await screenshotAtBothWidths(page, "17-rejected");

  await page.getByRole("button", { name: "Apply again later" }).click();
  await signInAs(page, session.app.url, `sbx-happy-expire-${Date.now().toString(36)}`);
  const journeyID = (await page.locator("main").getAttribute("data-journey-id")) as string;
  session.app.sandbox.control.expireJourney(journeyID);
  await onScreen(page, "expired");
  expect(await page.getByRole("button", { name: "Start a new application" }).isVisible()).toBe(true);
  await screenshotAtBothWidths(page, "18-expired");
  await page.close();
});

it("the screens' sideways-overflow check refuses a page wider than a phone, naming what sticks out, and passes one that fits", async () => {
  const page = await session.browser.context.newPage();
  await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
  await page.setContent(
    '<body style="margin:0"><table class="schedule" style="width:429px"><tr><td>1</td></tr></table></body>',
  );
  await expect(expectNoHorizontalOverflow(page)).rejects.toThrow(
    /429px wide in 390px: table\.schedule to 429px/,
  );
  await page.setContent('<body style="margin:0"><p style="max-width:100%">fits</p></body>');
  await expect(expectNoHorizontalOverflow(page)).resolves.toBeUndefined();
  await page.close();
});
