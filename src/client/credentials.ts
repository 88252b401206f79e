import { isApiKey } from "../contract/index.js";
import { ScopeError } from "./errors.js";

/**
 * Checks a bearer the borrower client is about to send.
 * @throws {ScopeError} `API_KEY_IN_BORROWER_CLIENT` for an API key (`sk_…`, also with surrounding whitespace):
 *   API keys stay on the partner backend.
 */
export function assertBorrowerCredential(token: string): void {
  if (isApiKey(token))
    throw new ScopeError(
      "API_KEY_IN_BORROWER_CLIENT",
      "The borrower client was given an API key (sk_…); API keys stay on the partner backend. Pass the borrower session token.",
    );
}

/**
 * Checks the credential of the partner client.
 * @throws {ScopeError} `NOT_AN_API_KEY` for anything but an `sk_…` key without surrounding whitespace (a
 *   borrower session or refresh token, a key pasted with a stray space).
 */
export function assertPartnerCredential(apiKey: string): void {
  if (!/^sk_\S+$/.test(apiKey))
    throw new ScopeError(
      "NOT_AN_API_KEY",
      "The partner client needs the partner's API key (sk_…, without surrounding whitespace); borrower session and refresh tokens belong to the borrower's side.",
    );
}

/** True where a browser-like global (`window` or `document`) exists. */
export function looksLikeBrowser(): boolean {
  const scope = globalThis as { window?: unknown; document?: unknown };
  return scope.window !== undefined || scope.document !== undefined;
}

/**
 * Refuses to hold an API key where a browser-like global exists, unless the caller vouches it is a server.
 * @throws {ScopeError} `PARTNER_CLIENT_IN_BROWSER` when `window` or `document` exists and `serverSide` is not true.
 */
export function assertServerEnvironment(serverSide: boolean | undefined): void {
  if (serverSide === true || !looksLikeBrowser()) return;
  throw new ScopeError(
    "PARTNER_CLIENT_IN_BROWSER",
    "The partner client holds an API key and refuses to run where `window` or `document` exists. " +
      "Pass `serverSide: true` if this really is a server (e.g. a test DOM or an SSR runtime).",
  );
}
