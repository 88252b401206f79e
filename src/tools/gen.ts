/** `npm run gen`: writes the generated documents under docs/ from the code they describe. */
import { writeFileSync } from "node:fs";
import { renderStateMachineDoc } from "../../machines/journey/journey.docs.js";
import { buildOpenApiDocument } from "../contract/openapi.js";

writeFileSync(
  new URL("../../docs/openapi.json", import.meta.url),
  `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`,
);
console.log("wrote docs/openapi.json");

writeFileSync(new URL("../../docs/state-machine.md", import.meta.url), renderStateMachineDoc());
console.log("wrote docs/state-machine.md");
