import type { PushRelay } from "../../src/server/index.js";

/**
 * A watcher of `journeyID` on `relay` (through its Fetch adapter): the order keys (`id:` lines) of the snapshot
 * frames it has received so far. `closing` gets the abort that ends it.
 */
export async function watchRelay(
  relay: PushRelay,
  journeyID: string,
  closing: (() => unknown)[],
): Promise<number[]> {
  const abort = new AbortController();
  closing.push(() => abort.abort());
  const response = await relay.handleFetch(
    new Request(`http://worker/push/${journeyID}`, { signal: abort.signal }),
    journeyID,
  );
  const received: number[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      for (const m of decoder.decode(chunk.value).matchAll(/^id: (\d+)$/gm)) received.push(Number(m[1]));
  })().catch(() => {});
  return received;
}
