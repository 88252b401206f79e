import type { LifecycleEngine } from "./engine.js";
import { SandboxProblem } from "./problem.js";

/** A hosted-page response: HTML, a redirect, a document or an image. */
export interface HostedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, title: string, content: string): HostedResponse {
  return {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8" },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${content}</main></body></html>`,
  };
}

const TINY_PDF = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] >> endobj
trailer << /Root 1 0 R >>
%%EOF
`;

/**
 * Serves the hosted pages under `/hosted`: a REDIRECT link's page (complete or fail it, then back to
 * `returnUrl`), the default return page, documents and lender logos. Never throws: errors become pages.
 */
export function handleHosted(
  engine: LifecycleEngine,
  nowMs: number,
  method: string,
  path: string,
): HostedResponse {
  const segments = path.split("/").filter(Boolean).slice(1);
  const [area, name, outcome] = segments;
  if (area === "r" && name) {
    const link = engine.link(name);
    if (!link) return page(404, "Link not found", "<p>This link does not exist.</p>");
    if (method === "GET" && !outcome) {
      if (link.used) return page(410, "Link used", "<p>This link was already used.</p>");
      if (link.expiresAtMs <= nowMs)
        return page(410, "Link expired", "<p>This link has expired; resume the journey.</p>");
      if (!engine.linkApplies(link))
        return page(410, "Link unavailable", "<p>This link no longer applies; go back to the app.</p>");
      const title = link.purpose === "foreclosure" ? "Foreclosure payment (sandbox)" : "Sandbox hosted step";
      return page(
        200,
        title,
        `<p>This page stands in for a provider's hosted page.</p>
<form method="post" action="/hosted/r/${escapeHtml(name)}/complete"><button type="submit">Complete</button></form>
<form method="post" action="/hosted/r/${escapeHtml(name)}/fail"><button type="submit">Fail</button></form>`,
      );
    }
    if (method === "POST" && (outcome === "complete" || outcome === "fail")) {
      try {
        engine.completeLink(name, outcome === "complete");
      } catch (error) {
        if (error instanceof SandboxProblem)
          return page(error.status, "Link unavailable", `<p>${escapeHtml(error.message)}</p>`);
        throw error;
      }
      const back = new URL(link.returnUrl);
      back.searchParams.set("status", outcome === "complete" ? "completed" : "failed");
      return { status: 303, headers: { Location: back.toString(), "Content-Type": "text/plain" }, body: "" };
    }
  }
  if (area === "return" && method === "GET") return page(200, "Done", "<p>You can close this window.</p>");
  if (area === "documents" && name && method === "GET")
    return { status: 200, headers: { "Content-Type": "application/pdf" }, body: TINY_PDF };
  if (area === "lenders" && name && method === "GET")
    return {
      status: 200,
      headers: { "Content-Type": "image/svg+xml" },
      body: `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" rx="12" fill="#2b6cb0"/><text x="32" y="40" font-size="24" text-anchor="middle" fill="#fff">${escapeHtml(name.slice(0, 1).toUpperCase())}</text></svg>`,
    };
  return page(404, "Not found", "<p>Nothing here.</p>");
}
