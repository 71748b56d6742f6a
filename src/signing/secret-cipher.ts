import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption of secrets at rest. The AES-256-GCM key is derived from HOOKLINE_MAIN_KEY with
 * HKDF-SHA256; each value gets a random 12-byte nonce and is stored as
 * `hlenc1:` + base64(nonce, ciphertext, 16-byte tag). The version in the prefix lets a later
 * scheme coexist with values written by this one.
 */
export const ENCRYPTED_PREFIX = 'hlenc1:';
const HKDF_INFO = 'hookline secrets at rest v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Short main keys are guessable; 16 characters is the shortest accepted. */
export const MIN_MAIN_KEY_LENGTH = 16;

export class SecretDecryptionError extends Error {}

export function isEncrypted(stored: string): boolean {
  return stored.startsWith(ENCRYPTED_PREFIX);
}

export class SecretCipher {
  private readonly key: Buffer | null;

  /** Without a main key, values are stored and read in clear. */
  constructor(mainKey: string | undefined) {
    this.key = mainKey === undefined ? null : Buffer.from(hkdfSync('sha256', mainKey, Buffer.alloc(0), HKDF_INFO, 32));
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  /** Encrypts `plain` for storage, or returns it unchanged without a main key. */
  seal(plain: string): string {
    if (!this.key) return plain;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ENCRYPTED_PREFIX + Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]).toString('base64');
  }

  /** Decrypts a stored value; values stored in clear, before a main key was set, pass through. */
  open(stored: string): string {
    if (!isEncrypted(stored)) return stored;
    if (!this.key) throw new SecretDecryptionError('The value is encrypted but HOOKLINE_MAIN_KEY is not set.');
    const data = Buffer.from(stored.slice(ENCRYPTED_PREFIX.length), 'base64');
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new SecretDecryptionError('The encrypted value is truncated.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      const body = data.subarray(NONCE_BYTES, data.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SecretDecryptionError('Decrypting a stored value failed: HOOKLINE_MAIN_KEY is not the key it was encrypted with.', { cause: error });
    }
  }
}
