/** The polling cadence policy, re-exported where DESIGN.md places it (the machine's folder owns it). */
export {
  CADENCE,
  type CadenceInput,
  deterministicJitter,
  pollCadence,
} from "../../machines/journey/journey.cadence.js";
export { type CadenceBand, STATUS_INFO, type StatusInfo } from "../../machines/journey/journey.lifecycle.js";
