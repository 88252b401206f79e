/** The most bytes of an answer's body a client reads (4 MiB): a larger one is a `CONTRACT` failure, unread. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * An answer's body as text (UTF-8, as `response.text()` decodes it), read while it streams in and given up past
 * {@link MAX_RESPONSE_BYTES} (or a `Content-Length` over it): then `undefined`, and the rest is cancelled.
 * Rejects as the body's read does (a network failure mid-body, an abort).
 */
export async function readResponseText(response: Response): Promise<string | undefined> {
  if (Number(response.headers.get("content-length")) > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    return undefined;
  }
  const reader = response.body?.getReader();
  if (reader === undefined) {
    const text = await response.text();
    return text.length > MAX_RESPONSE_BYTES ? undefined : text;
  }
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}
