import { destinationHeadersIn, destinationIn, sourceIn } from '../../inbound/schemas.js';
import * as bodies from '../schemas.js';
import { ref } from './common.js';
import type { JsonSchema } from './route-schema.js';

/**
 * Component schemas of the OpenAPI document: the objects the API returns, written here, and
 * the request bodies Fastify validates, reused from schemas.ts so the two cannot drift.
 */
const string = { type: 'string' };
const nullableString = { type: ['string', 'null'] };
const nullableInteger = { type: ['integer', 'null'] };
const timestamp = { type: 'string', format: 'date-time' };
const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const nullableNames = { type: ['array', 'null'], items: { type: 'string' } };

function object(properties: Record<string, JsonSchema>, description: string): JsonSchema {
  return { type: 'object', description, required: Object.keys(properties), properties };
}

/** A page of a list: `data` plus the iterators for the next and previous pages. */
function listOf(item: string): JsonSchema {
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

const deliveryStatus = {
  status: { type: 'integer', enum: [0, 1, 2, 3], description: '0 success, 1 pending, 2 fail, 3 sending.' },
  statusText: { type: 'string', enum: ['success', 'pending', 'fail', 'sending'] },
  nextAttempt: { ...nullableTimestamp, description: 'When the next attempt is due, or null when none is.' },
};

const applicationOut = object(
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

const eventTypeOut = object(
  {
    name: string,
    description: string,
    archived: { type: 'boolean' },
    deprecated: { type: 'boolean' },
    featureFlag: nullableString,
    schemas: { type: ['object', 'null'], description: 'JSON Schemas of the payload by version, such as `{ "1": {...} }`.' },
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  'A kind of message that endpoints can subscribe to.',
);

const endpointFields = {
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

const messageFields = {
  id: { type: 'string', description: 'The id Hookline assigned, `msg_...`; sent as `webhook-id`.' },
  eventType: string,
  eventId: { ...nullableString, description: 'The caller\'s unique id for the message.' },
  channels: nullableNames,
  tags: nullableNames,
  timestamp,
  payload: { type: 'object', description: 'The payload, or `{}` when it was removed or left out.' },
};

const attemptOut = object(
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
  },
  'One HTTP request that delivered, or tried to deliver, a message to an endpoint.',
);

const taskFields = {
  id: { type: 'string', description: 'The task id, `qtask_...`.' },
  status: { type: 'string', enum: ['running', 'finished', 'failed'] },
  task: { type: 'string', description: 'The task type, such as `endpoint.recover`.' },
  updatedAt: timestamp,
};

const sourceOut = object(
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

/** Response and shared schemas, by component name. */
const OUTPUTS: Record<string, JsonSchema> = {
  HttpError: object(
    { code: { type: 'string', description: 'A stable error code, such as `not_found`.' }, detail: string },
    'An error with a stable code and a readable detail.',
  ),
  ValidationIssue: object(
    {
      loc: { type: 'array', items: string, description: 'Where the invalid value is, such as `["body", "url"]`.' },
      msg: string,
      type: string,
    },
    'One invalid value of a request.',
  ),
  HttpValidationError: object(
    { code: { const: 'validation' }, detail: { type: 'array', items: ref('ValidationIssue') } },
    'The request body, query or path is invalid.',
  ),
  ApplicationOut: applicationOut,
  ListResponseApplicationOut: listOf('ApplicationOut'),
  EventTypeOut: eventTypeOut,
  ListResponseEventTypeOut: listOf('EventTypeOut'),
  EndpointOut: object(endpointFields, 'A URL that receives the messages of an application.'),
  ListResponseEndpointOut: listOf('EndpointOut'),
  EndpointSecretOut: object(
    { key: { type: 'string', description: 'A `whsec_` HMAC secret, or the `whpk_` public key of an Ed25519 endpoint.' } },
    'What a receiver needs to verify signatures.',
  ),
  EndpointHeadersOut: object(
    { headers: stringMap, sensitive: { type: 'array', items: string, description: 'Names of headers whose values are hidden.' } },
    'Custom headers sent with every delivery.',
  ),
  EndpointStats: object(
    Object.fromEntries(['success', 'fail', 'pending', 'sending', 'canceled'].map((key) => [key, { type: 'integer' }])),
    'Counts of the endpoint\'s scheduled deliveries by status; `canceled` is always 0.',
  ),
  MessageOut: object(messageFields, 'A message: one event sent to the endpoints of an application.'),
  ListResponseMessageOut: listOf('MessageOut'),
  EndpointMessageOut: object({ ...messageFields, ...deliveryStatus }, 'A message with the status of its delivery to one endpoint.'),
  ListResponseEndpointMessageOut: listOf('EndpointMessageOut'),
  MessageEndpointOut: object(
    { ...endpointFields, eventTypes: nullableNames, ...deliveryStatus },
    'An endpoint with the status of one message\'s delivery to it.',
  ),
  ListResponseMessageEndpointOut: listOf('MessageEndpointOut'),
  MessageAttemptOut: attemptOut,
  ListResponseMessageAttemptOut: listOf('MessageAttemptOut'),
  EmptyResponse: { type: 'object', maxProperties: 0, description: 'An empty object.' },
  RecoverOut: object(taskFields, 'The background task that runs the recovery.'),
  BackgroundTaskOut: object({ ...taskFields, data: { type: 'object', description: 'The result: `{ recovered }` or `{ error }`.' } }, 'A background task.'),
  ListResponseBackgroundTaskOut: listOf('BackgroundTaskOut'),
  AppPortalAccessOut: object(
    { token: { type: 'string', description: 'An `hlapp_` token confined to one application.' }, url: string },
    'A token for an app portal.',
  ),
  IngestSourceOut: sourceOut,
  ListResponseIngestSourceOut: listOf('IngestSourceOut'),
  IngestSourceStats: object(
    { sourceId: string, rejections: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Rejected requests by reason.' } },
    'Counts of the requests a source rejected.',
  ),
  OpenApiDocument: {
    type: 'object',
    description: 'An OpenAPI 3.1 document.',
    required: ['openapi', 'info', 'paths'],
    properties: { openapi: string, info: { type: 'object' }, paths: { type: 'object' } },
    additionalProperties: true,
  },
};

/** Request bodies, by component name; route schemas use these same objects. */
export const REQUEST_BODIES: Record<string, JsonSchema> = {
  ApplicationIn: bodies.applicationIn,
  ApplicationPatch: bodies.applicationPatch,
  EventTypeIn: bodies.eventTypeIn,
  EventTypeUpdate: bodies.eventTypeUpdate,
  EventTypePatch: bodies.eventTypePatch,
  EndpointIn: bodies.endpointIn,
  EndpointPatch: bodies.endpointPatch,
  EndpointSecretRotateIn: bodies.secretRotateIn,
  EndpointHeadersIn: bodies.endpointHeadersIn,
  EndpointHeadersPatchIn: bodies.endpointHeadersPatchIn,
  EventExampleIn: bodies.eventExampleIn,
  MessageIn: bodies.messageIn,
  RecoverIn: bodies.recoverIn,
  AppPortalAccessIn: bodies.appPortalAccessIn,
  IngestSourceIn: sourceIn,
  IngestEndpointIn: destinationIn,
  IngestEndpointHeadersIn: destinationHeadersIn,
};

export const COMPONENTS: Record<string, JsonSchema> = { ...OUTPUTS, ...REQUEST_BODIES };
