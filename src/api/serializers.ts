import type { AttemptRow } from '../queue/deliveries.js';
import type { ApplicationRow } from '../store/applications.js';
import type { EndpointRow } from '../store/endpoints.js';
import { parseJsonList } from '../store/endpoints.js';
import type { EventTypeRow } from '../store/event-types.js';
import type { MessageRow } from '../store/messages.js';
import type { EndpointMessageRow, MessageEndpointRow } from '../store/destinations.js';
import type { BackgroundTaskRow } from '../store/background-tasks.js';
import type { Page } from '../store/pagination.js';

const STATUS_TEXT = ['success', 'pending', 'fail', 'sending'] as const;

/** Row-to-response mappers producing the Svix response shapes (camelCase, ISO dates). */
export function iso(millis: number): string {
  return new Date(Number(millis)).toISOString();
}

export function applicationOut(row: ApplicationRow) {
  return {
    id: row.id,
    uid: row.uid,
    name: row.name,
    rateLimit: row.rate_limit,
    throttleRate: row.throttle_rate,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function eventTypeOut(row: EventTypeRow, withSchemas = true) {
  return {
    name: row.name,
    description: row.description,
    archived: row.archived === 1,
    deprecated: row.deprecated === 1,
    featureFlag: row.feature_flag,
    schemas: withSchemas && row.schemas !== null ? (JSON.parse(row.schemas) as unknown) : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function endpointOut(row: EndpointRow) {
  return {
    id: row.id,
    uid: row.uid,
    url: row.url,
    description: row.description,
    version: row.version,
    disabled: row.disabled === 1,
    disabledReason: row.disabled_reason,
    filterTypes: parseJsonList(row.filter_types),
    channels: parseJsonList(row.channels),
    rateLimit: row.rate_limit,
    throttleRate: row.throttle_rate,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function messageOut(row: MessageRow, withContent: boolean) {
  const out: Record<string, unknown> = {
    id: row.id,
    eventType: row.event_type,
    eventId: row.event_id,
    channels: parseJsonList(row.channels),
    tags: parseJsonList(row.tags),
    timestamp: iso(row.created_at),
  };
  // The SDK requires `payload`; an expunged or omitted payload is an empty object.
  out.payload = withContent && row.payload !== null ? (JSON.parse(row.payload) as unknown) : {};
  return out;
}


export function attemptOut(row: AttemptRow) {
  return {
    id: row.id,
    msgId: row.message_id,
    endpointId: row.endpoint_id,
    url: row.url,
    status: row.status,
    statusText: STATUS_TEXT[row.status] ?? 'fail',
    response: row.response,
    responseStatusCode: row.response_status_code,
    responseDurationMs: row.response_duration_ms,
    triggerType: row.trigger_type,
    timestamp: iso(row.created_at),
    errorCode: row.error_code,
    errorDetail: row.error_detail,
    nextAttempt: row.next_attempt_at === null ? null : iso(row.next_attempt_at),
    // Not in the Svix shape; the Svix SDKs skip fields they do not know.
    requestHeaders: row.request_headers === null ? null : (JSON.parse(row.request_headers) as Record<string, string>),
  };
}

/** A message with the status of its delivery to one endpoint. */
export function endpointMessageOut(row: EndpointMessageRow, withContent: boolean) {
  return {
    ...messageOut(row, withContent),
    status: row.status,
    statusText: STATUS_TEXT[row.status] ?? 'fail',
    nextAttempt: row.next_attempt_at === null ? null : iso(row.next_attempt_at),
  };
}

/** An endpoint with the status of one message's delivery to it. */
export function messageEndpointOut(row: MessageEndpointRow) {
  return {
    ...endpointOut(row),
    eventTypes: parseJsonList(row.filter_types),
    status: row.status,
    statusText: STATUS_TEXT[row.status] ?? 'fail',
    nextAttempt: row.next_attempt_at === null ? null : iso(row.next_attempt_at),
  };
}

export function backgroundTaskOut(row: BackgroundTaskRow) {
  return {
    id: row.id,
    status: row.status,
    task: row.task,
    data: JSON.parse(row.data) as unknown,
    updatedAt: iso(row.updated_at),
  };
}

export function pageOut<Row, Out>(page: Page<Row>, map: (row: Row) => Out) {
  return {
    data: page.data.map(map),
    iterator: page.iterator,
    prevIterator: page.prevIterator,
    done: page.done,
  };
}
