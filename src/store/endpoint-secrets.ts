import type { Kysely } from 'kysely';
import { ConflictError } from '../errors.js';
import type { SecretCipher } from '../signing/secret-cipher.js';
import type { EndpointRow } from './endpoints.js';
import type { Database } from './schema.js';

/** A secret replaced by rotation, still signed with until `expiresAt` (milliseconds). */
export interface PreviousSecret {
  key: string;
  expiresAt: number;
}

/** Previous secrets kept per endpoint; a rotation beyond this drops the oldest. */
export const MAX_PREVIOUS_SECRETS = 5;

export function readPreviousSecrets(cipher: SecretCipher, stored: string): PreviousSecret[] {
  return JSON.parse(cipher.open(stored)) as PreviousSecret[];
}

/** Returns the current secret followed by the previous ones that have not expired at `now`. */
export function signingSecrets(
  cipher: SecretCipher,
  row: Pick<EndpointRow, 'secret' | 'previous_secrets'>,
  now: number,
): string[] {
  const previous = readPreviousSecrets(cipher, row.previous_secrets).filter((entry) => entry.expiresAt > now);
  return [cipher.open(row.secret), ...previous.map((entry) => entry.key)];
}

/**
 * Replaces the endpoint's secret with `newSecret`. The old one stays valid for `graceMs`
 * (not at all when 0); expired entries are dropped and at most MAX_PREVIOUS_SECRETS are kept.
 */
export async function rotateEndpointSecret(
  db: Kysely<Database>,
  cipher: SecretCipher,
  endpoint: EndpointRow,
  newSecret: string,
  graceMs: number,
): Promise<void> {
  const now = Date.now();
  const kept = readPreviousSecrets(cipher, endpoint.previous_secrets).filter((entry) => entry.expiresAt > now);
  if (graceMs > 0) kept.unshift({ key: cipher.open(endpoint.secret), expiresAt: now + graceMs });
  const previous = kept.slice(0, MAX_PREVIOUS_SECRETS);

  const result = await db
    .updateTable('endpoints')
    .set({
      secret: cipher.seal(newSecret),
      previous_secrets: cipher.seal(JSON.stringify(previous)),
      updated_at: now,
    })
    .where('id', '=', endpoint.id)
    // Only if no other rotation got in first, or its old secret would be lost.
    .where('secret', '=', endpoint.secret)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) {
    throw new ConflictError('The endpoint secret was rotated by another request at the same time. Try again.');
  }
}
