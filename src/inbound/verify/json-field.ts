/**
 * Returns a top-level string field of a JSON object body, or undefined. Verifiers call it only
 * after the signature matched, so a forged body is never parsed.
 */
export function readJsonString(body: Uint8Array, field: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown> | null;
    const value = parsed?.[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
