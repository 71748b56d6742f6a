import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { LogLimiter } from '../logger.js';
import type { Database } from '../store/schema.js';
import { DeliveryStatus } from '../store/messages.js';
import { METRIC_PREFIX } from './labels.js';

/** Values read from the database at scrape time; they are the same from every process. */
export interface QueueSnapshot {
  pending: number;
  due: number;
  oldestDueAgeSeconds: number;
  endpointsDisabled: number;
}

/** A scrape reports the database down rather than wait longer than this for its queries. */
const QUERY_TIMEOUT_MS = 5000;

/**
 * Counts pending deliveries, including future retries and deliveries held for disabled
 * endpoints. Served by the deliveries_due index on (status, next_attempt_at).
 */
async function countPending(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('status', '=', DeliveryStatus.pending)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Selects the pending deliveries to enabled endpoints whose time has come, in index order. */
function dueDeliveries(db: Kysely<Database>, now: number) {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('endpoints as e', 'e.id', 'd.endpoint_id')
    .where('d.status', '=', DeliveryStatus.pending)
    .where('d.next_attempt_at', '<=', now)
    .where('e.disabled', '=', 0);
}

async function countDue(db: Kysely<Database>, now: number): Promise<number> {
  const row = await dueDeliveries(db, now)
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** ORDER BY with LIMIT, not min(): both engines then stop at the first row of the index. */
async function oldestDueAgeSeconds(db: Kysely<Database>, now: number): Promise<number> {
  const row = await dueDeliveries(db, now)
    .select('d.next_attempt_at')
    .orderBy('d.next_attempt_at')
    .limit(1)
    .executeTakeFirst();
  return row?.next_attempt_at == null ? 0 : Math.max(0, now - Number(row.next_attempt_at)) / 1000;
}

/** Served by the partial index endpoints_disabled. */
async function countDisabledEndpoints(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('endpoints')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('disabled', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function readQueueSnapshot(db: Kysely<Database>, now = Date.now()): Promise<QueueSnapshot> {
  return {
    pending: await countPending(db),
    due: await countDue(db, now),
    oldestDueAgeSeconds: await oldestDueAgeSeconds(db, now),
    endpointsDisabled: await countDisabledEndpoints(db),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`The metrics queries took longer than ${ms} ms.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Registers the gauges read from the database. Every gauge's collect() awaits one shared
 * snapshot, so a scrape runs each query once. When the database fails, the scrape still
 * succeeds: hookline_database_up is 0, the database gauges are NaN, and a warning is logged
 * at most once a minute.
 */
export function registerDatabaseGauges(registry: Registry, db: Kysely<Database>, logger: Logger): void {
  const failureLogs = new LogLimiter(1, 60_000);
  let inFlight: Promise<QueueSnapshot | null> | null = null;
  const errors = new Counter({
    name: `${METRIC_PREFIX}metrics_database_errors_total`,
    help: 'Scrapes whose database queries failed or timed out.',
    registers: [registry],
    // Waits for this scrape's queries, so the count includes their failure.
    async collect() {
      await read();
    },
  });

  // A scrape calls every collect() in the same tick, so they all share the queries in flight.
  const read = (): Promise<QueueSnapshot | null> => {
    inFlight ??= withTimeout(readQueueSnapshot(db), QUERY_TIMEOUT_MS)
      .catch((error: unknown) => {
        errors.inc();
        const dropped = failureLogs.take();
        if (dropped !== null) {
          logger.warn({ err: error, dropped }, 'reading metrics from the database failed');
        }
        return null;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  const gauge = (name: string, help: string, value: (snapshot: QueueSnapshot | null) => number) => {
    const metric: Gauge = new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      registers: [registry],
      async collect() {
        metric.set(value(await read()));
      },
    });
  };

  gauge(
    'database_up',
    '1 when the metrics queries reached the database, 0 when they failed.',
    (snapshot) => (snapshot ? 1 : 0),
  );
  gauge(
    'queue_pending_deliveries',
    'Deliveries waiting for an attempt, including scheduled retries.',
    (snapshot) => snapshot?.pending ?? NaN,
  );
  gauge(
    'queue_due_deliveries',
    'Pending deliveries to enabled endpoints whose time has come.',
    (snapshot) => snapshot?.due ?? NaN,
  );
  gauge(
    'queue_oldest_due_age_seconds',
    'Seconds the oldest due delivery to an enabled endpoint has waited; 0 when none is due.',
    (snapshot) => snapshot?.oldestDueAgeSeconds ?? NaN,
  );
  gauge(
    'endpoints_disabled',
    'Endpoints currently disabled, by hand or automatically.',
    (snapshot) => snapshot?.endpointsDisabled ?? NaN,
  );
}
