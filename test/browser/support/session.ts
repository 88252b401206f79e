/** One web app and one Chromium per test file, started before its tests and closed after them. */
import { afterAll, beforeAll } from "vitest";
import { startWebApp, type WebApp, type WebAppOptions } from "../../../src/demo/web/server.js";
import { type Chromium, launchChromium } from "./chromium.js";

/** The running app and browser of a test file; filled in by `beforeAll`. */
export interface BrowserSession {
  app: WebApp;
  browser: Chromium;
}

/** Registers the file's `beforeAll`/`afterAll` that start and stop the web app (with `options`) and Chromium. */
export function browserSessionForFile(options: WebAppOptions = {}): BrowserSession {
  const session = {} as BrowserSession;
  beforeAll(async () => {
    [session.app, session.browser] = await Promise.all([startWebApp(options), launchChromium()]);
  });
  afterAll(async () => {
    await Promise.all([session.browser?.close(), session.app?.close()]);
  });
  return session;
}
