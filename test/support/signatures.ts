import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { ReceivedRequest } from './receiver.js';

function headerRecord(request: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
}

/** Verifies a delivery with the standardwebhooks package; returns the payload or throws. */
export function verifyHmac(secret: string, request: ReceivedRequest): unknown {
  return new Webhook(secret).verify(request.body.toString('utf8'), headerRecord(request));
}

/** Returns whether the delivery verifies with `secret`. */
export function verifiesWithHmac(secret: string, request: ReceivedRequest): boolean {
  try {
    verifyHmac(secret, request);
    return true;
  } catch {
    return false;
  }
}

/** Splits the `webhook-signature` header into its space-separated signatures. */
export function signatureEntries(request: ReceivedRequest): string[] {
  return String(request.headers['webhook-signature']).split(' ');
}

/**
 * Checks the `v1a` Ed25519 signatures of a delivery with node:crypto against a `whpk_` public
 * key; returns true when one of them verifies over `{id}.{timestamp}.{body}`.
 */
export function verifiesWithEd25519(publicKey: string, request: ReceivedRequest): boolean {
  const raw = Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  const content = Buffer.concat([
    Buffer.from(`${String(request.headers['webhook-id'])}.${String(request.headers['webhook-timestamp'])}.`),
    request.body,
  ]);
  return signatureEntries(request)
    .filter((entry) => entry.startsWith('v1a,'))
    .some((entry) => verify(null, content, key, Buffer.from(entry.slice('v1a,'.length), 'base64')));
}

/** Generates an Ed25519 key pair as a `whsk_` secret (seed and public key) and its `whpk_` key. */
export function generateEd25519Secret(): { secret: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const pub = Buffer.from(jwk.x!, 'base64url');
  return { secret: `whsk_${Buffer.concat([seed, pub]).toString('base64')}`, publicKey: `whpk_${pub.toString('base64')}` };
}
