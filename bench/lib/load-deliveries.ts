import autocannon from "autocannon";
import type { SignedDelivery } from "../ingest/deliveries.js";

/** Concurrent connections autocannon keeps open in the ingest benchmarks. */
export const CONNECTIONS = 10;

/**
 * Loads `port` with POST /webhooks for `seconds` over {@link CONNECTIONS} connections; each request takes the
 * next pre-signed delivery from the shared cursor (so deliveries stay distinct across runs of one pool).
 */
export async function loadDeliveries(
  port: number,
  pool: readonly SignedDelivery[],
  cursor: { next: number },
  seconds: number,
): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: "POST",
        path: "/webhooks",
        setupRequest: (request) => {
          const delivery = pool[cursor.next++ % pool.length]!;
          return { ...request, headers: delivery.headers, body: delivery.body };
        },
      },
    ],
  });
}
