/** One secret ready to sign with: hex HMAC-SHA256 of a message [L6]. */
export interface HmacSigner {
  /** Lower-case hex HMAC-SHA256 of `message` under this signer's secret. */
  sign(message: Uint8Array): string | Promise<string>;
}

/** Makes a signer per secret, in order: `node:crypto` on Node, Web Crypto elsewhere. */
export type HmacFactory = (secrets: readonly string[]) => Promise<HmacSigner[]>;

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
