/**
 * `npm run pack:smoke` (CI, after `pack:check`): installs the packed tarball into an empty project, as a partner
 * would, and checks its `credit-journey` command: `--version` names the package's version, and `--web` serves the
 * borrower web app (the page and its script) from what the package ships. Exits 1 naming what failed.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../../", import.meta.url).pathname;
const { version } = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version: string };
const tarball = (await readdir(join(root, ".pack"))).find((f) => f.endsWith(".tgz"));
if (tarball === undefined) throw new Error("no .pack/*.tgz: run npm run pack:check first");
const project = await mkdtemp(join(tmpdir(), "credit-journey-installed-"));
try {
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "partner-app", private: true }));
  execFileSync(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", join(root, ".pack", tarball)],
    { cwd: project, stdio: "inherit" },
  );
  const bin = join(project, "node_modules", ".bin", "credit-journey");
  const printed = execFileSync(bin, ["--version"], { cwd: project, encoding: "utf8" }).trim();
  if (!printed.includes(version)) throw new Error(`--version printed "${printed}", not ${version}`);
  const child = spawn(bin, ["--web", "--port", "0"], { cwd: project, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("--web printed no URL within 60 s")), 60_000);
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = out.match(/web app: (http:\/\/127\.0\.0\.1:\d+)/);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once("exit", (code) => reject(new Error(`--web exited with ${code}: ${out}`)));
    });
    const page = await (await fetch(url)).text();
    const script = page.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    if (!page.includes('<div id="root">') || script === undefined)
      throw new Error(`--web served no app page: ${page.slice(0, 200)}`);
    const asset = await fetch(`${url}${script}`);
    if (asset.status !== 200) throw new Error(`--web answered ${asset.status} for ${script}`);
    console.log(`the installed package: --version ${printed}; --web served the app and ${script}`);
  } finally {
    child.kill("SIGTERM");
  }
} finally {
  await rm(project, { recursive: true, force: true });
}
