import { sql, type Kysely } from 'kysely';
import type { AttemptRow } from '../queue/deliveries.js';
import { DeliveryStatus } from './messages.js';
import type { Database } from './schema.js';

/** Attempts to one endpoint in one time slot of the health history. */
export interface HealthBucket {
  /** Start of the slot, in milliseconds since the epoch; the slot ends where the next starts. */
  start: number;
  attempts: number;
  successes: number;
  /** Mean response time of the slot's attempts, or null when it has none. */
  avgDurationMs: number | null;
  maxDurationMs: number | null;
}

export interface HistoryWindow {
  since: number;
  until: number;
  bucketMs: number;
}

/**
 * Counts an endpoint's attempts in [since, until) per slot of `bucketMs`, and returns every
 * slot, empty ones included, oldest first. Slot numbers are computed in SQL with integer
 * division, which both engines truncate the same way for non-negative values.
 */
export async function readHealthBuckets(
  db: Kysely<Database>,
  endpointId: string,
  window: HistoryWindow,
): Promise<HealthBucket[]> {
  // Literals, not parameters: PostgreSQL cannot infer a parameter's type inside arithmetic on
  // bigint columns. Both values are whole numbers checked by the caller.
  const slot = sql<number>`(created_at - ${sql.lit(window.since)}) / ${sql.lit(window.bucketMs)}`;
  const rows = await db
    .selectFrom('attempts')
    .select([
      slot.as('slot'),
      (eb) => eb.fn.countAll<string | number>().as('attempts'),
      sql<string | number>`sum(case when status = ${sql.lit(DeliveryStatus.success)} then 1 else 0 end)`.as('successes'),
      (eb) => eb.fn.avg<string | number>('response_duration_ms').as('avg_duration'),
      (eb) => eb.fn.max('response_duration_ms').as('max_duration'),
    ])
    .where('endpoint_id', '=', endpointId)
    .where('created_at', '>=', window.since)
    .where('created_at', '<', window.until)
    .groupBy(slot)
    .execute();

  const bySlot = new Map(rows.map((row) => [Number(row.slot), row]));
  const count = Math.ceil((window.until - window.since) / window.bucketMs);
  const buckets: HealthBucket[] = [];
  for (let index = 0; index < count; index++) {
    const row = bySlot.get(index);
    buckets.push({
      start: window.since + index * window.bucketMs,
      attempts: row ? Number(row.attempts) : 0,
      successes: row ? Number(row.successes) : 0,
      avgDurationMs: row ? Math.round(Number(row.avg_duration)) : null,
      maxDurationMs: row ? Number(row.max_duration) : null,
    });
  }
  return buckets;
}

/** Returns the endpoint's most recent failed attempt, or undefined when none failed. */
export function findLastFailure(db: Kysely<Database>, endpointId: string): Promise<AttemptRow | undefined> {
  return db
    .selectFrom('attempts')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', DeliveryStatus.fail)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Reads the start of the endpoint's current run of failures and its length. */
export async function readFailureRun(
  db: Kysely<Database>,
  endpointId: string,
): Promise<{ failingSince: number | null; consecutiveFailures: number }> {
  const row = await db
    .selectFrom('endpoint_health')
    .select(['failing_since', 'consecutive_failures'])
    .where('endpoint_id', '=', endpointId)
    .executeTakeFirst();
  return {
    failingSince: row?.failing_since == null ? null : Number(row.failing_since),
    consecutiveFailures: row?.consecutive_failures ?? 0,
  };
}
