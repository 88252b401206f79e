/**
 * credit-journey: the browser-safe root entry. The wire contract (schemas, types, lifecycle helpers);
 * the journey statechart and its pure reducer arrive here with the statechart issue.
 */
export * from "./contract/index.js";
