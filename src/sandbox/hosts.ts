import { hostname as machineName, networkInterfaces } from "node:os";
import { isLoopbackHostname } from "./loopback.js";

/** Decides whether a request's `Host` header names this sandbox (the defence against DNS rebinding). */
export interface HostPolicy {
  /** True when `host` (the raw `Host` header) is allowed; a missing or malformed header never is. */
  allows(host: string | undefined): boolean;
}

/** `*` in `allowedHosts`: every Host is accepted (the check is off). */
const ANY_HOST = "*";

/**
 * Checks the `allowedHosts` option: each entry a host name or address, optionally with `:port` (`sandbox.local`,
 * `10.0.0.5:4010`, `[fd00::1]`), or `*`.
 * @throws {TypeError} naming the entry (`allowedHosts[1]`) when it is not such a string.
 */
export function checkAllowedHosts(
  hosts: readonly string[] | undefined,
  at = "allowedHosts",
): readonly string[] {
  if (hosts === undefined) return [];
  if (!Array.isArray(hosts)) throw new TypeError(`${at} must be an array of host names`);
  hosts.forEach((host, i) => {
    if (typeof host !== "string" || (host !== ANY_HOST && parseHost(host) === undefined))
      throw new TypeError(`${at}[${i}] must be a host name or address, optionally with :port`);
  });
  return hosts;
}

/** A `Host` value split into a lower-cased hostname (IPv6 in brackets) and its port (`""` when absent). */
function parseHost(value: string): { hostname: string; port: string } | undefined {
  if (value === "" || /[/\\@?#\s]/.test(value)) return undefined;
  try {
    const url = new URL(`http://${value}`);
    // A port written out is that port, also http's default (the URL drops `:80`, which read as "any port").
    const port = url.port === "" && /:\d+$/.test(value) ? "80" : url.port;
    return { hostname: url.hostname.toLowerCase(), port };
  } catch {
    return undefined;
  }
}

/**
 * The names a non-loopback bind address is reached by: the address itself, or for a wildcard (`0.0.0.0`, `::`)
 * every address of this machine's interfaces and its host name. Loopback binds need none (always allowed).
 */
export function hostsForBinding(bind: string): string[] {
  const bracket = (address: string) => (address.includes(":") ? `[${address}]` : address);
  if (bind !== "0.0.0.0" && bind !== "::" && bind !== "")
    return isLoopbackHostname(bind) ? [] : [bracket(bind)];
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  return [...addresses.map(bracket), machineName()];
}

/**
 * The Host policy: loopback names (`localhost`, 127.0.0.0/8, `[::1]`) with the server's own port, plus each
 * `allowed` entry (one without a port matches any port; `*` matches every Host). `port` is asked per request
 * (known once the server listens).
 */
export function createHostPolicy(allowed: readonly string[], port: () => number): HostPolicy {
  if (allowed.includes(ANY_HOST)) return { allows: () => true };
  const entries = allowed.map((entry) => parseHost(entry)).filter((e) => e !== undefined);
  return {
    allows(host) {
      const given = host === undefined ? undefined : parseHost(host);
      if (!given) return false;
      const effectivePort = given.port === "" ? "80" : given.port;
      if (isLoopbackHostname(given.hostname) && effectivePort === String(port())) return true;
      return entries.some(
        (entry) => entry.hostname === given.hostname && (entry.port === "" || entry.port === effectivePort),
      );
    },
  };
}
