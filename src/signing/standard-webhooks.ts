import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (the scheme Svix uses): the key is the base64-decoded secret
 * without its `whsec_` prefix, the signed content is `{webhook-id}.{webhook-timestamp}.{body}`,
 * and the header value is `v1,` plus the base64 HMAC-SHA256.
 */
const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 24;

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/** Adds the `whsec_` prefix to a caller-supplied secret that lacks it. */
export function normalizeSecret(secret: string): string {
  return secret.startsWith(SECRET_PREFIX) ? secret : SECRET_PREFIX + secret;
}

export function sign(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  const hmac = createHmac('sha256', secretKey(secret));
  hmac.update(`${messageId}.${timestampSeconds}.`);
  hmac.update(body);
  return `v1,${hmac.digest('base64')}`;
}
