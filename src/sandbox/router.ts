import { BASE_PATH, ENDPOINTS, type Endpoint, type EndpointName, endpointPath } from "../contract/index.js";

/** An endpoint matched against a request, with its path parameters. */
export interface RouteMatch {
  readonly name: EndpointName;
  readonly endpoint: Endpoint;
  readonly params: Readonly<Record<string, string>>;
}

const COMPILED = (Object.entries(ENDPOINTS) as [EndpointName, Endpoint][]).map(([name, endpoint]) => {
  const keys: string[] = [];
  const pattern = endpointPath(endpoint).replace(/\{(\w+)\}/g, (_, key: string) => {
    keys.push(key);
    return "([^/]+)";
  });
  return { name, endpoint, keys, regex: new RegExp(`^${pattern}/?$`) };
});

/** Matches a method and a path below the base path (`/journeys/{journeyID}/state`) to an endpoint; never throws. */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  return matchPath(method, BASE_PATH + path);
}

/**
 * Matches a method and a whole request path (`/api/v1/headless/journeys/…`, or `/api/tenants/…/webhooks/…` for an
 * endpoint with its own base) to an endpoint; never throws.
 */
export function matchPath(method: string, path: string): RouteMatch | undefined {
  for (const route of COMPILED) {
    if (route.endpoint.method !== method) continue;
    const found = route.regex.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    route.keys.forEach((key, i) => {
      params[key] = safeDecode(found[i + 1] as string);
    });
    return { name: route.name, endpoint: route.endpoint, params };
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape cannot name any resource; keep it raw so the lookup answers 404.
    return segment;
  }
}
