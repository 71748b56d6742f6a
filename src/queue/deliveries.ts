import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import { DeliveryStatus, newDeliveryRow } from '../store/messages.js';
import type { Engine, Store } from '../store/database.js';
import type { AttemptTable, Database } from '../store/schema.js';
import { endpointReady } from './endpoint-health.js';

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

export interface Claim {
  jobs: DeliveryJob[];
  /**
   * True when due deliveries were left because their endpoint had no room, and more may be
   * due behind them: claiming again at once may find other endpoints' work.
   */
  more: boolean;
}

type Reader = Kysely<Database>;
type DueState = typeof DeliveryStatus.sending | typeof DeliveryStatus.pending;

/**
 * Reads up to `count` due deliveries of one kind with everything needed to send them, in due
 * order, skipping endpoints that cannot start an attempt now. On PostgreSQL the rows stay
 * locked until the claim commits, and rows other workers are claiming are skipped.
 */
async function readDue(trx: Reader, engine: Engine, state: DueState, now: number, count: number, endpointConcurrency: number) {
  // Two statements, each served in index order: an OR of both conditions made the database
  // sort every due row to pick the first few, which grew with the backlog.
  const timeColumn = state === DeliveryStatus.sending ? 'd.lease_expires_at' : 'd.next_attempt_at';
  const query = trx
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
    .where('d.status', '=', state)
    .where(timeColumn, '<=', now)
    .where('e.disabled', '=', 0)
    .where(endpointReady(now, endpointConcurrency))
    .orderBy(timeColumn)
    .limit(count);
  // SQLite runs one write transaction at a time, so it needs no row locks.
  return engine === 'postgres' ? query.forUpdate('d').skipLocked().execute() : query.execute();
}

/**
 * Leases up to `limit` due deliveries to `workerId` until `leaseUntil`, at most as many per
 * endpoint as its `endpointConcurrency` leaves room for, counting every worker's leases. A
 * delivery is due when it is pending and its time has come, or when it is being sent under a
 * lease that expired (its worker died). Deliveries to disabled endpoints stay pending until
 * the endpoint is enabled again. The claim shares a commit with other writes (group commit).
 */
export function claimDueDeliveries(
  store: Pick<Store, 'writes' | 'engine'>,
  workerId: string,
  limit: number,
  now: number,
  leaseUntil: number,
  endpointConcurrency = Number.MAX_SAFE_INTEGER,
): Promise<Claim> {
  return store.writes.run((trx) => claim(trx, store.engine, workerId, limit, now, leaseUntil, endpointConcurrency));
}

async function claim(
  trx: Reader,
  engine: Engine,
  workerId: string,
  limit: number,
  now: number,
  leaseUntil: number,
  endpointConcurrency: number,
): Promise<Claim> {
  // Deliveries whose worker died (an expired lease) go first; they are late already.
  const due = await readDue(trx, engine, DeliveryStatus.sending, now, limit, endpointConcurrency);
  if (due.length < limit) {
    due.push(...(await readDue(trx, engine, DeliveryStatus.pending, now, limit - due.length, endpointConcurrency)));
  }
  if (due.length === 0) return { jobs: [], more: false };

  const room = await endpointRoom(trx, due, now, endpointConcurrency);
  const taken = due.filter((row) => {
    const left = room.get(row.endpointId) ?? 0;
    room.set(row.endpointId, left - 1);
    return left > 0;
  });
  if (taken.length > 0) {
    await trx
      .updateTable('deliveries')
      .set({ status: DeliveryStatus.sending, lease_owner: workerId, lease_expires_at: leaseUntil, updated_at: now })
      .where('id', 'in', taken.map((row) => row.deliveryId))
      .execute();
  }

  const jobs = taken.map((row) => ({
    ...row,
    // An expunged payload is delivered as an empty object rather than not at all.
    payload: row.payload ?? '{}',
    headers: JSON.parse(row.headers) as Record<string, string>,
    backoffLevel: row.backoffLevel ?? 0,
  }));
  return { jobs, more: taken.length < due.length && due.length === limit };
}

/** Counts the leases each endpoint among `rows` may still take before its concurrency limit. */
async function endpointRoom(
  trx: Reader,
  rows: Array<{ endpointId: string }>,
  now: number,
  endpointConcurrency: number,
): Promise<Map<string, number>> {
  const ids = [...new Set(rows.map((row) => row.endpointId))];
  const room = new Map(ids.map((id) => [id, endpointConcurrency]));
  if (endpointConcurrency === Number.MAX_SAFE_INTEGER) return room;
  for (const [id, leases] of await countLeases(trx, ids, now)) room.set(id, endpointConcurrency - leases);
  return room;
}

export interface AttemptRecord {
  url: string;
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
