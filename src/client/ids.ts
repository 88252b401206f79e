/**
 * A random UUID v4 from Web Crypto, for `Idempotency-Key` and default correlation ids. Uses
 * `crypto.randomUUID()`, falling back to `crypto.getRandomValues()` where `randomUUID` is missing
 * (browsers expose it only in secure contexts). Never throws where Web Crypto exists.
 */
export function randomId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
