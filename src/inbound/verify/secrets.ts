import { VerifierConfigError } from './errors.js';

/**
 * Rejects a secret that is empty or has leading or trailing whitespace. A newline copied from
 * an environment file would otherwise become part of the HMAC key and every request would fail
 * with a plain mismatch.
 */
export function checkSecret(secret: unknown, field = 'secret'): string {
  if (typeof secret !== 'string' || secret === '') {
    throw new VerifierConfigError(field, `${field} is required and must be a non-empty string.`);
  }
  if (secret.trim() !== secret) {
    throw new VerifierConfigError(field, `${field} has leading or trailing whitespace; remove it.`);
  }
  return secret;
}

/** Accepts one secret or a list, so a rotation can keep the old and the new secret. */
export function checkSecrets(secrets: unknown, field = 'secret'): string[] {
  const list = Array.isArray(secrets) ? secrets : [secrets];
  if (list.length === 0) throw new VerifierConfigError(field, `${field} must name at least one secret.`);
  return list.map((secret) => checkSecret(secret, field));
}
