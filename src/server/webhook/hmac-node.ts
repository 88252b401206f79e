import { createHmac } from "node:crypto";
import type { HmacFactory } from "./hmac.js";

/** HMAC-SHA256 signers on `node:crypto`: synchronous, no key import. Never throws itself. */
export const nodeHmac: HmacFactory = async (secrets) =>
  secrets.map((secret) => ({
    sign: (message: Uint8Array) => createHmac("sha256", secret).update(message).digest("hex"),
  }));
