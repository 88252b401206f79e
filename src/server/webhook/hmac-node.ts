import { createHmac, createSecretKey } from "node:crypto";
import type { HmacFactory } from "./hmac.js";

/**
 * HMAC-SHA256 signers on `node:crypto`: synchronous, each secret made a key once, the message fed in its two
 * parts. Never throws itself (the secrets are checked non-empty before).
 */
export const nodeHmac: HmacFactory = async (secrets) =>
  secrets.map((secret) => {
    const key = createSecretKey(Buffer.from(secret, "utf8"));
    return {
      sign: (prefix, body) => createHmac("sha256", key).update(prefix, "utf8").update(body).digest("hex"),
    };
  });
