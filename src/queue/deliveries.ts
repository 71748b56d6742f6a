import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import { DeliveryStatus, newDeliveryRow } from '../store/messages.js';
import type { Engine, Store } from '../store/database.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { AttemptTable, Database } from '../store/schema.js';
import { endpointReady, readHealthForUpdate, writeHealth } from './endpoint-health.js';
import { nextHealth } from '../delivery/endpoint-policy.js';

export const TriggerType = { scheduled: 0, manual: 1 } as const;

/** A leased delivery with everything needed to send it. */
export interface DeliveryJob {
  deliveryId: string;
  triggerType: number;
  messageId: string;
  endpointId: string;
  appId: string;
  attemptCount: number;
  eventType: string;
  payload: string;
  url: string;
  /** The endpoint's secret column as stored, encrypted when a main key is set. */
  secret: string;
  /** The endpoint's previous_secrets column as stored. */
  previousSecrets: string;
  headers: Record<string, string>;
  throttleRate: number | null;
  /** The endpoint's backoff level, or 0 before its first attempt. */
  backoffLevel: number;
}

/**
 * Leases up to `limit` due deliveries to `workerId` until `leaseUntil`. A delivery is due when
 * it is pending and its time has come, or when it is being sent under a lease that expired
 * (its worker died). Deliveries to disabled endpoints stay pending until the endpoint is
 * enabled again.
 */
export async function claimDueDeliveries(
  store: Pick<Store, 'db' | 'engine'>,
  workerId: string,
  limit: number,
  now: number,
  leaseUntil: number,
  endpointConcurrency = Number.MAX_SAFE_INTEGER,
): Promise<DeliveryJob[]> {
  const { db } = store;
  // Two statements, each served in index order: an OR of both conditions made the database
  // sort every due row to pick the first few, which grew with the backlog.
  const claim = async (state: number, timeColumn: 'd.next_attempt_at' | 'd.lease_expires_at', count: number) =>
    db
      .updateTable('deliveries')
      .set({ status: DeliveryStatus.sending, lease_owner: workerId, lease_expires_at: leaseUntil, updated_at: now })
      .where('id', 'in', (eb) => {
        const due = eb
          .selectFrom('deliveries as d')
          .innerJoin('endpoints as e', 'e.id', 'd.endpoint_id')
          .leftJoin('endpoint_health as h', 'h.endpoint_id', 'd.endpoint_id')
          .select('d.id')
          .where('d.status', '=', state)
          .where(timeColumn, '<=', now)
          .where('e.disabled', '=', 0)
          .where(endpointReady(now, endpointConcurrency))
          .orderBy(timeColumn)
          .limit(count);
        // On PostgreSQL several processes claim at once: SKIP LOCKED lets each take rows the
        // others are not taking. SQLite runs one write transaction at a time, so it needs none.
        return store.engine === 'postgres' ? due.forUpdate('d').skipLocked() : due;
      })
      .returning('id')
      .execute();

  // Deliveries whose worker died (an expired lease) go first; they are late already.
  const claimed = await claim(DeliveryStatus.sending, 'd.lease_expires_at', limit);
  if (claimed.length < limit) claimed.push(...(await claim(DeliveryStatus.pending, 'd.next_attempt_at', limit - claimed.length)));
  if (claimed.length === 0) return [];

  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('messages as m', 'm.id', 'd.message_id')
    .innerJoin('endpoints as e', 'e.id', 'd.endpoint_id')
    .leftJoin('endpoint_health as h', 'h.endpoint_id', 'd.endpoint_id')
    .select([
      'd.id as deliveryId',
      'd.trigger_type as triggerType',
      'd.message_id as messageId',
      'd.endpoint_id as endpointId',
      'd.app_id as appId',
      'd.attempt_count as attemptCount',
      'm.event_type as eventType',
      'm.payload as payload',
      'e.url as url',
      'e.secret as secret',
      'e.previous_secrets as previousSecrets',
      'e.headers as headers',
      'e.throttle_rate as throttleRate',
      'h.backoff_level as backoffLevel',
    ])
    .where(
      'd.id',
      'in',
      claimed.map((row) => row.id),
    )
    .where('d.lease_owner', '=', workerId)
    .orderBy('d.next_attempt_at')
    .execute();

  return rows.map((row) => ({
    ...row,
    // An expunged payload is delivered as an empty object rather than not at all.
    payload: row.payload ?? '{}',
    headers: JSON.parse(row.headers) as Record<string, string>,
    backoffLevel: row.backoffLevel ?? 0,
  }));
}

export interface AttemptRecord {
  url: string;
  /** The request headers as sent, with sensitive values already masked. */
  requestHeaders: Record<string, string>;
  success: boolean;
  statusCode: number;
  response: string;
  durationMs: number;
  errorCode: string | null;
  errorDetail: string | null;
  triggerType: number;
  /** When to try again; null when the delivery is finished either way. */
  nextAttemptAt: number | null;
  /** True when the endpoint returned 410 Gone, so it is disabled and its pending deliveries cancelled. */
  endpointGone: boolean;
  /** The endpoint returned 429 or 503, or sent a Retry-After, so the whole endpoint pauses. */
  pushback: boolean;
  retryAfterMs: number | undefined;
}

export interface HealthPolicy {
  engine: Engine;
  /** An endpoint failing this long without a success is disabled, in milliseconds. */
  disableAfterMs: number;
}

export interface RecordedAttempt {
  attempt: AttemptRow;
  /** The reason this attempt disabled its endpoint, or null when it did not. */
  disabledReason: 'gone' | 'failing' | null;
}

export type AttemptRow = Selectable<AttemptTable>;

/**
 * Stores the attempt and moves the delivery to its next state in one transaction. The
 * delivery only changes while `workerId` still holds its lease, so a worker whose lease
 * expired cannot overwrite the outcome of the worker that took over.
 */
export async function recordAttempt(
  writes: GroupCommit,
  job: DeliveryJob,
  workerId: string,
  record: AttemptRecord,
  policy: HealthPolicy,
  now = Date.now(),
): Promise<RecordedAttempt | null> {
  return writes.run(async (trx) => {
    // The delivery is gone when its endpoint, message or application was deleted while the
    // attempt ran: there is nothing left to record it against.
    const exists = await trx.selectFrom('deliveries').select('id').where('id', '=', job.deliveryId).executeTakeFirst();
    if (!exists) return null;

    let status: number = DeliveryStatus.fail;
    if (record.success) status = DeliveryStatus.success;
    else if (record.nextAttemptAt !== null) status = DeliveryStatus.pending;

    const attempt: AttemptRow = {
      id: newId('atmpt', now),
      message_id: job.messageId,
      endpoint_id: job.endpointId,
      app_id: job.appId,
      url: record.url,
      status: record.success ? DeliveryStatus.success : DeliveryStatus.fail,
      response_status_code: record.statusCode,
      response: record.response,
      response_duration_ms: record.durationMs,
      error_code: record.errorCode,
      error_detail: record.errorDetail,
      trigger_type: record.triggerType,
      next_attempt_at: record.nextAttemptAt,
      created_at: now,
      request_headers: JSON.stringify(record.requestHeaders),
    };
    await trx.insertInto('attempts').values(attempt).execute();

    await trx
      .updateTable('deliveries')
      .set({
        status,
        attempt_count: job.attemptCount + 1,
        next_attempt_at: record.nextAttemptAt,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: now,
      })
      .where('id', '=', job.deliveryId)
      .where('lease_owner', '=', workerId)
      .execute();

    if (record.endpointGone) {
      await disableGoneEndpoint(trx, job.endpointId, now);
      return { attempt, disabledReason: 'gone' };
    }
    const failing = await updateHealth(trx, job.endpointId, record, policy, now);
    return { attempt, disabledReason: failing ? 'failing' : null };
  });
}

/** Applies the attempt to the endpoint's health; returns true when that disabled the endpoint. */
async function updateHealth(
  trx: Kysely<Database>,
  endpointId: string,
  record: AttemptRecord,
  policy: HealthPolicy,
  now: number,
): Promise<boolean> {
  const current = await readHealthForUpdate(trx, policy.engine, endpointId, now);
  const { health, disable } = nextHealth(current, record, now, policy.disableAfterMs);
  await writeHealth(trx, endpointId, health, now);
  if (!disable) return false;

  // Pending deliveries stay pending, so enabling the endpoint again resumes them.
  const result = await trx
    .updateTable('endpoints')
    .set({ disabled: 1, disabled_reason: 'failing', updated_at: now })
    .where('id', '=', endpointId)
    .where('disabled', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function disableGoneEndpoint(trx: Kysely<Database>, endpointId: string, now: number): Promise<void> {
  await trx
    .updateTable('endpoints')
    .set({ disabled: 1, disabled_reason: 'gone', updated_at: now })
    .where('id', '=', endpointId)
    .execute();
  await trx
    .updateTable('deliveries')
    .set({ status: DeliveryStatus.fail, next_attempt_at: null, updated_at: now })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', DeliveryStatus.pending)
    .execute();
}

/**
 * Queues a manual resend of one message to one endpoint. It ignores the endpoint's filters,
 * is tried once and never rescheduled, and carries the message's id like every other attempt.
 */
export async function insertManualDelivery(
  db: Kysely<Database>,
  messageId: string,
  endpointId: string,
  appId: string,
  now = Date.now(),
): Promise<string> {
  const id = `${messageId}:${endpointId}:${newId('atmpt', now)}`;
  await db
    .insertInto('deliveries')
    .values(newDeliveryRow(id, messageId, endpointId, appId, TriggerType.manual, now))
    .execute();
  return id;
}

/** Hands back every delivery `workerId` still leases, due at once, for another worker. */
export async function releaseLeases(db: Kysely<Database>, workerId: string, now = Date.now()): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: DeliveryStatus.pending, lease_owner: null, lease_expires_at: null, next_attempt_at: now, updated_at: now })
    .where('lease_owner', '=', workerId)
    .where('status', '=', DeliveryStatus.sending)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Returns when the next claimable delivery falls due, or null when none is pending. Deliveries
 * to disabled endpoints are left out, as the claim leaves them out, or the worker would spin.
 */
export async function nextDueTime(
  db: Kysely<Database>,
  now = Date.now(),
  endpointConcurrency = Number.MAX_SAFE_INTEGER,
): Promise<number | null> {
  // Endpoints that are paused, throttled or at their concurrency limit are left out; the
  // worker is woken when an attempt finishes and polls at least once a second anyway.
  const row = await db
    .selectFrom('deliveries as d')
    .innerJoin('endpoints as e', 'e.id', 'd.endpoint_id')
    .leftJoin('endpoint_health as h', 'h.endpoint_id', 'd.endpoint_id')
    .select((eb) => eb.fn.min('d.next_attempt_at').as('next'))
    .where('d.status', '=', DeliveryStatus.pending)
    .where('e.disabled', '=', 0)
    .where(endpointReady(now, endpointConcurrency))
    .executeTakeFirst();
  return row?.next === null || row?.next === undefined ? null : Number(row.next);
}

/**
 * Hands back a leased delivery without counting an attempt, due again at `retryAt`: its
 * endpoint's throttle slot or pause had not come, or the endpoint had too many in flight.
 */
export async function deferDelivery(
  db: Kysely<Database>,
  deliveryId: string | string[],
  workerId: string,
  retryAt: number | null,
  now = Date.now(),
): Promise<void> {
  const ids = Array.isArray(deliveryId) ? deliveryId : [deliveryId];
  if (ids.length === 0) return;
  const changes = { status: DeliveryStatus.pending, lease_owner: null, lease_expires_at: null, updated_at: now };
  await db
    .updateTable('deliveries')
    .set(retryAt === null ? changes : { ...changes, next_attempt_at: retryAt })
    .where('id', 'in', ids)
    .where('lease_owner', '=', workerId)
    .execute();
}

/**
 * Counts unexpired leases per endpoint among `endpointIds`, across every worker. A batch claim
 * can take more deliveries of one endpoint than its concurrency limit allows; the worker hands
 * the excess back.
 */
export async function countLeases(
  db: Kysely<Database>,
  endpointIds: string[],
  now: number,
): Promise<Map<string, number>> {
  if (endpointIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('deliveries')
    .select(['endpoint_id', (eb) => eb.fn.countAll<number>().as('leases')])
    .where('endpoint_id', 'in', endpointIds)
    .where('status', '=', DeliveryStatus.sending)
    .where('lease_expires_at', '>', now)
    .groupBy('endpoint_id')
    .execute();
  return new Map(rows.map((row) => [row.endpoint_id, Number(row.leases)]));
}
