/** credit-journey/client: HTTP clients for the borrower app and the partner backend (in progress). */
export { BASE_PATH, ENDPOINTS, isMutatingMethod } from "../contract/index.js";
