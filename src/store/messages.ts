import { sql, type Kysely, type Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { endpointMatches, listEnabledEndpoints, type EndpointRow } from './endpoints.js';
import { fetchPage, type Page, type PageRequest } from './pagination.js';
import type { GroupCommit } from './group-commit.js';
import type { Database, DeliveryTable, MessageTable } from './schema.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraint-errors.js';
import { WriteBatcher } from './write-batcher.js';

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

/** Messages written in one batch; a message row binds 9 parameters. */
const MESSAGE_BATCH = 64;
/** Delivery rows per insert statement; a row binds 12 parameters, under both engines' limits. */
const DELIVERY_ROWS_PER_STATEMENT = 500;

export interface InsertedMessage {
  row: MessageRow;
  deliveryCount: number;
}

const batchers = new WeakMap<GroupCommit, WriteBatcher<NewMessage, InsertedMessage>>();

/**
 * Stores a message and one pending delivery per matching enabled endpoint in one transaction,
 * so the API returns 202 only once both are committed. Messages accepted at the same time are
 * written together (see WriteBatcher). A duplicate eventId fails only its own message, because
 * a failed batch is written again one message at a time.
 */
export function insertMessage(writes: GroupCommit, message: NewMessage): Promise<InsertedMessage> {
  let batcher = batchers.get(writes);
  if (!batcher) {
    batcher = new WriteBatcher(writes, (trx, messages) => insertMessages(trx, messages), { maxBatch: MESSAGE_BATCH });
    batchers.set(writes, batcher);
  }
  return batcher.add(message);
}

function messageRow(message: NewMessage, now: number): MessageRow {
  return {
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
}

/**
 * Inserts messages and their deliveries with three statements for the whole list: the
 * messages, the enabled endpoints of their applications, and the deliveries. Run it in a
 * transaction. A duplicate eventId fails the list; alone, it fails with a ConflictError.
 */
export async function insertMessages(trx: Kysely<Database>, messages: NewMessage[], now = Date.now()): Promise<InsertedMessage[]> {
  const rows = messages.map((message) => messageRow(message, now));
  try {
    await trx.insertInto('messages').values(rows).execute();
  } catch (error) {
    if (messages.length === 1 && isUniqueViolation(error)) {
      throw new ConflictError(`A message with eventId "${messages[0]!.eventId}" already exists.`);
    }
    // The application was deleted after the request looked it up.
    if (messages.length === 1 && isForeignKeyViolation(error)) throw new NotFoundError('application', messages[0]!.appId);
    throw error;
  }

  const endpointsByApp = new Map<string, EndpointRow[]>();
  for (const endpoint of await listEnabledEndpoints(trx, [...new Set(messages.map((message) => message.appId))])) {
    const list = endpointsByApp.get(endpoint.app_id);
    if (list) list.push(endpoint);
    else endpointsByApp.set(endpoint.app_id, [endpoint]);
  }
  const deliveries: Selectable<DeliveryTable>[] = [];
  const inserted = messages.map((message, index) => {
    const row = rows[index]!;
    const matches = (endpoint: EndpointRow) =>
      message.onlyEndpointId !== undefined
        ? endpoint.id === message.onlyEndpointId
        : endpointMatches(endpoint, message.eventType, message.channels);
    const matched = (endpointsByApp.get(message.appId) ?? []).filter(matches);
    for (const endpoint of matched) {
      deliveries.push(newDeliveryRow(`${row.id}:${endpoint.id}`, row.id, endpoint.id, message.appId, 0, now));
    }
    return { row, deliveryCount: matched.length };
  });
  for (let start = 0; start < deliveries.length; start += DELIVERY_ROWS_PER_STATEMENT) {
    await trx.insertInto('deliveries').values(deliveries.slice(start, start + DELIVERY_ROWS_PER_STATEMENT)).execute();
  }
  return inserted;
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
