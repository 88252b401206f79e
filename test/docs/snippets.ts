import { readdirSync, readFileSync } from "node:fs";

/** One fenced TypeScript block of a Markdown file. */
export interface Snippet {
  readonly file: string;
  /** 1-based line of the block's first code line. */
  readonly line: number;
  readonly code: string;
  /** True for a ```tsx block: compiled as TSX. */
  readonly tsx: boolean;
}

const ROOT = new URL("../../", import.meta.url);

/** The package's entry points and the source file each one is built from (snippets import them by name). */
export const ENTRY_POINTS: Readonly<Record<string, string>> = {
  "credit-journey": "src/index.ts",
  "credit-journey/contract": "src/contract/index.ts",
  "credit-journey/client": "src/client/index.ts",
  "credit-journey/runtime": "src/runtime/index.ts",
  "credit-journey/react": "src/react/index.ts",
  "credit-journey/server": "src/server/index.ts",
  "credit-journey/server/edge": "src/server/edge.ts",
  "credit-journey/sandbox": "src/sandbox/index.ts",
  "credit-journey/testing": "src/testing/index.ts",
};

/** The Markdown files whose snippets must compile: the README and everything under docs/. */
export function markdownFiles(): string[] {
  const docs = readdirSync(new URL("docs/", ROOT))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
  return ["README.md", ...docs];
}

/** Every ```ts / ```typescript block of `file` (relative to the repository root). */
export function snippetsOf(file: string): Snippet[] {
  const lines = readFileSync(new URL(file, ROOT), "utf8").split("\n");
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]?.match(/^```(ts|typescript|tsx)\s*$/);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]?.startsWith("```")) end++;
    out.push({ file, line: start + 1, code: lines.slice(start, end).join("\n"), tsx: open[1] === "tsx" });
    i = end;
  }
  return out;
}
