/**
 * A borrower completes the happy path in Chromium by clicking: profile (with field errors first), an offer,
 * every step (AA consent, KYC and e-mandate on the sandbox's hosted pages and back, the bank-mandate form, the
 * agreement document), the lender's processing, the disbursed loan with its schedule, and its closure.
 */
import { describe, expect, it } from "vitest";
import {
  agreeToBureauCheck,
  completeRedirectStep,
  fillBankMandateForm,
  onScreen,
  SCREEN_TIMEOUT_MS,
  screenshot,
  signInAs,
  WIDTHS,
} from "./support/app.js";
import { browserSessionForFile } from "./support/session.js";

// The two platform waits the test must see on screen last 4 s instead of 2 s, so a loaded machine cannot miss them.
const session = browserSessionForFile({
  sandbox: { timings: { offerDispatch: 4_000, lenderProcessing: 4_000 } },
});

describe.each([WIDTHS.desktop, WIDTHS.phone])(
  "at %i px wide, every screen fitting it (no sideways scrolling)",
  (width) => {
    it("a borrower clicks from sign-in to the disbursed loan (and its closure), leaving for hosted pages and coming back", async () => {
      const page = await session.browser.context.newPage();
      await page.setViewportSize({ width, height: 900 });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      // The closure scenario is the happy path, then the loan is repaid 5 s after disbursal (the closed screen).
      const borrowerExternalID = `sbx-closure-${width}-${Date.now().toString(36)}`;
      await page.goto(session.app.url);
      await screenshot(page, "01-sign-in");
      await signInAs(page, session.app.url, borrowerExternalID);
      const journeyID = await page.locator("main").getAttribute("data-journey-id");
      expect(journeyID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

      // The bureau consent starts unticked: the borrower gives it.
      expect(await page.locator('input[name="consent"]').isChecked()).toBe(false);
      await agreeToBureauCheck(page);
      // Field errors from view.error.fieldErrors, then a valid profile.
      await page.locator('input[name="pan"]').fill("BAD-PAN");
      await page.locator('input[name="pincode"]').fill("12");
      await page.getByRole("button", { name: "Submit profile" }).click();
      const panError = page.locator('label:has(input[name="pan"]) .field-error');
      await panError.waitFor({ timeout: SCREEN_TIMEOUT_MS });
      expect(await panError.textContent()).toMatch(/PAN/);
      await expect
        .poll(() => page.locator('input[name="pincode"]').getAttribute("aria-invalid"))
        .toBe("true");
      await screenshot(page, "02-profile-field-errors");
      await page.locator('input[name="pan"]').fill("ABCDE1234F");
      await page.locator('input[name="pincode"]').fill("560001");
      await page.getByRole("button", { name: "Submit profile" }).click();
      await onScreen(page, "waitingForOffers");
      // Plain words, no platform code, no countdown; the progress bar says where the borrower is.
      await expect
        .poll(() => page.getByTestId("live-status").textContent())
        .toMatch(/^Finding offers\. This page updates/);
      expect(await page.getByTestId("status").textContent()).toBe("Step 3 of 12: Finding offers");
      expect(
        await page.getByRole("progressbar", { name: "Application progress" }).getAttribute("aria-valuetext"),
      ).toBe("Step 3 of 12: Finding offers");
      await screenshot(page, "03-waiting-for-offers");
      await onScreen(page, "offers");
      await page
        .getByRole("button", { name: /^Choose / })
        .first()
        .waitFor({ timeout: SCREEN_TIMEOUT_MS });
      await screenshot(page, "04-offers");

      const firstOffer = page.locator("article.offer").first();
      const lender = await firstOffer.locator("h3").textContent();
      const chosenTerms = await firstOffer.locator("dl.terms").textContent();
      await firstOffer.getByRole("button").click();

      // AA consent: start the step, leave for the hosted page, complete it, come back to /return.
      await onScreen(page, "bankStatements");
      await screenshot(page, "05-bank-statements-start");
      await completeRedirectStep(page, "bankStatements", {
        redirectShot: "06-bank-statements-redirect",
        hostedShot: "07-hosted-page",
      });

      await onScreen(page, "kyc");
      await completeRedirectStep(page, "kyc", { redirectShot: "08-kyc-redirect" });

      // Bank mandate: a FORM rendered from resource.fields; a bad IFSC comes back as a field error first.
      const form = await fillBankMandateForm(page, "NOPE");
      await screenshot(page, "09-bank-mandate-form");
      await form.getByRole("button", { name: "Submit" }).click();
      await form.locator('label:has([name="ifsc"]) .field-error').waitFor({ timeout: SCREEN_TIMEOUT_MS });
      await screenshot(page, "10-bank-mandate-field-error");
      await form.locator('[name="ifsc"]').fill("HDFC0001234");
      await form.getByRole("button", { name: "Submit" }).click();

      await onScreen(page, "eMandate");
      await completeRedirectStep(page, "eMandate", { redirectShot: "11-e-mandate-redirect" });

      // Loan agreement: a DOCUMENT to read and accept.
      await onScreen(page, "loanAgreement");
      const accept = page.getByRole("button", { name: "I accept and sign" });
      await accept.waitFor({ timeout: SCREEN_TIMEOUT_MS });
      expect(await page.getByRole("link", { name: /Read the agreement/ }).getAttribute("href")).toContain(
        `${session.app.url}/hosted/documents/`,
      );
      // The terms are shown before agreeing: the chosen offer's amount, APR, EMI, fees and total, and its KFS.
      const terms = page.getByRole("region", { name: "Your loan" });
      expect(await terms.locator("h3").textContent()).toBe(`Your loan from ${lender}`);
      expect(await terms.locator("dl.terms").textContent()).toBe(chosenTerms);
      expect(chosenTerms).toMatch(/Loan amount₹[\d,]+.*APR [\d.]+%.*EMI₹[\d,]+/);
      expect(await terms.getByRole("link", { name: "Key fact statement" }).getAttribute("href")).toContain(
        "/hosted/documents/kfs-",
      );
      await screenshot(page, "12-loan-agreement");
      await accept.click();

      await onScreen(page, "lenderProcessing");
      await screenshot(page, "13-lender-processing");
      await onScreen(page, "disbursed");
      await page.locator("table.schedule tbody tr").first().waitFor({ timeout: SCREEN_TIMEOUT_MS });
      const server = session.app.sandbox.control.journey(journeyID as string);
      expect(server.journey.status).toBe("DISBURSED");
      const rows = await page.locator("table.schedule tbody tr").count();
      expect(rows).toBe(server.schedule?.length);
      expect(await page.locator("dl.facts").textContent()).toMatch(/Loan[0-9a-f]{8}-[0-9a-f]{4}-/);
      await screenshot(page, "14-disbursed-loan");
      await onScreen(page, "closed");
      expect(await page.locator("main").textContent()).toMatch(/You have repaid your loan in full/);
      await screenshot(page, "19-closed");
      // Starting over signs out and comes back to the sign-in screen (the next borrower starts afresh).
      await page.getByRole("button", { name: "Apply for another loan" }).click();
      await page.locator('input[name="borrowerExternalID"]').waitFor({ timeout: SCREEN_TIMEOUT_MS });
      expect(lender).toBeTruthy();
      expect(errors).toEqual([]);
      await page.close();
    });
  },
);
