/** The demo servers' reading of a request target: only the origin form (`/path?query`) names one of theirs. */

/** The host a request target is resolved against, never a real one. */
const PLACEHOLDER_HOST = "request-target.invalid";

/**
 * The path and query an HTTP request target names, or `undefined` when it is not in origin form (an absolute URL,
 * `//host/...`, `/\host`, `*`) or does not parse: such a target could name another host, and the demo's servers
 * answer it 400 rather than forward it anywhere. Pure; never throws.
 */
export function originFormTarget(target: string | undefined): URL | undefined {
  if (target === undefined || !target.startsWith("/")) return undefined;
  let url: URL;
  try {
    url = new URL(target, `http://${PLACEHOLDER_HOST}`);
  } catch {
    return undefined;
  }
  return url.host === PLACEHOLDER_HOST ? url : undefined;
}

/**
 * `upstream` (an origin, `http://127.0.0.1:PORT`) with the path and query of `target`: set on a copy of the
 * upstream's URL, so nothing in the path can change its host. Pure; never throws.
 */
export function onUpstream(upstream: string, target: URL): URL {
  const url = new URL(upstream);
  url.pathname = target.pathname;
  url.search = target.search;
  return url;
}
