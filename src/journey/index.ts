/** The reducer facade over the journey statechart: `journey.initial`, `journey.reduce`, `journey.view`. */
import { commandsOf, initial, initialWithCommands, reduce, view } from "./reduce.js";

export * from "./cadence.js";
export * from "./commands.js";
export * from "./events.js";
export {
  commandsOf,
  type InitialInput,
  initial,
  initialWithCommands,
  type ReduceResult,
  reduce,
  view,
} from "./reduce.js";

/** The reducer-like interface every host embeds: pure, serialisable, replayable. */
export const journey = { initial, initialWithCommands, reduce, view, commandsOf } as const;
