import { webhookFunctions } from "./entry.js";
import { nodeHmac } from "./hmac-node.js";

/** The webhook functions of the Node entry, on `node:crypto`'s synchronous HMAC. */
export const nodeWebhooks = webhookFunctions(nodeHmac);
