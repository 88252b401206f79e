/**
 * The offer lock across two tabs: the same borrower and journey open twice, each tab chooses a different offer
 * at the same moment; the platform proceeds exactly one, and the other tab shows that another offer holds the lock.
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

it("two tabs choose different offers at once: exactly one proceeds, the other shows the lock", async () => {
  const first = await session.browser.context.newPage();
  await signInAs(first, session.app.url, `sbx-happy-lock-${Date.now().toString(36)}`);
  const journeyID = (await first.locator("main").getAttribute("data-journey-id")) as string;
  await submitProfileAndWaitForOffers(first);

  // The second tab shares the browser's storage: it resumes the same session and journey.
  const second = await session.browser.context.newPage();
  await second.goto(session.app.url);
  await onScreen(second, "offers");
  await second
    .getByRole("button", { name: /^Choose / })
    .first()
    .waitFor({ timeout: SCREEN_TIMEOUT_MS });
  expect(await second.locator("main").getAttribute("data-journey-id")).toBe(journeyID);

  const offerIDs = await first
    .locator("article.offer")
    .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-offer-id") as string));
  expect(offerIDs.length).toBeGreaterThanOrEqual(2);
  const [offerOfFirst, offerOfSecond] = offerIDs as [string, string];
  // Both proceeds are held 500 ms after their key is reserved, so neither tab can learn of the other's lock
  // before its own click is sent: the platform, not the timing of the clicks, decides the race.
  session.app.sandbox.control.setFaults({ routes: { proceedOffer: { latencyMs: 500 } } });
  const buttonOfFirst = await first
    .locator(`article[data-offer-id="${offerOfFirst}"] button`)
    .elementHandle();
  const buttonOfSecond = await second
    .locator(`article[data-offer-id="${offerOfSecond}"] button`)
    .elementHandle();
  await Promise.all([
    buttonOfFirst?.evaluate((button) => (button as HTMLButtonElement).click()),
    buttonOfSecond?.evaluate((button) => (button as HTMLButtonElement).click()),
  ]);

  // Exactly one proceed was applied by the platform, and it locked one of the two offers.
  await expect
    .poll(() => session.app.sandbox.control.journey(journeyID).journey.lockedOfferID, {
      timeout: SCREEN_TIMEOUT_MS,
    })
    .toBeDefined();
  const locked = session.app.sandbox.control.journey(journeyID).journey.lockedOfferID;
  expect([offerOfFirst, offerOfSecond]).toContain(locked);
  const proceeds = session.app.sandbox.control
    .mutations()
    .filter((m) => m.journeyID === journeyID && m.endpoint === "proceedOffer");
  expect(proceeds).toHaveLength(1);

  const [winner, loser] = locked === offerOfFirst ? [first, second] : [second, first];
  const notice = loser.getByTestId("lock-notice");
  await notice.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  const lockedLender = session.app.sandbox.control
    .journey(journeyID)
    .journey.offers.find((o) => o.id === locked)?.lender.name;
  await screenshotAtBothWidths(loser, "15-offer-locked-in-other-tab");
  // The winning tab goes on to the steps with no lock notice; the losing one follows the same journey.
  await onScreen(winner, "bankStatements");
  expect(await winner.getByTestId("lock-notice").count()).toBe(0);
  await onScreen(loser, "bankStatements");
  expect(await loser.getByTestId("lock-notice").isVisible()).toBe(true);
  expect(await notice.textContent()).toContain(lockedLender);
  await Promise.all([first.close(), second.close()]);
});
