/** Page helpers for the borrower web app: wait for screens, take screenshots, act like a borrower. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

/**
 * Screenshots go to `docs/screenshots/` when `UPDATE_SCREENSHOTS=1` (CI and whoever refreshes the docs), else to a
 * temporary folder, so an ordinary test run leaves the working tree clean while still proving capture works.
 */
export const SCREENSHOT_DIR =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(import.meta.dirname, "../../../docs/screenshots")
    : join(process.env.TMPDIR ?? "/tmp", "credit-journey-screenshots");
mkdirSync(SCREENSHOT_DIR, { recursive: true });

/** How long a screen may take to appear: the sandbox's waits are 1–2 s, polling is the fallback to push. */
export const SCREEN_TIMEOUT_MS = 15_000;

/** Waits until the app shows `screen` (its `main[data-screen]`). */
export async function onScreen(page: Page, screen: string): Promise<void> {
  await page.locator(`main[data-screen="${screen}"]`).waitFor({ timeout: SCREEN_TIMEOUT_MS });
}

/** The screen the app shows now (`main[data-screen]`), or `null` outside the journey. */
export async function currentScreen(page: Page): Promise<string | null> {
  const main = page.locator("main[data-screen]");
  return (await main.count()) === 0 ? null : main.getAttribute("data-screen");
}

/** Saves a full-page PNG as `<name>.png` in {@link SCREENSHOT_DIR}. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Signs in as `borrowerExternalID` from the sign-in screen and waits for the profile form. */
export async function signInAs(page: Page, baseUrl: string, borrowerExternalID: string): Promise<void> {
  await page.goto(baseUrl);
  await page.locator('input[name="borrowerExternalID"]').fill(borrowerExternalID);
  await page.getByRole("button", { name: "Continue" }).click();
  await onScreen(page, "profile");
}

/** Submits the prefilled (valid) profile and waits for the offers to be listed. */
export async function submitProfileAndWaitForOffers(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Submit profile" }).click();
  await onScreen(page, "offers");
  await page
    .getByRole("button", { name: /^Choose / })
    .first()
    .waitFor({ timeout: SCREEN_TIMEOUT_MS });
}
