/**
 * A borrower who double-taps every button through a whole journey in Chromium: the app enables its buttons from
 * `view.can.*` alone, and `can.*` is exact (true only where the step takes the intent, false while a mutation is
 * in flight or the platform has not yet answered it), so no tap ever sends a mutation twice.
 */
import type { Locator, Page } from "playwright-core";
import { expect, it } from "vitest";
import {
  agreeToBureauCheck,
  completeRedirectStep,
  fillBankMandateForm,
  onScreen,
  SCREEN_TIMEOUT_MS,
  signInAs,
} from "./support/app.js";
import { browserSessionForFile } from "./support/session.js";

const session = browserSessionForFile();

/**
 * Taps `button`, waits for the platform's answer to the mutation it sent, then taps again at once if the app
 * still offers it: the moment after a mutation succeeds and before the platform's new state arrives, where a
 * `can.*` that forgot the mutation would send it a second time.
 */
async function tapTwice(page: Page, button: Locator): Promise<void> {
  // The last call of each intent: the profile's submit, an offer's proceed, a step action, a consent, a resume.
  const answered = page.waitForResponse(
    (r) =>
      r.request().method() !== "GET" &&
      /^\/api\/v1\/headless\/.*\/(submit|proceed|actions|consents|resume)$/.test(new URL(r.url()).pathname),
    { timeout: SCREEN_TIMEOUT_MS },
  );
  await button.dblclick();
  await answered;
  if (await button.isEnabled({ timeout: 50 }).catch(() => false)) {
    offeredAgain.push((await button.textContent()) ?? "?");
    await button.click({ timeout: 1_000 }).catch(() => undefined);
  }
}

/** The buttons the app still offered right after the platform answered their mutation (should stay empty). */
const offeredAgain: string[] = [];

it("double-tapping every button from sign-in to disbursal sends each mutation once, and none is refused", async () => {
  const page = await session.browser.context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const borrowerExternalID = `sbx-happy-taps-${Date.now().toString(36)}`;
  await signInAs(page, session.app.url, borrowerExternalID);
  const journeyID = (await page.locator("main").getAttribute("data-journey-id")) as string;

  await agreeToBureauCheck(page);
  await tapTwice(page, page.getByRole("button", { name: "Submit profile" }));
  await onScreen(page, "offers");
  const choose = page.getByRole("button", { name: /^Choose / }).first();
  await choose.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  await tapTwice(page, choose);

  await onScreen(page, "bankStatements");
  await completeRedirectStep(page, "bankStatements", { tap: (button) => tapTwice(page, button) });
  await onScreen(page, "kyc");
  await completeRedirectStep(page, "kyc", { tap: (button) => tapTwice(page, button) });

  const form = await fillBankMandateForm(page, "HDFC0001234");
  await tapTwice(page, form.getByRole("button", { name: "Submit" }));

  await onScreen(page, "eMandate");
  await completeRedirectStep(page, "eMandate", { tap: (button) => tapTwice(page, button) });
  await onScreen(page, "loanAgreement");
  const accept = page.getByRole("button", { name: "I accept and sign" });
  await accept.waitFor({ timeout: SCREEN_TIMEOUT_MS });
  await tapTwice(page, accept);
  await onScreen(page, "disbursed");

  const mutations = session.app.sandbox.control.mutations().filter((m) => m.journeyID === journeyID);
  // Every mutation the borrower's app sent was taken: no 409 for a second submit, no 4xx for a used link.
  expect(mutations.filter((m) => m.status >= 400).map((m) => `${m.endpoint} ${m.status}`)).toEqual([]);
  // One logical mutation each: a key is never sent for two requests, and no request is sent under two keys.
  const keys = mutations.map((m) => m.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  // Each borrower mutation once: the profile, the offer, and per step its start and/or return or submit.
  const borrowerCalls = mutations.filter(
    (m) => m.endpoint !== "createSession" && m.endpoint !== "createJourney",
  );
  expect(borrowerCalls.map((m) => m.endpoint)).toEqual([
    "submitProfile",
    "proceedOffer",
    ...Array.from({ length: borrowerCalls.length - 2 }, () => "stepAction"),
  ]);
  const perStep = new Map<string, number>();
  for (const m of borrowerCalls.slice(2)) perStep.set(m.path, (perStep.get(m.path) ?? 0) + 1);
  expect([...perStep.values()].every((n) => n <= 2)).toBe(true);
  // (A REDIRECT step whose hosted page finished it may need no call of the app's at all: no lower bound.)
  expect(perStep.size).toBeLessThanOrEqual(5);
  // Right after each answer, before the platform's new state, the app offered no button again.
  expect(offeredAgain).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
});
