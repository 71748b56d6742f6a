import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** DER header of a PKCS #8 Ed25519 private key; the 32-byte seed follows it (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SEED_BYTES = 32;
const PUBLIC_KEY_BYTES = 32;

/**
 * Returns the private key for the raw key bytes of a `whsk_` secret: either the 32-byte seed
 * or the 64-byte seed-plus-public-key form that libsodium uses.
 */
export function ed25519PrivateKey(keyBytes: Buffer): KeyObject {
  if (keyBytes.length !== SEED_BYTES && keyBytes.length !== SEED_BYTES + PUBLIC_KEY_BYTES) {
    throw new Error(`An Ed25519 key must be 32 or 64 bytes, not ${keyBytes.length}.`);
  }
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, keyBytes.subarray(0, SEED_BYTES)]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/** Returns the raw 32-byte public key of an Ed25519 private key. */
export function ed25519PublicKeyBytes(privateKey: KeyObject): Buffer {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - PUBLIC_KEY_BYTES);
}

/** Generates a key in the 64-byte seed-plus-public-key form. */
export function generateEd25519KeyBytes(): Buffer {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const seed = pkcs8.subarray(pkcs8.length - SEED_BYTES);
  return Buffer.concat([seed, ed25519PublicKeyBytes(privateKey)]);
}

export function ed25519Sign(privateKey: KeyObject, content: Buffer): Buffer {
  return sign(null, content, privateKey);
}
