import type { Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import { DeliveryStatus, newDeliveryRow } from '../store/messages.js';
import type { Engine } from '../store/database.js';
import type { AttemptTable, Database } from '../store/schema.js';

export { claimDueDeliveries, countLeases, nextDueTime } from './claim.js';

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
  /** The endpoint returned 429, or sent a Retry-After, so the whole endpoint pauses. */
  pushback: boolean;
  /** The endpoint returned 503 without Retry-After, which pauses it after a run of failures. */
  unavailable: boolean;
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
