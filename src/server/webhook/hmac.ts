/** One secret ready to sign with: hex HMAC-SHA256 of a message [L6]. */
export interface HmacSigner {
  /**
   * Lower-case hex HMAC-SHA256 under this signer's secret of the message `prefix` (as UTF-8) then `body` (given
   * apart, so a streaming HMAC never copies the body into one message).
   */
  sign(prefix: string, body: Uint8Array): string | Promise<string>;
}

/** Makes a signer per secret, in order: `node:crypto` on Node, Web Crypto elsewhere. */
export type HmacFactory = (secrets: readonly string[]) => Promise<HmacSigner[]>;

/** `prefix` then `body`, as one array of bytes. Never throws. */
export function concatBytes(prefix: Uint8Array, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  return message;
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
