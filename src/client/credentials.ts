import { credentialKind } from "../contract/index.js";
import { ScopeError } from "./errors.js";

/**
 * Checks a bearer the borrower client is about to send.
 * @throws {ScopeError} for an API key (`sk_…`) or a refresh token (`brt_…`): neither belongs in an app.
 */
export function assertBorrowerCredential(token: string): void {
  const kind = credentialKind(token);
  if (kind === "apiKey")
    throw new ScopeError(
      "API_KEY_IN_BORROWER_CLIENT",
      "The borrower client was given an API key (sk_…); API keys stay on the partner backend. Pass the borrower session token (bst_…).",
    );
  if (kind === "refreshToken")
    throw new ScopeError(
      "REFRESH_TOKEN_AS_BEARER",
      "The borrower client was given a refresh token (brt_…) as its bearer; pass the borrower session token (bst_…).",
    );
}

/**
 * Checks the credential of the partner client.
 * @throws {ScopeError} for a borrower session token (`bst_…`) or a refresh token (`brt_…`).
 */
export function assertPartnerCredential(apiKey: string): void {
  const kind = credentialKind(apiKey);
  if (kind === "sessionToken" || kind === "refreshToken")
    throw new ScopeError(
      "SESSION_TOKEN_IN_PARTNER_CLIENT",
      `The partner client was given a ${kind === "sessionToken" ? "borrower session token (bst_…)" : "refresh token (brt_…)"}; it needs the API key (sk_…).`,
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
