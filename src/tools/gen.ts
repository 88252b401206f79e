/** `npm run gen`: writes the generated documents under docs/ from the code they describe. */
import { writeFileSync } from "node:fs";
import { buildOpenApiDocument } from "../contract/openapi.js";

writeFileSync(
  new URL("../../docs/openapi.json", import.meta.url),
  `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`,
);
console.log("wrote docs/openapi.json");
