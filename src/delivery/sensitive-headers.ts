/** Header names whose values are credentials, compared in lower case. */
const SENSITIVE_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
]);
/**
 * Names containing any of these are treated as credentials too, such as `x-webhook-secret`,
 * `x-authorization` or `x-session-id`. Underscores count as hyphens.
 */
const SENSITIVE_PARTS = ['secret', 'token', 'password', 'passwd', 'auth', 'credential', 'session', 'api-key', 'apikey'];
/** Names ending in `-key` are often keys of cloud gateways, such as `x-functions-key`. */
const SENSITIVE_SUFFIX = '-key';

/** The value stored and shown in place of a sensitive header's value. */
export const MASKED_VALUE = '********';

export function isSensitiveHeader(name: string): boolean {
  const lower = name.toLowerCase().replaceAll('_', '-');
  if (SENSITIVE_HEADERS.has(lower) || lower.endsWith(SENSITIVE_SUFFIX)) return true;
  return SENSITIVE_PARTS.some((part) => lower.includes(part));
}

/** Returns a copy of `headers` with the value of every sensitive header replaced by MASKED_VALUE. */
export function maskSensitiveHeaders(headers: Record<string, string>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    masked[name] = isSensitiveHeader(name) ? MASKED_VALUE : value;
  }
  return masked;
}
