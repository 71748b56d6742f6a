import { ref } from './common.js';
import type { JsonSchema } from './route-schema.js';

/** Building blocks and the main response objects of the component schemas. */
export const string = { type: 'string' };
export const nullableString = { type: ['string', 'null'] };
export const nullableInteger = { type: ['integer', 'null'] };
export const timestamp = { type: 'string', format: 'date-time' };
export const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' };
export const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
export const nullableNames = { type: ['array', 'null'], items: { type: 'string' } };

export function object(properties: Record<string, JsonSchema>, description: string): JsonSchema {
  return { type: 'object', description, required: Object.keys(properties), properties };
}

/** Describes one page of a list: `data` plus the iterators for the next and previous pages. */
export function listOf(item: string): JsonSchema {
  return object(
    {
      data: { type: 'array', items: ref(item) },
      iterator: { ...nullableString, description: 'Pass as `iterator` to get the next page.' },
      prevIterator: { ...nullableString, description: 'Pass as `iterator` to get the previous page.' },
      done: { type: 'boolean', description: 'True when this is the last page.' },
    },
    `One page of ${item} objects.`,
  );
}

export const deliveryStatus = {
  status: { type: 'integer', enum: [0, 1, 2, 3], description: '0 success, 1 pending, 2 fail, 3 sending.' },
  statusText: { type: 'string', enum: ['success', 'pending', 'fail', 'sending'] },
  nextAttempt: { ...nullableTimestamp, description: 'When the next attempt is due, or null when none is.' },
};

export const applicationOut = object(
  {
    id: { type: 'string', description: 'The id Hookline assigned, `app_...`.' },
    uid: { ...nullableString, description: 'The caller\'s own name for the application.' },
    name: string,
    rateLimit: nullableInteger,
    throttleRate: nullableInteger,
    metadata: stringMap,
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  'An application: the owner of endpoints and messages, usually one of your customers.',
);

export const eventTypeOut = object(
  {
    name: string,
    description: string,
    archived: { type: 'boolean' },
    deprecated: { type: 'boolean' },
    featureFlag: nullableString,
    schemas: {
      type: ['object', 'null'],
      description: 'JSON Schemas of the payload by version, such as `{ "1": {...} }`.',
    },
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  'A kind of message that endpoints can subscribe to.',
);

export const endpointFields = {
  id: { type: 'string', description: 'The id Hookline assigned, `ep_...`.' },
  uid: nullableString,
  url: { type: 'string', description: 'Where deliveries are posted.' },
  description: string,
  version: { type: 'integer' },
  disabled: { type: 'boolean' },
  disabledReason: {
    type: ['string', 'null'],
    enum: ['manual', 'gone', 'failing', null],
    description: 'Why the endpoint is disabled: by a request, after a 410, or after failing too long.',
  },
  filterTypes: { ...nullableNames, description: 'Event types delivered here; null means all.' },
  channels: { ...nullableNames, description: 'Channels delivered here; null means all.' },
  rateLimit: nullableInteger,
  throttleRate: nullableInteger,
  metadata: stringMap,
  createdAt: timestamp,
  updatedAt: timestamp,
};

export const messageFields = {
  id: { type: 'string', description: 'The id Hookline assigned, `msg_...`; sent as `webhook-id`.' },
  eventType: string,
  eventId: { ...nullableString, description: 'The caller\'s unique id for the message.' },
  channels: nullableNames,
  tags: nullableNames,
  timestamp,
  payload: { type: 'object', description: 'The payload, or `{}` when it was removed or left out.' },
};

export const attemptOut = object(
  {
    id: { type: 'string', description: 'The attempt id, `atmpt_...`.' },
    msgId: string,
    endpointId: string,
    url: string,
    ...deliveryStatus,
    response: { type: 'string', description: 'The start of the response body.' },
    responseStatusCode: { type: 'integer', description: 'The HTTP status, or 0 when no response arrived.' },
    responseDurationMs: { type: 'integer' },
    triggerType: { type: 'integer', enum: [0, 1], description: '0 scheduled, 1 manual resend.' },
    timestamp,
    errorCode: { ...nullableString, description: 'Why the attempt failed, such as `timeout` or `redirect`.' },
    errorDetail: nullableString,
    requestHeaders: {
      type: ['object', 'null'],
      additionalProperties: { type: 'string' },
      description:
        'The headers Hookline sent, with sensitive custom header values masked; null for attempts ' +
        'stored before Hookline recorded them.',
    },
  },
  'One HTTP request that delivered, or tried to deliver, a message to an endpoint.',
);

export const STAT_NAMES = ['success', 'fail', 'pending', 'sending', 'canceled'];

export const taskFields = {
  id: { type: 'string', description: 'The task id, `qtask_...`.' },
  status: { type: 'string', enum: ['running', 'finished', 'failed'] },
  task: { type: 'string', description: 'The task type, such as `endpoint.recover`.' },
  updatedAt: timestamp,
};

export const sourceOut = object(
  {
    id: { type: 'string', description: 'The source id, `src_...`.' },
    uid: nullableString,
    name: string,
    type: { type: 'string', description: 'The provider whose signatures are checked, such as `stripe`.' },
    config: { type: 'object', description: 'The verifier settings, without secrets.' },
    ingestUrl: { type: 'string', description: 'The URL the provider posts to.' },
    metadata: stringMap,
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  'An inbound source: a URL that receives a provider\'s webhooks and verifies their signatures.',
);

const healthBucket = object(
  {
    start: { ...timestamp, description: 'Start of the slot; it ends where the next one starts.' },
    attempts: { type: 'integer' },
    successes: { type: 'integer' },
    avgDurationMs: { ...nullableInteger, description: 'Mean response time; null for an empty slot.' },
    maxDurationMs: nullableInteger,
  },
  'The attempts to an endpoint in one time slot.',
);

export const endpointHealthOut = object(
  {
    endpointId: string,
    since: timestamp,
    until: timestamp,
    bucketSeconds: { type: 'integer', description: 'Length of each slot in seconds.' },
    disabled: { type: 'boolean' },
    disabledReason: { ...nullableString, description: 'Why the endpoint was disabled, such as `gone`.' },
    failingSince: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'Time of the first failure in the current run of failures.',
    },
    consecutiveFailures: { type: 'integer' },
    buckets: { type: 'array', items: healthBucket },
    lastFailure: {
      oneOf: [
        { type: 'null' },
        object(
          {
            attemptId: string,
            msgId: string,
            timestamp,
            responseStatusCode: { type: 'integer' },
            errorCode: nullableString,
            errorDetail: nullableString,
          },
          'The most recent failed attempt.',
        ),
      ],
    },
  },
  'Success rate and response times of an endpoint over time, from its stored attempts.',
);
