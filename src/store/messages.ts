import { sql, type Kysely, type Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { endpointMatches, listEnabledEndpoints } from './endpoints.js';
import { fetchPage, type Page, type PageRequest } from './pagination.js';
import type { GroupCommit } from './group-commit.js';
import type { Database, DeliveryTable, MessageTable } from './schema.js';
import { isUniqueViolation } from './constraint-errors.js';

export type MessageRow = Selectable<MessageTable>;

/** How long a payload is kept when the message sets no retention: 90 days, as in Svix. */
export const DEFAULT_PAYLOAD_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

export const DeliveryStatus = { success: 0, pending: 1, fail: 2, sending: 3 } as const;

export interface NewMessage {
  appId: string;
  eventType: string;
  eventId: string | null;
  payload: string;
  channels: string[] | null;
  tags: string[] | null;
  /** Deliver to this endpoint only, whatever its filters, as for an example message. */
  onlyEndpointId?: string;
  /** How long the payload is kept, in milliseconds; 90 days when left out. */
  retentionMs?: number;
}

/**
 * Stores a message and one pending delivery per matching enabled endpoint in one transaction,
 * so the API returns 202 only once both are committed.
 */
export async function insertMessage(
  writes: GroupCommit,
  message: NewMessage,
): Promise<{ row: MessageRow; deliveryCount: number }> {
  return writes.run(async (trx) => {
    const now = Date.now();
    const row: MessageRow = {
      id: newId('msg', now),
      app_id: message.appId,
      event_type: message.eventType,
      event_id: message.eventId,
      payload: message.payload,
      channels: message.channels === null ? null : JSON.stringify(message.channels),
      tags: message.tags === null ? null : JSON.stringify(message.tags),
      payload_expires_at: now + (message.retentionMs ?? DEFAULT_PAYLOAD_RETENTION_MS),
      created_at: now,
    };

    try {
      await trx.insertInto('messages').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`A message with eventId "${message.eventId}" already exists.`);
      }
      throw error;
    }

    const endpoints = await listEnabledEndpoints(trx, message.appId);
    const matches = (endpoint: (typeof endpoints)[number]) =>
      message.onlyEndpointId !== undefined
        ? endpoint.id === message.onlyEndpointId
        : endpointMatches(endpoint, message.eventType, message.channels);
    const deliveries = endpoints
      .filter(matches)
      .map((endpoint) => newDeliveryRow(`${row.id}:${endpoint.id}`, row.id, endpoint.id, message.appId, 0, now));
    if (deliveries.length > 0) await trx.insertInto('deliveries').values(deliveries).execute();

    return { row, deliveryCount: deliveries.length };
  });
}

/** Builds a delivery due at `now`, not yet attempted. Trigger type 0 is scheduled, 1 a manual resend. */
export function newDeliveryRow(
  id: string,
  messageId: string,
  endpointId: string,
  appId: string,
  triggerType: number,
  now: number,
): Selectable<DeliveryTable> {
  return {
    id,
    message_id: messageId,
    endpoint_id: endpointId,
    app_id: appId,
    status: DeliveryStatus.pending,
    trigger_type: triggerType,
    attempt_count: 0,
    next_attempt_at: now,
    lease_owner: null,
    lease_expires_at: null,
    created_at: now,
    updated_at: now,
  };
}

export async function requireMessage(
  db: Kysely<Database>,
  appId: string,
  idOrEventId: string,
): Promise<MessageRow> {
  const base = db.selectFrom('messages').selectAll().where('app_id', '=', appId);
  const row =
    (await base.where('id', '=', idOrEventId).executeTakeFirst()) ??
    (await base.where('event_id', '=', idOrEventId).executeTakeFirst());
  if (!row) throw new NotFoundError('message', idOrEventId);
  return row;
}

export interface MessageFilter {
  eventTypes?: string[] | undefined;
  channel?: string | undefined;
  before?: number | undefined;
  after?: number | undefined;
}

export function listMessages(
  db: Kysely<Database>,
  appId: string,
  filter: MessageFilter,
  request: PageRequest,
): Promise<Page<MessageRow>> {
  let query = db.selectFrom('messages').selectAll().where('app_id', '=', appId);
  if (filter.eventTypes && filter.eventTypes.length > 0) {
    query = query.where('event_type', 'in', filter.eventTypes);
  }
  if (filter.before !== undefined) query = query.where('created_at', '<', filter.before);
  if (filter.after !== undefined) query = query.where('created_at', '>', filter.after);
  if (filter.channel !== undefined) query = query.where(channelCondition('channels', filter.channel));
  return fetchPage(query, 'id', (row) => row.id, request);
}

/** Builds a condition that is true when the JSON list of channels in `column` contains `channel`. */
export function channelCondition(column: string, channel: string) {
  // Channels are stored as a JSON array of names matching ^[a-zA-Z0-9\-_.]+$, so the quoted
  // name cannot occur inside another element. `_` is a LIKE wildcard and must be escaped.
  const quoted = JSON.stringify(channel).replace(/[\\%_]/g, (char) => `\\${char}`);
  return sql<boolean>`${sql.ref(column)} like ${`%${quoted}%`} escape '\\'`;
}
