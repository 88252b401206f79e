import { createInterface, type Interface } from "node:readline";
import type { JourneyView } from "../../runtime/index.js";
import { type BorrowerChoices, completeHostedPage, HostedPageError } from "./borrower.js";

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
 * Answers read line by line from `input`, whether a person types them or a pipe hands them all at once (a pipe's
 * lines arrive before the prompts, and its end closes the stream): each prompt takes the next line, or `null` once
 * the input has ended.
 */
function lineReader(input: NodeJS.ReadableStream, output: NodeJS.WritableStream) {
  const rl: Interface = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: Array<(line: string | null) => void> = [];
  let ended = false;
  const echoed = (input as { isTTY?: boolean }).isTTY === true;
  rl.on("line", (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else lines.push(line);
  });
  rl.on("close", () => {
    ended = true;
    for (const next of waiting.splice(0)) next(null);
  });
  return {
    async ask(prompt: string): Promise<string | null> {
      output.write(prompt);
      const line =
        lines.shift() ??
        (ended ? null : await new Promise<string | null>((resolve) => waiting.push(resolve)));
      // A terminal echoes what the person typed; a pipe does not, so the answer is shown after its prompt.
      if (!echoed) output.write(`${line ?? ""}\n`);
      return line;
    },
    close: () => rl.close(),
  };
}

/**
 * The borrower's choices asked at the terminal (`--interactive`): which offer, and each hosted page, which the
 * person may complete in their own browser or let the demo complete. Answers may be piped in
 * (`printf '1\n' | credit-journey --interactive`); once the input ends, a hosted page is completed by the demo
 * and an offer still to pick is an error naming it. Call `close()` when done.
 */
export function terminalChoices(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Pick<BorrowerChoices, "pickOffer" | "completeRedirect"> & { close(): void } {
  const reader = lineReader(input, output);
  return {
    async pickOffer(view) {
      const offers = view.offers.filter((o) => o.selectable);
      output.write(`\nOffers:\n${offerMenu(view).join("\n")}\n`);
      for (;;) {
        const answer = await reader.ask(`Pick an offer [1-${offers.length}]: `);
        if (answer === null) throw new Error("--interactive: the input ended before an offer was picked");
        const chosen = offers[Number(answer.trim()) - 1];
        if (chosen) return chosen.id;
        output.write(`Type a number from 1 to ${offers.length}.\n`);
      }
    },
    async completeRedirect(url, returnUrl) {
      output.write(`\nHosted page: ${url}\n`);
      const answer = await reader.ask(
        "Open it in a browser and press Complete there, then press Enter (or just press Enter): ",
      );
      if (answer === null) output.write("(input ended: the demo completes it)\n");
      try {
        await completeHostedPage(url, returnUrl);
      } catch (error) {
        // Completed in the browser already: the link is used up, which is what we wanted.
        if (!(error instanceof HostedPageError && error.why === "used")) throw error;
      }
    },
    close: () => reader.close(),
  };
}
