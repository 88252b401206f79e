/** credit-journey/runtime: the live journey actor (in progress). */
export { isEnded, stateClass } from "../contract/index.js";
