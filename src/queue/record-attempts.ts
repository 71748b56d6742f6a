import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import { nextHealth, type EndpointHealth } from '../delivery/endpoint-policy.js';
import { DeliveryStatus } from '../store/messages.js';
import type { Database } from '../store/schema.js';
import type { AttemptRecord, AttemptRow, DeliveryJob, HealthPolicy, RecordedAttempt } from './deliveries.js';
import { readHealthForUpdate, writeHealth } from './endpoint-health.js';

/** One finished attempt waiting to be stored. */
export interface AttemptEntry {
  job: DeliveryJob;
  record: AttemptRecord;
}

type Reason = RecordedAttempt['disabledReason'];

/**
 * Stores a batch of attempts and moves each delivery to its next state, with a few statements
 * for the whole batch. Run it in a transaction. A delivery only changes while `workerId` still
 * holds its lease, so a worker whose lease expired cannot overwrite the outcome of the worker
 * that took over. Returns one result per entry, or null for a delivery that no longer exists
 * because its endpoint, message or application was deleted while the attempt ran.
 */
export async function recordAttempts(
  trx: Kysely<Database>,
  workerId: string,
  entries: readonly AttemptEntry[],
  policy: HealthPolicy,
  now = Date.now(),
): Promise<Array<RecordedAttempt | null>> {
  const ids = entries.map((entry) => entry.job.deliveryId);
  const rows = await trx.selectFrom('deliveries').select('id').where('id', 'in', ids).execute();
  const existing = new Set(rows.map((row) => row.id));
  const live = entries.filter((entry) => existing.has(entry.job.deliveryId));
  if (live.length === 0) return entries.map(() => null);

  const attempts = new Map(live.map((entry) => [entry, attemptRow(entry, now)]));
  await trx.insertInto('attempts').values([...attempts.values()]).execute();
  await moveDeliveries(trx, workerId, live, now);
  const reasons = await applyToEndpoints(trx, live, policy, now);

  return entries.map((entry) => {
    const attempt = attempts.get(entry);
    return attempt ? { attempt, disabledReason: reasons.get(entry) ?? null } : null;
  });
}

function attemptRow({ job, record }: AttemptEntry, now: number): AttemptRow {
  return {
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
}

function nextStatus(record: AttemptRecord): number {
  if (record.success) return DeliveryStatus.success;
  return record.nextAttemptAt === null ? DeliveryStatus.fail : DeliveryStatus.pending;
}

/** Releases the leases, one statement per distinct next state (all successes share one). */
async function moveDeliveries(trx: Kysely<Database>, workerId: string, live: AttemptEntry[], now: number) {
  const groups = new Map<string, { status: number; next: number | null; ids: string[] }>();
  for (const { job, record } of live) {
    const status = nextStatus(record);
    const key = `${status}:${record.nextAttemptAt}`;
    const group = groups.get(key) ?? { status, next: record.nextAttemptAt, ids: [] };
    group.ids.push(job.deliveryId);
    groups.set(key, group);
  }
  for (const { status, next, ids } of groups.values()) {
    await trx
      .updateTable('deliveries')
      .set((eb) => ({
        status,
        attempt_count: eb('attempt_count', '+', 1),
        next_attempt_at: next,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: now,
      }))
      .where('id', 'in', ids)
      .where('lease_owner', '=', workerId)
      .execute();
  }
}

/**
 * Applies the attempts to their endpoints' health, in attempt order per endpoint, and disables
 * endpoints that returned 410 or failed for the whole disable window. Endpoints are locked in
 * id order, so two workers recording batches for the same endpoints cannot deadlock.
 */
async function applyToEndpoints(
  trx: Kysely<Database>,
  live: AttemptEntry[],
  policy: HealthPolicy,
  now: number,
): Promise<Map<AttemptEntry, Reason>> {
  const byEndpoint = new Map<string, AttemptEntry[]>();
  for (const entry of live) byEndpoint.set(entry.job.endpointId, [...(byEndpoint.get(entry.job.endpointId) ?? []), entry]);
  const reasons = new Map<AttemptEntry, Reason>();

  for (const endpointId of [...byEndpoint.keys()].sort()) {
    const list = byEndpoint.get(endpointId)!;
    const current = await readHealthForUpdate(trx, endpointId, now);
    let health = current;
    let disabler: AttemptEntry | null = null;
    for (const entry of list) {
      if (entry.record.endpointGone) continue;
      const decision = nextHealth(health, entry.record, now, policy.disableAfterMs);
      health = decision.health;
      if (decision.disable) disabler ??= entry;
    }
    if (!sameHealth(health, current)) await writeHealth(trx, endpointId, health, now);

    const gone = list.filter((entry) => entry.record.endpointGone);
    if (gone.length > 0) {
      await disableGoneEndpoint(trx, endpointId, now);
      for (const entry of gone) reasons.set(entry, 'gone');
    } else if (disabler && (await disableFailingEndpoint(trx, endpointId, now))) reasons.set(disabler, 'failing');
  }
  return reasons;
}

function sameHealth(a: EndpointHealth, b: EndpointHealth): boolean {
  return (
    a.nextSendAt === b.nextSendAt &&
    a.pausedUntil === b.pausedUntil &&
    a.backoffLevel === b.backoffLevel &&
    a.failingSince === b.failingSince &&
    a.consecutiveFailures === b.consecutiveFailures
  );
}

/** Returns true when this call disabled the endpoint. */
async function disableFailingEndpoint(trx: Kysely<Database>, endpointId: string, now: number): Promise<boolean> {
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
