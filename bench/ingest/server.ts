/**
 * The server side of benchmark 2, run as a child process so it has a core of its own apart from the load
 * generator: `sdk` serves `createWebhookHandler(...).node` with the memory store; `bare` is a node:http handler
 * that reads the body and answers 204; `spin` is `bare` spending a fixed CPU time per request (calibration);
 * `verify` is `bare` verifying each delivery (signature and parsed body, the handler's first step) before its 204. Sends `{ port }` over IPC once listening, `{ counts }` on `"counts"`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createMemoryJourneyStore,
  createWebhookHandler,
  createWebhookVerifier,
} from "../../src/server/index.js";

const mode = process.argv[2];
const secret = process.env.BENCH_WEBHOOK_SECRET ?? "";
const counts = { requests: 0, applied: 0, failures: 0 };
/** CPU per request of the calibration handler (`spin` mode), in µs: the second argument. */
const SPIN_MICROS = Number(process.argv[3] ?? 0);

async function listener(): Promise<Parameters<typeof createServer>[1]> {
  if (mode === "bare") {
    return (req, res) => {
      counts.requests++;
      req.on("data", () => {});
      req.on("end", () => res.writeHead(204).end());
    };
  }
  if (mode === "spin") {
    // Calibration: the bare handler, spending SPIN_MICROS of CPU per request (what a handler costing that much reaches).
    const micros = SPIN_MICROS;
    return (req, res) => {
      counts.requests++;
      req.on("data", () => {});
      req.on("end", () => {
        const until = performance.now() + micros / 1000;
        while (performance.now() < until);
        res.writeHead(204).end();
      });
    };
  }
  if (mode === "verify") {
    // Calibration: verification alone, then the bare answer: what any handler that verifies can reach here.
    const verifier = await createWebhookVerifier(secret, { toleranceSec: 300 });
    return (req, res) => {
      counts.requests++;
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        verifier.verify(Buffer.concat(chunks), req.headers, { now: Date.now() }).then(
          () => res.writeHead(204).end(),
          () => {
            counts.failures++;
            res.writeHead(401).end();
          },
        );
      });
    };
  }
  if (mode !== "sdk") throw new Error(`mode must be sdk, bare, spin or verify, not ${mode}`);
  const handler = await createWebhookHandler({
    secrets: secret,
    store: createMemoryJourneyStore(),
    onSnapshot: () => {
      counts.applied++;
    },
    onError: () => {
      counts.failures++;
    },
  });
  return (req, res) => {
    counts.requests++;
    void handler.node(req, res);
  };
}

const server = createServer(await listener());
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on("message", (message) => {
  if (message === "counts") process.send?.({ counts });
  if (message === "stop") server.close(() => process.exit(0));
});
