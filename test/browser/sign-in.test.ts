/**
 * The web app's sign-in to the demo partner backend: a wrong password is refused on the form, "Signed in as …"
 * once in, a reload after the app token expired asks to sign in again, and signing out revokes the token.
 */
import { expect, it } from "vitest";
import { CSRF_HEADER, DEMO_PASSWORD } from "../../src/demo/sign-in.js";
import { onScreen, SCREEN_TIMEOUT_MS, signInAs } from "./support/app.js";
import { browserSessionForFile } from "./support/session.js";

/** The backend's auth clock runs this far ahead of the real one (moved by the test to expire tokens). */
let ahead = 0;
const session = browserSessionForFile({ auth: { now: () => Date.now() + ahead } });

/** The app token the page saved, as the page's own storage holds it. */
async function savedAppToken(page: import("playwright-core").Page): Promise<string> {
  return page.evaluate(
    () => JSON.parse(localStorage.getItem("credit-journey-demo:session") ?? "{}").appToken as string,
  );
}

/** A new tab on the sign-in form: nothing saved by an earlier test of this file (the tabs share storage). */
async function freshPage(): Promise<import("playwright-core").Page> {
  const page = await session.browser.context.newPage();
  await page.goto(session.app.url);
  await page.evaluate(() => localStorage.clear());
  await page.goto(session.app.url);
  return page;
}

async function sessionStatus(appToken: string): Promise<number> {
  const res = await fetch(`${session.app.url}/session`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [CSRF_HEADER]: "test",
      authorization: `Bearer ${appToken}`,
    },
    body: "{}",
  });
  await res.body?.cancel();
  return res.status;
}

it("refuses a wrong password on the form, then signs in and shows as whom", async () => {
  const page = await freshPage();
  await page.locator('input[name="borrowerExternalID"]').fill(`sbx-happy-pw-${Date.now().toString(36)}`);
  await page.locator('input[name="password"]').fill("not-the-password");
  await page.getByRole("button", { name: "Continue" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  expect(await alert.textContent()).toMatch(/wrong customer id or password/);
  expect(await page.locator("main[data-screen]").count()).toBe(0);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await onScreen(page, "profile");
  expect(await page.getByTestId("signed-in").textContent()).toMatch(/^Signed in as sbx-happy-pw-/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.close();
});

it("signing out revokes the app token and returns to the sign-in form", async () => {
  const page = await freshPage();
  await signInAs(page, session.app.url, `sbx-happy-out-${Date.now().toString(36)}`);
  const appToken = await savedAppToken(page);
  expect(await sessionStatus(appToken)).toBe(201);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.locator('input[name="password"]').waitFor({ timeout: SCREEN_TIMEOUT_MS });
  await expect.poll(() => sessionStatus(appToken), { timeout: SCREEN_TIMEOUT_MS }).toBe(401);
  expect(await page.evaluate(() => localStorage.getItem("credit-journey-demo:session"))).toBeNull();
  await page.close();
});

it("a reload after the app token expired asks the borrower to sign in again", async () => {
  const page = await freshPage();
  const borrowerExternalID = `sbx-happy-ttl-${Date.now().toString(36)}`;
  await signInAs(page, session.app.url, borrowerExternalID);
  const journeyID = await page.locator("main").getAttribute("data-journey-id");
  ahead = 15 * 60_000;
  try {
    await page.reload();
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: SCREEN_TIMEOUT_MS });
    expect(await alert.textContent()).toMatch(/sign-in has expired/);
    expect(await page.locator("main[data-screen]").count()).toBe(0);
    // Signing in again resumes the same journey.
    await signInAs(page, session.app.url, borrowerExternalID);
    expect(await page.locator("main").getAttribute("data-journey-id")).toBe(journeyID);
  } finally {
    ahead = 0;
  }
  await page.close();
});
