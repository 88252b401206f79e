/** The web app's developer panel: the statechart drawn in the page with its active states lit, and the timeline. */
import { expect, it } from "vitest";
import {
  agreeToBureauCheck,
  onScreen,
  SCREEN_TIMEOUT_MS,
  screenshotAtBothWidths,
  signInAs,
} from "./support/app.js";
import { browserSessionForFile } from "./support/session.js";

const session = browserSessionForFile();

it("the developer panel lights the active state of each region and lists each event with its source, commands and outcome", async () => {
  const page = await session.browser.context.newPage();
  const outside: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).origin !== new URL(session.app.url).origin) outside.push(request.url());
  });
  await signInAs(page, session.app.url, `sbx-devpanel-${Date.now().toString(36)}`);
  const toggle = page.getByRole("button", { name: "Developer panel" });
  expect(await toggle.getAttribute("aria-expanded")).toBe("false");
  await toggle.click();
  const panel = page.getByRole("complementary", { name: "Developer panel" });
  await panel.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  const lit = () =>
    panel
      .locator('[aria-current="true"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute("data-state")));
  // One state lit per region, as the machine stands: the profile asked for, nothing in flight, polling.
  expect(await lit()).toEqual(["lifecycle.PROFILE_REQUIRED", "mutation.idle", "sync.polling"]);

  await agreeToBureauCheck(page);
  await page.getByRole("button", { name: "Submit profile" }).click();
  await onScreen(page, "waitingForOffers");
  const timeline = panel.getByRole("region", { name: "Event timeline" });
  const submitted = timeline.locator('li[data-event="profile.submit"]');
  await submitted.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  expect(await submitted.getAttribute("data-source")).toBe("borrower");
  expect(await submitted.locator(".commands").textContent()).toContain("submitProfile");
  expect(await submitted.locator(".outcome").textContent()).toBe("applied");
  const answered = timeline.locator('li[data-event="mutation.succeeded"]');
  await answered.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  expect(await answered.getAttribute("data-source")).toBe("response");
  // The platform's later states arrive by poll or push, and the lit lifecycle state follows them.
  await timeline
    .locator('li[data-event="snapshot.received"]')
    .first()
    .waitFor({ timeout: SCREEN_TIMEOUT_MS });
  expect(
    await timeline
      .locator('li[data-event="snapshot.received"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute("data-source"))),
  ).toEqual(expect.arrayContaining([expect.stringMatching(/^(poll|push|webhook)$/)]));
  await expect.poll(lit, { timeout: SCREEN_TIMEOUT_MS }).toContain("lifecycle.OFFERS_PENDING");
  expect((await lit()).filter((path) => path?.startsWith("lifecycle."))).toEqual([
    "lifecycle.OFFERS_PENDING",
  ]);
  await screenshotAtBothWidths(page, "20-developer-panel");
  // Drawn in the page: nothing was fetched from anywhere but the app's own origin.
  expect(outside).toEqual([]);
  await toggle.click();
  await expect.poll(() => panel.count()).toBe(0);
  await page.close();
});
