import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { isUniqueViolation } from './constraint-errors.js';

/** How long a completed response is replayed for a repeated key. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a key stays claimed by a request that never finished (its process died). */
export const IDEMPOTENCY_PENDING_TTL_MS = 60 * 1000;

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'in_progress' }
  | { kind: 'completed'; status: number; body: string };

/** Claims `scopeKey` for a new request, or reports the state of an earlier one. */
export async function claimIdempotencyKey(
  db: Kysely<Database>,
  scopeKey: string,
  now = Date.now(),
): Promise<IdempotencyClaim> {
  await db
    .deleteFrom('idempotency_keys')
    .where('scope_key', '=', scopeKey)
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'pending'), eb('created_at', '<', now - IDEMPOTENCY_PENDING_TTL_MS)]),
        eb('created_at', '<', now - IDEMPOTENCY_TTL_MS),
      ]),
    )
    .execute();

  try {
    await db
      .insertInto('idempotency_keys')
      .values({ scope_key: scopeKey, state: 'pending', response_status: null, response_body: null, created_at: now })
      .execute();
    return { kind: 'claimed' };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }

  const row = await db.selectFrom('idempotency_keys').selectAll().where('scope_key', '=', scopeKey).executeTakeFirst();
  if (!row || row.state !== 'completed') return { kind: 'in_progress' };
  return { kind: 'completed', status: row.response_status ?? 200, body: row.response_body ?? '' };
}

export async function completeIdempotencyKey(
  db: Kysely<Database>,
  scopeKey: string,
  status: number,
  body: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ state: 'completed', response_status: status, response_body: body })
    .where('scope_key', '=', scopeKey)
    .execute();
}

export async function releaseIdempotencyKey(db: Kysely<Database>, scopeKey: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('scope_key', '=', scopeKey).where('state', '=', 'pending').execute();
}

/** Deletes expired keys; returns how many. */
export async function purgeIdempotencyKeys(db: Kysely<Database>, now = Date.now()): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', now - IDEMPOTENCY_TTL_MS)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
