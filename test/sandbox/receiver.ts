import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One webhook request the test receiver got. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
}

/** A loopback webhook receiver; `respond` picks each answer's status (default 204). */
export async function startReceiver(respond: (n: number) => number = () => 204) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(respond(received.length));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The documented signature [L6], computed independently of the SDK: hex HMAC-SHA256 over `${timestamp}.${rawBody}`. */
export const hmac = (secret: string, timestamp: string, raw: string) =>
  createHmac("sha256", secret).update(`${timestamp}.${raw}`).digest("hex");

/** One header of a received delivery. @throws {Error} naming it when it is missing or repeated. */
export const header = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name];
  if (typeof value !== "string") throw new Error(`missing header ${name}`);
  return value;
};
