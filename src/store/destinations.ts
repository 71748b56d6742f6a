import type { Kysely, Selectable } from 'kysely';
import { fetchPage, type Page, type PageRequest } from './pagination.js';
import { channelCondition, DeliveryStatus, type MessageFilter, type MessageRow } from './messages.js';
import type { Database, EndpointTable } from './schema.js';

/**
 * Queries over message-endpoint pairs. A pair is its scheduled delivery (trigger type 0) and
 * has that delivery's status. Manual resends are extra rows and are left out, so a message
 * counts once per endpoint.
 */
const SCHEDULED = 0;

export type EndpointMessageRow = MessageRow & { status: number; next_attempt_at: number | null };
export type MessageEndpointRow = Selectable<EndpointTable> & { status: number; next_attempt_at: number | null };

export interface EndpointMessageFilter extends MessageFilter {
  status?: number | undefined;
}

export function listEndpointMessages(
  db: Kysely<Database>,
  endpointId: string,
  filter: EndpointMessageFilter,
  request: PageRequest,
): Promise<Page<EndpointMessageRow>> {
  let query = db
    .selectFrom('deliveries as d')
    .innerJoin('messages as m', 'm.id', 'd.message_id')
    .selectAll('m')
    .select(['d.status as status', 'd.next_attempt_at as next_attempt_at'])
    .where('d.endpoint_id', '=', endpointId)
    .where('d.trigger_type', '=', SCHEDULED);
  if (filter.status !== undefined) query = query.where('d.status', '=', filter.status);
  if (filter.eventTypes && filter.eventTypes.length > 0) query = query.where('m.event_type', 'in', filter.eventTypes);
  if (filter.before !== undefined) query = query.where('m.created_at', '<', filter.before);
  if (filter.after !== undefined) query = query.where('m.created_at', '>', filter.after);
  if (filter.channel !== undefined) query = query.where(channelCondition('m.channels', filter.channel));
  return fetchPage(query, 'm.id', (row) => row.id, request);
}

export function listMessageEndpoints(
  db: Kysely<Database>,
  messageId: string,
  request: PageRequest,
): Promise<Page<MessageEndpointRow>> {
  const query = db
    .selectFrom('deliveries as d')
    .innerJoin('endpoints as e', 'e.id', 'd.endpoint_id')
    .selectAll('e')
    .select(['d.status as status', 'd.next_attempt_at as next_attempt_at'])
    .where('d.message_id', '=', messageId)
    .where('d.trigger_type', '=', SCHEDULED);
  return fetchPage(query, 'e.id', (row) => row.id, request);
}

export interface EndpointStats {
  success: number;
  fail: number;
  pending: number;
  sending: number;
  canceled: number;
}

/**
 * Counts the endpoint's messages by delivery status, for messages created in [since, until).
 * Hookline has no canceled state (a 410 marks pending deliveries failed), so `canceled` is 0.
 */
export async function endpointStats(
  db: Kysely<Database>,
  endpointId: string,
  window: { since?: number | undefined; until?: number | undefined },
): Promise<EndpointStats> {
  let query = db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('count')])
    .where('endpoint_id', '=', endpointId)
    .where('trigger_type', '=', SCHEDULED)
    .groupBy('status');
  if (window.since !== undefined) query = query.where('created_at', '>=', window.since);
  if (window.until !== undefined) query = query.where('created_at', '<', window.until);
  const counts = new Map((await query.execute()).map((row) => [Number(row.status), Number(row.count)]));
  return {
    success: counts.get(DeliveryStatus.success) ?? 0,
    fail: counts.get(DeliveryStatus.fail) ?? 0,
    pending: counts.get(DeliveryStatus.pending) ?? 0,
    sending: counts.get(DeliveryStatus.sending) ?? 0,
    canceled: 0,
  };
}
