import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { HEALTHY, type EndpointHealth } from '../delivery/endpoint-policy.js';

/**
 * Reads an endpoint's health inside a transaction, creating its row when missing. The upsert
 * locks the row on PostgreSQL, so two workers recording attempts to one endpoint at once apply
 * their changes one after the other. SQLite runs one write transaction at a time.
 */
export async function readHealthForUpdate(trx: Kysely<Database>, endpointId: string, now: number): Promise<EndpointHealth> {
  // A conflict updates nothing but still returns the row, so one statement both creates
  // and reads it.
  const row = await trx
    .insertInto('endpoint_health')
    .values({ endpoint_id: endpointId, ...toColumns(HEALTHY), updated_at: now })
    .onConflict((oc) => oc.column('endpoint_id').doUpdateSet((eb) => ({ endpoint_id: eb.ref('excluded.endpoint_id') })))
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    nextSendAt: Number(row.next_send_at),
    pausedUntil: Number(row.paused_until),
    backoffLevel: row.backoff_level,
    failingSince: row.failing_since === null ? null : Number(row.failing_since),
    consecutiveFailures: row.consecutive_failures,
  };
}

function toColumns(health: EndpointHealth) {
  return {
    next_send_at: health.nextSendAt,
    paused_until: health.pausedUntil,
    backoff_level: health.backoffLevel,
    failing_since: health.failingSince,
    consecutive_failures: health.consecutiveFailures,
  };
}

export async function writeHealth(
  trx: Kysely<Database>,
  endpointId: string,
  health: EndpointHealth,
  now: number,
): Promise<void> {
  await trx
    .updateTable('endpoint_health')
    .set({ ...toColumns(health), updated_at: now })
    .where('endpoint_id', '=', endpointId)
    .execute();
}

/** Forgets failures and backoff, for an endpoint that was enabled again by hand. */
export async function resetHealth(db: Kysely<Database>, endpointId: string): Promise<void> {
  await db.deleteFrom('endpoint_health').where('endpoint_id', '=', endpointId).execute();
}

export type SlotResult = { acquired: true } | { acquired: false; retryAt: number };

/**
 * Takes the endpoint's next send slot, or returns when one opens. The conditional UPDATE is
 * atomic on both engines, so workers in several processes never start two attempts in one
 * slot: the endpoint's throttleRate applies across the cluster.
 */
export async function acquireSendSlot(
  db: Kysely<Database>,
  endpointId: string,
  intervalMs: number,
  now: number,
): Promise<SlotResult> {
  await db
    .insertInto('endpoint_health')
    .values({ endpoint_id: endpointId, ...toColumns(HEALTHY), updated_at: now })
    .onConflict((oc) => oc.column('endpoint_id').doNothing())
    .execute();
  const taken = await db
    .updateTable('endpoint_health')
    .set({ next_send_at: now + intervalMs, updated_at: now })
    .where('endpoint_id', '=', endpointId)
    .where('next_send_at', '<=', now)
    .where('paused_until', '<=', now)
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 1) return { acquired: true };

  const row = await db
    .selectFrom('endpoint_health')
    .select(['next_send_at', 'paused_until'])
    .where('endpoint_id', '=', endpointId)
    .executeTakeFirst();
  const retryAt = Math.max(Number(row?.next_send_at ?? now), Number(row?.paused_until ?? now), now);
  return { acquired: false, retryAt };
}
