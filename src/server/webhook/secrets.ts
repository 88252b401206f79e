import { WebhookSecretError } from "./errors.js";

/**
 * The application's webhook secret, used as given [L6]; several while a rotation is in progress (each is tried).
 * Any non-empty string: the platform documents no format.
 */
export type WebhookSecrets = string | readonly string[];

/** The most secrets tried per delivery: a rotation needs two, a handful is generous. */
export const MAX_WEBHOOK_SECRETS = 8;

/**
 * The secrets as a checked list.
 * @throws {WebhookSecretError} when none is given, more than {@link MAX_WEBHOOK_SECRETS}, or one is not a
 *   non-empty string (its position named).
 */
export function secretList(secrets: unknown): string[] {
  const list: readonly unknown[] =
    typeof secrets === "string" ? [secrets] : Array.isArray(secrets) ? secrets : [];
  if (list.length === 0) throw new WebhookSecretError(-1, "at least one webhook secret is required");
  if (list.length > MAX_WEBHOOK_SECRETS)
    throw new WebhookSecretError(-1, `at most ${MAX_WEBHOOK_SECRETS} webhook secrets are tried at once`);
  return list.map((secret, index) => {
    if (typeof secret !== "string" || secret.length === 0)
      throw new WebhookSecretError(index, `webhook secret #${index} must be a non-empty string`);
    return secret;
  });
}
