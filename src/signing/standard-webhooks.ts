import { createHmac, randomBytes } from 'node:crypto';
import { ed25519PrivateKey, ed25519PublicKeyBytes, ed25519Sign, generateEd25519KeyBytes } from './ed25519.js';

/**
 * Standard Webhooks signing (the scheme Svix uses). The signed content is
 * `{webhook-id}.{webhook-timestamp}.{body}`. A symmetric `whsec_` secret signs it with
 * HMAC-SHA256 as `v1,<base64>`; an asymmetric `whsk_` secret (an Ed25519 private key) signs
 * it as `v1a,<base64>`, and the consumer verifies with the matching `whpk_` public key.
 */
const HMAC_PREFIX = 'whsec_';
const PRIVATE_KEY_PREFIX = 'whsk_';
const PUBLIC_KEY_PREFIX = 'whpk_';
const HMAC_SECRET_BYTES = 24;

export type SecretKind = 'hmac' | 'ed25519';
export const SECRET_KINDS: readonly SecretKind[] = ['hmac', 'ed25519'];

export function generateSecret(kind: SecretKind = 'hmac'): string {
  if (kind === 'ed25519') return PRIVATE_KEY_PREFIX + generateEd25519KeyBytes().toString('base64');
  return HMAC_PREFIX + randomBytes(HMAC_SECRET_BYTES).toString('base64');
}

export function secretKind(secret: string): SecretKind {
  return secret.startsWith(PRIVATE_KEY_PREFIX) ? 'ed25519' : 'hmac';
}

function keyBytes(secret: string): Buffer {
  for (const prefix of [HMAC_PREFIX, PRIVATE_KEY_PREFIX]) {
    if (secret.startsWith(prefix)) return Buffer.from(secret.slice(prefix.length), 'base64');
  }
  return Buffer.from(secret, 'base64');
}

/** Adds the `whsec_` prefix to a caller-supplied HMAC secret that lacks it; keeps `whsk_` keys. */
export function normalizeSecret(secret: string): string {
  if (secret.startsWith(PRIVATE_KEY_PREFIX) || secret.startsWith(HMAC_PREFIX)) return secret;
  return HMAC_PREFIX + secret;
}

/** Returns an error message when a `whsk_` secret is not a usable Ed25519 key, else null. */
export function checkSecret(secret: string): string | null {
  if (secretKind(secret) !== 'ed25519') return null;
  const bytes = keyBytes(secret);
  let publicKey: Buffer;
  try {
    publicKey = ed25519PublicKeyBytes(ed25519PrivateKey(bytes));
  } catch {
    return 'a whsk_ secret must be a base64 Ed25519 key of 32 bytes (seed) or 64 bytes (seed and public key)';
  }
  // Signing uses only the seed, so a stale public half would mislead anyone reading the key.
  if (bytes.length === 64 && !publicKey.equals(bytes.subarray(32))) {
    return 'the last 32 bytes of a 64-byte whsk_ secret must be the public key of its seed';
  }
  return null;
}

/** Returns what the consumer verifies with: the secret itself for HMAC, the `whpk_` key for Ed25519. */
export function verificationKey(secret: string): string {
  if (secretKind(secret) === 'hmac') return secret;
  const publicKey = ed25519PublicKeyBytes(ed25519PrivateKey(keyBytes(secret)));
  return PUBLIC_KEY_PREFIX + publicKey.toString('base64');
}

export function sign(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  if (secretKind(secret) === 'ed25519') {
    const content = Buffer.concat([Buffer.from(`${messageId}.${timestampSeconds}.`), Buffer.from(body)]);
    return `v1a,${ed25519Sign(ed25519PrivateKey(keyBytes(secret)), content).toString('base64')}`;
  }
  const hmac = createHmac('sha256', keyBytes(secret));
  hmac.update(`${messageId}.${timestampSeconds}.`);
  hmac.update(body);
  return `v1,${hmac.digest('base64')}`;
}

/**
 * Signs with each secret and joins the signatures with spaces, the Standard Webhooks form for
 * several signatures, so a receiver holding any one of the secrets verifies.
 */
export function signAll(
  secrets: readonly string[],
  messageId: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  return secrets.map((secret) => sign(secret, messageId, timestampSeconds, body)).join(' ');
}
