/** Prefixes a generated secret starts with, kept in its redacted form so a reader can tell kinds apart. */
const KNOWN_PREFIX = /^(?:sk_(?:test_|live_)?|al_wh_)/;

/** Secrets shorter than this are never searched for in text (a 3-letter secret would match ordinary words). */
const MIN_SCRUBBED_LENGTH = 8;

/**
 * The redacted form of a secret: its known prefix (`sk_test_`, `al_wh_`), `…`, and its last 4 characters when it
 * is long enough (16+ after the prefix) that 4 reveal nothing useful; e.g. `sk_test_…9f3a`. Pure, never throws.
 */
export function redactSecret(secret: string): string {
  const prefix = KNOWN_PREFIX.exec(secret)?.[0] ?? "";
  const rest = secret.slice(prefix.length);
  return `${prefix}…${rest.length >= 16 ? rest.slice(-4) : ""}`;
}

/** Replaces every known secret in text and in JSON-like values by its {@link redactSecret} form. */
export class Redactor {
  /** `secrets` is asked on every use, so secrets issued later (rotations, new endpoints) are covered. */
  constructor(private readonly secrets: () => Iterable<string>) {}

  /** `text` with every known secret (of 8+ characters) replaced; never throws. */
  text(text: string): string {
    return replaceAll(text, this.searched());
  }

  /** A deep copy of a JSON-like value with every string passed through {@link Redactor.text}; never throws. */
  value(value: unknown): unknown {
    const secrets = this.searched();
    if (secrets.length === 0) return value;
    const scrub = (v: unknown): unknown => {
      if (typeof v === "string") return replaceAll(v, secrets);
      if (Array.isArray(v)) return v.map(scrub);
      if (v && typeof v === "object")
        return Object.fromEntries(Object.entries(v).map(([k, inner]) => [scrub(k) as string, scrub(inner)]));
      return v;
    };
    return scrub(value);
  }

  /** The secrets worth searching for, longest first (so one containing another is replaced whole). */
  private searched(): string[] {
    return [...new Set(this.secrets())]
      .filter((s) => typeof s === "string" && s.length >= MIN_SCRUBBED_LENGTH)
      .sort((a, b) => b.length - a.length);
  }
}

/** `text` with each of `secrets` replaced by its redacted form. */
function replaceAll(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(redactSecret(secret));
  return out;
}
