/** Header shapes a verifier accepts: a Fetch `Headers`, a Node `IncomingHttpHeaders` or a plain object. */
export type HeaderInput =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

/**
 * Returns one header value, looked up case-insensitively. Repeated values (a Node array) are
 * joined with ", " as HTTP folds them.
 */
export function readHeader(headers: HeaderInput, name: string): string | undefined {
  const lowerName = name.toLowerCase();
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(lowerName) ?? undefined;
  }

  const record = headers as Record<string, string | string[] | undefined>;
  const exact = record[lowerName];
  if (exact !== undefined) return Array.isArray(exact) ? exact.join(', ') : exact;
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() !== lowerName || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}
