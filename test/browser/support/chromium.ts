/**
 * Launches Chromium for the browser tests, headless, with a fresh profile: the build inside the
 * `@sparticuz/chromium` npm package (unpacked to the OS temp dir on first use; nothing downloads), or the binary
 * `CHROMIUM_PATH` names.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import chromium from "@sparticuz/chromium";
import { type BrowserContext, chromium as playwright } from "playwright-core";

/** Flags of `@sparticuz/chromium` made for AWS Lambda that would make the tests' browser unlike a borrower's. */
const LAMBDA_ONLY_FLAGS = [
  "--single-process", // one process for every tab: two tabs of one app must behave as in a real browser
  "--no-zygote",
  "--disable-web-security", // would switch off CORS and the same-origin policy the app relies on
  "--allow-running-insecure-content",
  "--disable-site-isolation-trials",
  "--disable-features=",
];

/** Ours: headless on a closed network (no background fetches to hosts that cannot be reached). */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** The flags the browser starts with: the package's, less those made for Lambda, plus ours. */
export function chromiumArgs(packaged: readonly string[] = chromium.args): string[] {
  const kept = packaged.filter(
    (flag) => !LAMBDA_ONLY_FLAGS.some((drop) => (drop.endsWith("=") ? flag.startsWith(drop) : flag === drop)),
  );
  return [...new Set([...kept.filter((flag) => !flag.startsWith("--headless")), ...ARGS])];
}

/** The browser binary: `CHROMIUM_PATH` when set, else the one `@sparticuz/chromium` unpacks. */
export async function chromiumExecutable(): Promise<string> {
  return process.env.CHROMIUM_PATH || (await chromium.executablePath());
}

/** A running browser with its own throwaway profile. */
export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts Chromium with a fresh user-data-dir (one context: its tabs share localStorage, like a borrower's browser).
 * @throws {Error} (rejects) with Playwright's launch error, naming the binary it tried.
 */
export async function launchChromium(): Promise<Chromium> {
  const executablePath = await chromiumExecutable();
  const profile = await mkdtemp(join(tmpdir(), "credit-journey-chromium-"));
  const context = await playwright.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: chromiumArgs(),
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
