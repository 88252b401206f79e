// Web APIs only: this module runs on Node, Deno, Bun, edge runtimes and in browsers' workers.
import { concatBytes, type HmacFactory, type HmacSigner, toHex } from "./hmac.js";

const encoder = new TextEncoder();

/** HMAC-SHA256 signers on Web Crypto (`crypto.subtle`), each key imported once. Never throws itself. */
export const webHmac: HmacFactory = async (secrets) =>
  Promise.all(
    secrets.map(async (secret): Promise<HmacSigner> => {
      const key = await crypto.subtle.importKey(
        "raw",
        encoder.encode(secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      return {
        sign: async (prefix, body) =>
          toHex(
            new Uint8Array(await crypto.subtle.sign("HMAC", key, concatBytes(encoder.encode(prefix), body))),
          ),
      };
    }),
  );
