import * as z from "zod/mini";
import { ContractError, formatPath } from "./errors.js";

/** The result of a non-throwing parse: the typed value, or the typed error. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/**
 * Parses `input` with `schema`; unknown keys are stripped.
 * @throws {ContractError} naming every failing path, when `input` does not match.
 */
export function parse<S extends z.ZodMiniType>(schema: S, input: unknown, name: string): z.output<S> {
  const result = safeParse(schema, input, name);
  if (!result.ok) throw result.error;
  return result.value;
}

/** Like {@link parse} but returns the error as data; never throws. */
export function safeParse<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  name: string,
): ParseResult<z.output<S>> {
  let result: ReturnType<typeof z.safeParse<S>>;
  try {
    result = z.safeParse(schema, input);
  } catch (cause) {
    // Hostile input (throwing getters, proxies) must still surface as a ContractError.
    return {
      ok: false,
      error: new ContractError(name, [{ path: "", message: `unreadable input: ${String(cause)}` }]),
    };
  }
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  return { ok: false, error: new ContractError(name, issues) };
}
