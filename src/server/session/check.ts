import { ContractError } from "../../contract/index.js";

/** One bad argument of a session function, as the {@link ContractError} the session functions raise. */
function bad(schema: string, path: string, message: string): ContractError {
  return new ContractError(schema, [{ path, message }]);
}

/** `value` has every method in `methods`. */
function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === "function")
  );
}

/**
 * Checks the arguments every session function shares, before anything is read or sent.
 * @throws {ContractError} naming `client`, `tokenStore`, `key`, `options` or one of the call options.
 */
export function checkSessionArgs(
  schema: string,
  args: {
    readonly client?: [unknown, string];
    readonly tokenStore?: unknown;
    readonly key?: unknown;
    readonly options: unknown;
  },
): void {
  if (args.client && !hasMethods(args.client[0], [args.client[1]]))
    throw bad(schema, "client", `must be a partner client (it has no ${args.client[1]})`);
  if ("tokenStore" in args && !hasMethods(args.tokenStore, ["get", "set", "replace"]))
    throw bad(schema, "tokenStore", "must be a TokenStore with get(), set() and replace()");
  if ("key" in args && (typeof args.key !== "string" || args.key.length === 0))
    throw bad(schema, "key", "must be a non-empty string");
  const { options } = args;
  if (typeof options !== "object" || options === null) throw bad(schema, "options", "must be an object");
  const o = options as Record<string, unknown>;
  for (const name of ["idempotencyKey", "correlationID", "tokenKey", "returnUrl"])
    if (o[name] !== undefined && (typeof o[name] !== "string" || o[name] === ""))
      throw bad(schema, name, "must be a non-empty string");
  const signal = o.signal as { aborted?: unknown } | null | undefined;
  if (signal !== undefined && typeof signal?.aborted !== "boolean")
    throw bad(schema, "signal", "must be an AbortSignal");
  if (o.now !== undefined && typeof o.now !== "function")
    throw bad(schema, "now", "must be a function returning a Date");
  const min = o.minValiditySec;
  if (min !== undefined && (typeof min !== "number" || !Number.isFinite(min) || min < 0))
    throw bad(schema, "minValiditySec", "must be a non-negative number of seconds");
  if (
    o.refreshTokenCustody !== undefined &&
    o.refreshTokenCustody !== "app" &&
    o.refreshTokenCustody !== "backend"
  )
    throw bad(schema, "refreshTokenCustody", 'must be "backend" or "app"');
  // The refresh token rotates on every use: two holders leave one of them with a token already used.
  if (o.refreshTokenCustody === "app" && args.tokenStore !== undefined)
    throw bad(
      schema,
      "refreshTokenCustody",
      '"app" hands the refresh token to the app: give no tokenStore with it',
    );
}
