/** Builds the borrower web app with Vite's JS API, once per source change (cached by a hash of the sources). */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The app's own folder (index.html, main.ts, screens). */
export const WEB_ROOT = fileURLToPath(new URL(".", import.meta.url));
/**
 * The app as the installed package ships it, built when the package was (`npm run build` writes `dist/web`; from
 * `dist/src/demo/web/` that is `../../../web`). From a source checkout the path holds nothing and the app is
 * built from its sources.
 */
export const PREBUILT_APP = fileURLToPath(new URL("../../../web/", import.meta.url));
const PACKAGE_ROOT = resolve(WEB_ROOT, "../../..");
const SOURCE_DIRS = ["src", "machines"].map((dir) => join(PACKAGE_ROOT, dir));

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|css|html)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A hash of every source the bundle can include (path, size, mtime), and of the installed dependency tree. */
async function sourceHash(): Promise<string> {
  const hash = createHash("sha256");
  const files = (await Promise.all(SOURCE_DIRS.map(filesUnder))).flat();
  files.push(join(PACKAGE_ROOT, "package-lock.json"));
  for (const file of files) {
    const info = await stat(file).catch(() => null);
    hash.update(`${file}\0${info?.size}\0${info?.mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * The directory holding the built app (`index.html` and `assets/`): the one the installed package ships
 * ({@link PREBUILT_APP}) unless `cacheDir` is given; else a cached build when the sources did not change,
 * else a fresh `vite build` (React plugin, production mode) written to a temporary folder and moved into place, so
 * concurrent callers never see a half-written build.
 * @throws {Error} (rejects) Vite's build error, unchanged.
 */
export async function buildWebApp(options: { cacheDir?: string } = {}): Promise<string> {
  if (options.cacheDir === undefined && existsSync(join(PREBUILT_APP, "index.html"))) return PREBUILT_APP;
  const cacheRoot = options.cacheDir ?? join(PACKAGE_ROOT, "node_modules", ".cache", "credit-journey-web");
  const outDir = join(cacheRoot, await sourceHash());
  if (existsSync(join(outDir, "index.html"))) return outDir;
  const temporary = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(cacheRoot, { recursive: true });
  // Imported here so that only `--web` needs Vite (a dev dependency) installed.
  const [{ build }, { default: react }] = await Promise.all([import("vite"), import("@vitejs/plugin-react")]);
  await build({
    root: WEB_ROOT,
    configFile: false,
    logLevel: "warn",
    mode: "production",
    plugins: [react()],
    build: {
      outDir: temporary,
      emptyOutDir: true,
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1024,
    },
  });
  try {
    await rename(temporary, outDir);
  } catch (error) {
    // Another process finished the same build first: keep theirs.
    await rm(temporary, { recursive: true, force: true });
    if (!existsSync(join(outDir, "index.html"))) throw error;
  }
  return outDir;
}
