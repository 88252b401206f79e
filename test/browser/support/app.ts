/** Page helpers for the borrower web app: wait for screens, take screenshots, act like a borrower. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../../src/demo/sign-in.js";

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

/** The widths every screen is checked and captured at: a desktop and a small phone. */
export const WIDTHS = { desktop: 1280, phone: 390 } as const;

/**
 * Throws unless the page fits its viewport's width (nothing scrolls sideways), naming the widest elements that
 * stick out.
 */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const wide = [...document.querySelectorAll("body *")]
      .map((el) => ({ el, right: el.getBoundingClientRect().right }))
      .filter(({ right }) => right > width + 0.5)
      .slice(0, 3)
      .map(({ el, right }) => `${el.tagName.toLowerCase()}.${el.className} to ${Math.round(right)}px`);
    return `${document.documentElement.scrollWidth}px wide in ${width}px: ${wide.join(", ")}`;
  });
  if (overflow !== null) throw new Error(`${page.url()} overflows sideways: ${overflow}`);
}

/**
 * Checks the page has no horizontal overflow, then saves a full-page PNG as `<name>.png` in {@link SCREENSHOT_DIR}
 * (at a phone's width, in its `390/` folder).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await expectNoHorizontalOverflow(page);
  const phone = (page.viewportSize()?.width ?? WIDTHS.desktop) <= WIDTHS.phone;
  const dir = phone ? join(SCREENSHOT_DIR, String(WIDTHS.phone)) : SCREENSHOT_DIR;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** {@link screenshot} at a phone's width, then at a desktop's (the page is left at the desktop width). */
export async function screenshotAtBothWidths(page: Page, name: string): Promise<void> {
  for (const width of [WIDTHS.phone, WIDTHS.desktop]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, name);
  }
}

/**
 * Signs in as `borrowerExternalID` (with the sandbox password) from the sign-in screen, and waits for the profile
 * form and the "Signed in as …" line.
 */
export async function signInAs(page: Page, baseUrl: string, borrowerExternalID: string): Promise<void> {
  await page.goto(baseUrl);
  await page.locator('input[name="borrowerExternalID"]').fill(borrowerExternalID);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await onScreen(page, "profile");
  await page.getByText(`Signed in as ${borrowerExternalID}`).waitFor({ timeout: SCREEN_TIMEOUT_MS });
}

/** Ticks the credit-bureau consent, which the app never ticks for the borrower. */
export async function agreeToBureauCheck(page: Page): Promise<void> {
  await page.locator('input[name="consent"]').check();
}

/** Agrees to the bureau check, submits the prefilled (valid) profile and waits for the offers to be listed. */
export async function submitProfileAndWaitForOffers(page: Page): Promise<void> {
  await agreeToBureauCheck(page);
  await page.getByRole("button", { name: "Submit profile" }).click();
  await onScreen(page, "offers");
  await page
    .getByRole("button", { name: /^Choose / })
    .first()
    .waitFor({ timeout: SCREEN_TIMEOUT_MS });
}

/** How {@link completeRedirectStep} acts: screenshots to take, and how the borrower taps "Start" (a click). */
export interface RedirectStepOptions {
  readonly redirectShot?: string;
  readonly hostedShot?: string;
  readonly tap?: (button: Locator) => Promise<void>;
}

/**
 * Starts the step if it has no resource yet, follows its REDIRECT to the hosted page (same origin as the app),
 * completes it, and checks the way back to the app on another screen.
 */
export async function completeRedirectStep(
  page: Page,
  screen: string,
  options: RedirectStepOptions = {},
): Promise<void> {
  const main = page.locator(`main[data-screen="${screen}"]`);
  const redirect = main.getByTestId("redirect");
  const start = main.getByRole("button", { name: "Start" });
  await redirect.or(start).first().waitFor({ timeout: SCREEN_TIMEOUT_MS });
  if (await start.isVisible()) await (options.tap ? options.tap(start) : start.click());
  await redirect.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  if (options.redirectShot) await screenshot(page, options.redirectShot);
  const appOrigin = new URL(page.url()).origin;
  await redirect.click();
  await page.waitForURL(/\/hosted\/r\//, { timeout: SCREEN_TIMEOUT_MS });
  if (new URL(page.url()).origin !== appOrigin) throw new Error(`the hosted page left ${appOrigin}`);
  if (options.hostedShot) await screenshot(page, options.hostedShot);
  await page.getByRole("button", { name: "Complete" }).click();
  // The hosted page answers 303 to returnUrl (/return?status=completed); the app confirms and shows "/".
  await page.waitForURL((url) => url.pathname === "/", { timeout: SCREEN_TIMEOUT_MS });
  await page
    .locator(`main[data-screen]:not([data-screen="${screen}"])`)
    .waitFor({ timeout: SCREEN_TIMEOUT_MS });
}

/**
 * Waits for the bank-mandate screen's FORM (rendered from `resource.fields`) and fills it with a valid account and
 * the given IFSC; returns the form, not yet submitted.
 */
export async function fillBankMandateForm(page: Page, ifsc: string): Promise<Locator> {
  await onScreen(page, "bankMandate");
  const form = page.locator('main[data-screen="bankMandate"] form');
  await form.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  await form.locator('[name="accountHolderName"]').fill("Asha Rao");
  await form.locator('[name="accountNumber"]').fill("123456789012");
  await form.locator('[name="ifsc"]').fill(ifsc);
  await form.locator('[name="accountType"]').selectOption("SAVINGS");
  return form;
}
