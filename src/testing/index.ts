/**
 * credit-journey/testing: fast-check arbitraries of legal server histories, delivery schedules and borrower
 * intents, plus payload fixtures, for integrators who test their own hosts of the journey reducer.
 */
export { JOURNEY_STATUSES, LIFECYCLE } from "../contract/index.js";
export * from "./arbitraries.js";
export * from "./fixtures.js";
