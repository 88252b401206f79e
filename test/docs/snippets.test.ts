import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ENTRY_POINTS, markdownFiles, type Snippet, snippetsOf } from "./snippets.js";

const root = new URL("../../", import.meta.url).pathname;

/** Type-checks every snippet as its own module, importing the package's entry points from source. */
function diagnose(snippets: readonly Snippet[]): string[] {
  const files = new Map<string, Snippet>();
  for (const [i, s] of snippets.entries())
    files.set(`${root}test/docs/.snippet-${i}.${s.tsx ? "tsx" : "ts"}`, s);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    jsx: ts.JsxEmit.ReactJSX,
    baseUrl: root,
    paths: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([k, v]) => [k, [v]])),
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => {
    const snippet = files.get(name);
    return snippet ? `${snippet.code}\nexport {};\n` : readFile(name);
  };
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const program = ts.createProgram([...files.keys(), `${root}test/docs/snippet-globals.d.ts`], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => {
      const snippet = files.get(d.file!.fileName)!;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${snippet.file}:${snippet.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
}

describe("code snippets in the README and docs", () => {
  const snippets = markdownFiles().flatMap(snippetsOf);

  it("exist (the README's frontend and backend examples among them)", () => {
    expect(snippets.filter((s) => s.file === "README.md").length).toBeGreaterThanOrEqual(2);
  });

  it("all type-check against the package's real entry points", () => {
    expect(diagnose(snippets)).toEqual([]);
  });
});
