import { isIP } from 'node:net';
import { HooklineError, ValidationError } from '../errors.js';
import { unbracket, type DestinationGuard } from '../delivery/destination-guard.js';

/** Input limits for endpoints; the JSON schemas enforce the per-field ones. */
export const LIMITS = {
  /** Maximum endpoint URL length, in characters. Svix's schema allows 65536; few real URLs pass 2000. */
  urlLength: 2048,
  headerCount: 32,
  headerNameLength: 256,
  headerValueLength: 4096,
  /** All custom header names and values together, in bytes. */
  headerBytes: 16 * 1024,
  filterTypes: 256,
  metadataKeys: 64,
  /** The whole metadata object as JSON, in bytes. */
  metadataBytes: 16 * 1024,
} as const;

/** The checks the API applies to an endpoint URL when it is saved. */
export interface UrlPolicy {
  guard: DestinationGuard;
  /** Rejects http:// URLs, except to addresses HOOKLINE_ALLOW_PRIVATE_CIDRS opens. */
  httpsOnly: boolean;
}

function urlError(msg: string): ValidationError {
  return ValidationError.single(['body', 'url'], msg);
}

function isLocalhostName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === 'localhost.';
}

/**
 * Accepts an absolute http(s) URL without credentials. An IP literal (after WHATWG URL has
 * normalized decimal, octal and hex IPv4 forms) must pass the destination guard now; a
 * hostname is checked when each attempt connects, because its addresses can change.
 */
export function validateEndpointUrl(url: string, policy: UrlPolicy): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw urlError(`url is not a valid absolute URL: "${url.slice(0, 100)}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw urlError(`url must use http or https, not "${parsed.protocol}"`);
  }
  if (parsed.username || parsed.password) {
    throw urlError('url must not contain credentials; use endpoint headers instead');
  }

  const host = unbracket(parsed.hostname);
  const literal = isIP(host) !== 0;
  // localhost names resolve to loopback without DNS (RFC 6761), so they are judged as 127.0.0.1.
  const address = literal ? host : isLocalhostName(host) ? '127.0.0.1' : null;
  if (address !== null) policy.guard.assertAllowed(host, address);

  const exempt = address !== null && policy.guard.isAllowed(address);
  if (policy.httpsOnly && parsed.protocol === 'http:' && !exempt) {
    throw new HooklineError(
      'https_required',
      422,
      'url must use https because HOOKLINE_HTTPS_ONLY is set; plain http is allowed only to ' +
        'addresses in HOOKLINE_ALLOW_PRIVATE_CIDRS.',
    );
  }
  return url;
}

const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'upgrade',
  'expect',
  'trailer',
]);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function headerError(loc: string[], msg: string): ValidationError {
  return ValidationError.single(['body', 'headers', ...loc], msg);
}

/** Rejects custom headers that would break the request, forge its signature or exceed the limits. */
export function validateHeaders(headers: Record<string, string>): Record<string, string> {
  const entries = Object.entries(headers);
  if (entries.length > LIMITS.headerCount) {
    throw headerError([], `at most ${LIMITS.headerCount} custom headers are allowed, got ${entries.length}`);
  }
  let bytes = 0;
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    const reserved = RESERVED_HEADERS.has(lower) || lower.startsWith('webhook-') || lower.startsWith('svix-');
    if (!HEADER_NAME.test(name) || reserved || name.length > LIMITS.headerNameLength) {
      throw headerError([name.slice(0, 100)], `header name "${name.slice(0, 100)}" is invalid, reserved or too long`);
    }
    // Field values are visible ASCII, spaces and tabs; undici rejects anything else at send time.
    if (!/^[\t\x20-\x7e]*$/.test(value)) {
      throw headerError([name], `header "${name}" may contain only visible ASCII characters, spaces and tabs`);
    }
    if (value.length > LIMITS.headerValueLength) {
      throw headerError([name], `header "${name}" is longer than ${LIMITS.headerValueLength} characters`);
    }
    bytes += name.length + value.length;
  }
  if (bytes > LIMITS.headerBytes) {
    throw headerError([], `custom headers total ${bytes} bytes; the limit is ${LIMITS.headerBytes}`);
  }
  return headers;
}

/** Rejects a metadata object whose JSON exceeds LIMITS.metadataBytes. */
export function validateMetadata(metadata: Record<string, string>): Record<string, string> {
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > LIMITS.metadataBytes) {
    throw ValidationError.single(
      ['body', 'metadata'],
      `metadata is ${bytes} bytes as JSON; the limit is ${LIMITS.metadataBytes}`,
    );
  }
  return metadata;
}
