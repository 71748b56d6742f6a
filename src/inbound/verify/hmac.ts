import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

export function hmac(algorithm: HmacAlgorithm, key: Uint8Array | string, ...parts: Uint8Array[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Compares two digests in constant time; digests of different lengths never match. */
export function digestsEqual(expected: Buffer, received: Buffer): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes a hex or base64 digest strictly, or returns null when the text is not that encoding. */
export function decodeDigest(text: string, encoding: 'hex' | 'base64'): Buffer | null {
  if (encoding === 'hex') return HEX.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : null;
  if (!BASE64.test(text) || text.length % 4 !== 0) return null;
  return Buffer.from(text, 'base64');
}

/** Throws `raw_body_required` unless the body is bytes or a string, so a parsed object is caught early. */
export function requireRawBody(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  throw new WebhookVerificationError(
    'raw_body_required',
    'The raw request body (Buffer, Uint8Array or string) is required; a parsed object cannot be verified.',
  );
}

export function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}
