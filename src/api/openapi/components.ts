import { destinationHeadersIn, destinationIn, sourceIn } from '../../inbound/schemas.js';
import * as bodies from '../schemas.js';
import { ref } from './common.js';
import {
  STAT_NAMES,
  applicationOut,
  attemptOut,
  deliveryStatus,
  endpointFields,
  endpointHealthOut,
  eventTypeOut,
  listOf,
  messageFields,
  nullableNames,
  object,
  sourceOut,
  string,
  stringMap,
  taskFields,
} from './objects.js';
import type { JsonSchema } from './route-schema.js';

/**
 * Component schemas of the OpenAPI document: the objects the API returns, defined in
 * objects.ts, and the request bodies Fastify validates, reused from schemas.ts so the two
 * cannot drift.
 */
/** Response and shared schemas, by component name. */
const OUTPUTS: Record<string, JsonSchema> = {
  HttpError: object(
    { code: { type: 'string', description: 'A stable error code, such as `not_found`.' }, detail: string },
    'An error with a stable code and a readable detail.',
  ),
  ValidationIssue: object(
    {
      loc: {
        type: 'array',
        items: string,
        description: 'Where the invalid value is, such as `["body", "url"]`.',
      },
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
    {
      key: {
        type: 'string',
        description: 'A `whsec_` HMAC secret, or the `whpk_` public key of an Ed25519 endpoint.',
      },
    },
    'What a receiver needs to verify signatures.',
  ),
  EndpointHeadersOut: object(
    {
      headers: stringMap,
      sensitive: { type: 'array', items: string, description: 'Names of headers whose values are hidden.' },
    },
    'Custom headers sent with every delivery.',
  ),
  EndpointStats: object(
    Object.fromEntries(STAT_NAMES.map((key) => [key, { type: 'integer' }])),
    'Counts of the endpoint\'s scheduled deliveries by status; `canceled` is always 0.',
  ),
  EndpointHealthOut: endpointHealthOut,
  MessageOut: object(messageFields, 'A message: one event sent to the endpoints of an application.'),
  ListResponseMessageOut: listOf('MessageOut'),
  EndpointMessageOut: object(
    { ...messageFields, ...deliveryStatus },
    'A message with the status of its delivery to one endpoint.',
  ),
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
  BackgroundTaskOut: object(
    { ...taskFields, data: { type: 'object', description: 'The result: `{ recovered }` or `{ error }`.' } },
    'A background task.',
  ),
  ListResponseBackgroundTaskOut: listOf('BackgroundTaskOut'),
  AppPortalAccessOut: object(
    { token: { type: 'string', description: 'An `hlapp_` token confined to one application.' }, url: string },
    'A token for an app portal.',
  ),
  IngestSourceOut: sourceOut,
  ListResponseIngestSourceOut: listOf('IngestSourceOut'),
  IngestSourceStats: object(
    {
      sourceId: string,
      accepted: { type: 'integer', description: 'Messages stored from accepted requests.' },
      rejections: {
        type: 'object',
        additionalProperties: { type: 'integer' },
        description: 'Rejected requests by reason.',
      },
    },
    'Counts of the requests a source accepted and rejected.',
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
