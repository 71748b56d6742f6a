import { ENCRYPTED_PREFIX, type SecretCipher } from '../signing/secret-cipher.js';
import { SECRET_FIELDS } from './settings.js';

type Config = Record<string, unknown>;

/** Applies `transform` to each string, or each string of a list, in the secret fields of a config. */
function mapSecrets(config: Config, transform: (value: string) => string): Config {
  const result: Config = { ...config };
  for (const field of SECRET_FIELDS) {
    const value = result[field];
    if (typeof value === 'string') result[field] = transform(value);
    else if (Array.isArray(value)) result[field] = value.map((item) => (typeof item === 'string' ? transform(item) : item));
  }
  return result;
}

/** Encrypts a source's secrets for storage; values already encrypted are left as they are. */
export function sealSourceSecrets(config: Config, cipher: SecretCipher): Config {
  return mapSecrets(config, (value) => (value.startsWith(ENCRYPTED_PREFIX) ? value : cipher.seal(value)));
}

/** Decrypts a stored source config for the verifier. */
export function openSourceSecrets(config: Config, cipher: SecretCipher): Config {
  return mapSecrets(config, (value) => cipher.open(value));
}
