/** credit-journey/sandbox: a local platform simulator (in progress). */
export { ENDPOINTS } from "../contract/index.js";
