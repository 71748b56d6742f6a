import { sql, type Kysely } from 'kysely';
import type { Engine, Store } from '../store/database.js';
import { DeliveryStatus } from '../store/messages.js';
import type { Database } from '../store/schema.js';
import type { DeliveryJob } from './deliveries.js';

type Reader = Kysely<Database>;

/** A claimable delivery: its id, endpoint and the time it fell due. */
interface Due {
  id: string;
  endpointId: string;
  dueAt: number;
}

/** A claim lost in a power failure leaves its deliveries pending, to be sent after restart. */
const NOT_DURABLE = { durable: false };

/** Due deliveries read in due order before looking endpoint by endpoint, per claimed slot. */
const WINDOW_PER_SLOT = 2;

/**
 * Leases up to `limit` due deliveries to `workerId` until `leaseUntil`, at most as many per
 * endpoint as its `endpointConcurrency` leaves room for, counting every worker's leases. A
 * delivery is due when it is pending and its time has come, or when it is being sent under a
 * lease that expired (its worker died). Endpoints that are disabled, paused or waiting for
 * their throttle slot get none. The claim shares a commit with other writes (group commit).
 * With `scanExpired` false it skips the scan for expired leases, which a busy worker runs only
 * once a second.
 */
export function claimDueDeliveries(
  store: Pick<Store, 'writes' | 'engine'>,
  workerId: string,
  limit: number,
  now: number,
  leaseUntil: number,
  endpointConcurrency = Number.MAX_SAFE_INTEGER,
  scanExpired = true,
): Promise<DeliveryJob[]> {
  return store.writes.run(async (trx) => {
    const claim = new ClaimPlan(trx, store.engine, limit, now, endpointConcurrency, scanExpired);
    const ids = await claim.choose();
    if (ids.length === 0) return [];
    await trx
      .updateTable('deliveries')
      .set({ status: DeliveryStatus.sending, lease_owner: workerId, lease_expires_at: leaseUntil, updated_at: now })
      .where('id', 'in', ids)
      .execute();
    return readJobs(trx, ids);
  }, NOT_DURABLE);
}

/**
 * Chooses what one claim takes. Deliveries whose worker died go first, then pending ones in
 * due order. Reading due deliveries in one index-ordered scan is cheapest, but when the first
 * ones belong to endpoints without room (a backlog behind a slow or paused endpoint), the scan
 * would read that whole backlog on every claim. Then the claim instead reads the earliest due
 * deliveries of each ready endpoint.
 */
class ClaimPlan {
  private readonly room = new Map<string, number>();
  private readonly chosen: Due[] = [];

  constructor(
    private readonly trx: Reader,
    private readonly engine: Engine,
    private readonly limit: number,
    private readonly now: number,
    private readonly endpointConcurrency: number,
    private readonly scanExpired: boolean,
  ) {}

  async choose(): Promise<string[]> {
    // Leases expire rarely and only as many as were in flight, so this scan stays short.
    if (this.scanExpired) {
      const expired = await this.lock(this.dueQuery(DeliveryStatus.sending, 'lease_expires_at').limit(this.limit));
      await this.take(expired);
    }

    const windowSize = this.limit * WINDOW_PER_SLOT;
    const window = await this.lock(this.dueQuery(DeliveryStatus.pending, 'next_attempt_at').limit(windowSize));
    const skipped = await this.take(window);
    if (skipped && window.length === windowSize && this.chosen.length < this.limit) await this.takePerEndpoint();
    return this.chosen.map((row) => row.id);
  }

  private dueQuery(status: number, timeColumn: 'next_attempt_at' | 'lease_expires_at') {
    return this.trx
      .selectFrom('deliveries')
      .select(['id', 'endpoint_id as endpointId', `${timeColumn} as dueAt`])
      .where('status', '=', status)
      .where(timeColumn, '<=', this.now)
      .orderBy(timeColumn);
  }

  /** Runs a read of due rows; on PostgreSQL it locks them and skips rows other workers hold. */
  private async lock(query: ReturnType<ClaimPlan['dueQuery']>): Promise<Due[]> {
    const rows = await (this.engine === 'postgres' ? query.forUpdate().skipLocked() : query).execute();
    return rows.map((row) => ({ id: row.id, endpointId: row.endpointId, dueAt: Number(row.dueAt) }));
  }

  /** Chooses rows in order while their endpoints have room; returns true when any was left. */
  private async take(rows: Due[]): Promise<boolean> {
    await this.loadRoom(rows.map((row) => row.endpointId));
    let skipped = false;
    for (const row of rows) {
      const left = this.room.get(row.endpointId)!;
      if (left <= 0 || this.chosen.length >= this.limit) skipped = true;
      else {
        this.room.set(row.endpointId, left - 1);
        this.chosen.push(row);
      }
    }
    return skipped;
  }

  /** Reads how many more attempts each endpoint may start now: none when it is not ready. */
  private async loadRoom(endpointIds: string[]): Promise<void> {
    const unknown = [...new Set(endpointIds)].filter((id) => !this.room.has(id));
    if (unknown.length === 0) return;
    const ready = await this.trx
      .selectFrom('endpoints as e')
      .leftJoin('endpoint_health as h', 'h.endpoint_id', 'e.id')
      .select((eb) => [
        'e.id',
        eb
          .selectFrom('deliveries as busy')
          .select((inner) => inner.fn.countAll<number>().as('leases'))
          .whereRef('busy.endpoint_id', '=', 'e.id')
          .where('busy.status', '=', DeliveryStatus.sending)
          .where('busy.lease_expires_at', '>', this.now)
          .as('leases'),
      ])
      .where('e.id', 'in', unknown)
      .where('e.disabled', '=', 0)
      .where(notPausedOrThrottled(this.now))
      .execute();
    for (const id of unknown) this.room.set(id, 0);
    for (const { id, leases } of ready) this.room.set(id, this.endpointConcurrency - Number(leases ?? 0));
  }

  /** Takes each ready endpoint's earliest due deliveries, merged in due order. */
  private async takePerEndpoint(): Promise<void> {
    const endpoints = await readyEndpointsWithDueWork(this.trx, this.now, this.limit);
    await this.loadRoom(endpoints.map((endpoint) => endpoint.id));
    const chosenIds = new Set(this.chosen.map((row) => row.id));
    const candidates: Due[] = [];
    for (const endpoint of endpoints) {
      const room = Math.min(this.room.get(endpoint.id)!, this.limit - this.chosen.length);
      if (room <= 0) continue;
      // The window may have chosen this endpoint's first deliveries already.
      const alreadyChosen = this.chosen.filter((row) => row.endpointId === endpoint.id).length;
      const query = this.dueQuery(DeliveryStatus.pending, 'next_attempt_at').where('endpoint_id', '=', endpoint.id);
      const rows = await this.lock(query.limit(room + alreadyChosen));
      candidates.push(...rows.filter((row) => !chosenIds.has(row.id)));
    }
    candidates.sort((a, b) => a.dueAt - b.dueAt);
    await this.take(candidates);
  }
}

/** Builds a condition over endpoint_health `h`: not paused, and the throttle slot has come. */
function notPausedOrThrottled(now: number) {
  return sql<boolean>`(coalesce(h.paused_until, 0) <= ${now} and coalesce(h.next_send_at, 0) <= ${now})`;
}

/**
 * Selects each enabled endpoint with the due time of its earliest pending delivery (null when
 * it has none), the end of its pause and its next send slot (0 when unset).
 */
function earliestPendingPerEndpoint(db: Reader) {
  return db
    .selectFrom('endpoints as e')
    .leftJoin('endpoint_health as h', 'h.endpoint_id', 'e.id')
    .select((eb) => [
      'e.id as id',
      eb
        .selectFrom('deliveries as d')
        .select((inner) => inner.fn.min('d.next_attempt_at').as('due'))
        .whereRef('d.endpoint_id', '=', 'e.id')
        .where('d.status', '=', DeliveryStatus.pending)
        .as('due'),
      sql<number>`coalesce(h.paused_until, 0)`.as('pausedUntil'),
      sql<number>`coalesce(h.next_send_at, 0)`.as('nextSendAt'),
    ])
    .where('e.disabled', '=', 0);
}

/**
 * Lists up to `count` enabled endpoints that may start an attempt now and have a pending
 * delivery due, earliest due first. It reads every enabled endpoint once, with one index
 * lookup each, so it costs in proportion to the number of endpoints, not of due deliveries.
 */
async function readyEndpointsWithDueWork(trx: Reader, now: number, count: number) {
  const earliest = earliestPendingPerEndpoint(trx).where(notPausedOrThrottled(now));
  return trx.selectFrom(earliest.as('r')).select(['r.id', 'r.due']).where('r.due', '<=', now).orderBy('r.due').limit(count).execute();
}

/**
 * Returns when the next claimable delivery falls due, or null when none is pending. A paused
 * or throttled endpoint's deliveries count from the end of its pause or its next send slot,
 * because the claim skips them until then. Endpoints that are disabled or at their concurrency
 * limit are left out, as the claim leaves them out, or the worker would spin. The worker is
 * woken when an attempt finishes and polls at least once a second anyway.
 */
export async function nextDueTime(
  db: Reader,
  now = Date.now(),
  endpointConcurrency = Number.MAX_SAFE_INTEGER,
): Promise<number | null> {
  const earliest = earliestPendingPerEndpoint(db)
    .where('e.id', 'not in', (eb) =>
      eb
        .selectFrom('deliveries as busy')
        .select('busy.endpoint_id')
        .where('busy.status', '=', DeliveryStatus.sending)
        .where('busy.lease_expires_at', '>', now)
        .groupBy('busy.endpoint_id')
        .having((inner) => inner.fn.countAll(), '>=', endpointConcurrency),
    );
  // The latest of the three times. PostgreSQL spells this greatest() and SQLite max(), so CASE.
  const claimableAt = sql<number>`case
    when r.due >= r."pausedUntil" and r.due >= r."nextSendAt" then r.due
    when r."pausedUntil" >= r."nextSendAt" then r."pausedUntil"
    else r."nextSendAt" end`;
  const row = await db
    .selectFrom(earliest.as('r'))
    .select((eb) => eb.fn.min(claimableAt).as('next'))
    .where('r.due', 'is not', null)
    .executeTakeFirst();
  return row?.next === null || row?.next === undefined ? null : Number(row.next);
}

/** Reads the leased deliveries `ids` with everything needed to send them, in due order. */
async function readJobs(trx: Reader, ids: string[]): Promise<DeliveryJob[]> {
  const rows = await trx
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
    .where('d.id', 'in', ids)
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

/**
 * Counts unexpired leases per endpoint among `endpointIds`, across every worker. On PostgreSQL
 * a claim does not see leases another process is taking at the same moment, so the worker
 * counts again after claiming and hands back the excess.
 */
export async function countLeases(db: Reader, endpointIds: string[], now: number): Promise<Map<string, number>> {
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
