// Names the docs' snippets use without defining: the reader's own app and backend. Nothing else is declared,
// so every call into credit-journey in a snippet is checked against the real types.
import type { JourneyView } from "../../src/runtime/index.js";

declare global {
  /** The reader's render function. */
  function render(view: JourneyView): void;
}
