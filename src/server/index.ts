/** credit-journey/server: the partner-backend kit (in progress). */
export { parseWebhookEnvelope } from "../contract/index.js";
