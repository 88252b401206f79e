import { createInterface, type Interface } from "node:readline/promises";
import type { JourneyView } from "../../runtime/index.js";
import { type BorrowerChoices, completeHostedPage } from "./borrower.js";

function rupees(paise: number): string {
  return `₹${(paise / 100).toLocaleString("en-IN", { maximumFractionDigits: 0 })}`;
}

/** Formats the selectable offers as numbered lines for the terminal. */
export function offerMenu(view: JourneyView): string[] {
  return view.offers
    .filter((o) => o.selectable)
    .map(
      (o, i) =>
        `  ${i + 1}. ${o.lender.name.padEnd(20)} ${rupees(o.principal.amount)} over ${o.tenureMonths} months, ` +
        `EMI ${rupees(o.emi.amount)}, APR ${o.apr.toFixed(2)}%`,
    );
}

/**
 * The borrower's choices asked at the terminal (`--interactive`): which offer, and each hosted page, which the
 * person may complete in their own browser or let the demo complete. Call `close()` when done.
 */
export function terminalChoices(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Pick<BorrowerChoices, "pickOffer" | "completeRedirect"> & { close(): void } {
  const rl: Interface = createInterface({ input, output });
  return {
    async pickOffer(view) {
      const offers = view.offers.filter((o) => o.selectable);
      output.write(`\nOffers:\n${offerMenu(view).join("\n")}\n`);
      for (;;) {
        const answer = (await rl.question(`Pick an offer [1-${offers.length}]: `)).trim();
        const chosen = offers[Number(answer) - 1];
        if (chosen) return chosen.id;
        output.write(`Type a number from 1 to ${offers.length}.\n`);
      }
    },
    async completeRedirect(url, returnUrl) {
      output.write(`\nHosted page: ${url}\n`);
      await rl.question(
        "Open it in a browser and press Complete there, then press Enter (or just press Enter): ",
      );
      try {
        await completeHostedPage(url, returnUrl);
      } catch (error) {
        // Completed in the browser already: the link is used up, which is what we wanted.
        if (!String(error).includes("410")) throw error;
      }
    },
    close: () => rl.close(),
  };
}
