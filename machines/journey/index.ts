/** The journey statechart: machine, types, guards, lifecycle facts, cadence policy and connect. */
export * from "./journey.actions.js";
export * from "./journey.cadence.js";
export * from "./journey.connect.js";
export * from "./journey.guards.js";
export * from "./journey.intents.js";
export * from "./journey.lifecycle.js";
export * from "./journey.machine.js";
export * from "./journey.types.js";
