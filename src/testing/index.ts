/** credit-journey/testing: fast-check arbitraries and model helpers for integrators (in progress). */
export { JOURNEY_STATUSES, LIFECYCLE } from "../contract/index.js";
