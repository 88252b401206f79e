/** A Fetch `Headers`-like object: anything with a case-insensitive `get`. */
export interface HeaderGetter {
  get(name: string): string | null;
}

/** A node `IncomingHttpHeaders`-like or plain record; names are matched case-insensitively. */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Request headers in any of the shapes web frameworks hand over. */
export type WebhookHeaders = HeaderGetter | HeaderRecord;

function isHeaderGetter(headers: WebhookHeaders): headers is HeaderGetter {
  return typeof (headers as { get?: unknown }).get === "function";
}

/** Reads one header (`name` lower-case), case-insensitively; repeated values joined by ", "; empty reads as absent. */
export function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  let value: string | readonly string[] | null | undefined;
  if (isHeaderGetter(headers)) {
    value = headers.get(name);
  } else {
    value = headers[name];
    if (value === undefined) {
      const key = Object.keys(headers).find((k) => k.length === name.length && k.toLowerCase() === name);
      value = key === undefined ? undefined : headers[key];
    }
  }
  const text = typeof value === "string" ? value : Array.isArray(value) ? value.join(", ") : undefined;
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}
