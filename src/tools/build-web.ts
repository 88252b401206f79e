/** `npm run build` (its last step): builds the borrower web app once into `dist/web`, which the package ships. */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWebApp } from "../demo/web/build.js";

const cacheDir = await mkdtemp(join(tmpdir(), "credit-journey-web-build-"));
try {
  const built = await buildWebApp({ cacheDir });
  const target = new URL("../../dist/web/", import.meta.url);
  await rm(target, { recursive: true, force: true });
  await cp(built, target, { recursive: true });
  console.log("wrote dist/web");
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}
