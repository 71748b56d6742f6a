import { messageIn } from '../../schemas.js';
import {
  DELIVERY_STATUS,
  MESSAGE_FILTERS,
  dateTime,
  json,
  noContent,
  notFound,
  pageParameters,
  pathParams,
  query,
  withContent,
} from '../common.js';
import type { JsonSchema, RouteSchema } from '../route-schema.js';

const MESSAGE = ['Message'];
const ATTEMPT = ['Message Attempt'];
const messageParams = pathParams('app_id', 'msg_id');
const endpointParams = pathParams('app_id', 'endpoint_id');

export const messageSchemas = {
  create: {
    summary: 'Send a message',
    description:
      'Stores the message and one delivery per matching endpoint before it returns. With an `application` ' +
      'in the body, an application that does not exist is created with the path\'s uid.',
    tags: MESSAGE,
    operationId: 'v1.message.create',
    params: pathParams('app_id'),
    querystring: query({ with_content: withContent(true) }),
    body: messageIn,
    response: {
      202: json('The message is stored and will be delivered.', 'MessageOut'),
      404: notFound,
      409: json('A message with this `eventId` exists already (`conflict`).', 'HttpError'),
    },
  },
  list: {
    summary: 'List messages',
    tags: MESSAGE,
    operationId: 'v1.message.list',
    params: pathParams('app_id'),
    querystring: query({ ...pageParameters(false), ...MESSAGE_FILTERS, with_content: withContent(true) }),
    response: { 200: json('A page of messages, newest first.', 'ListResponseMessageOut'), 404: notFound },
  },
  get: {
    summary: 'Get a message',
    tags: MESSAGE,
    operationId: 'v1.message.get',
    params: messageParams,
    querystring: query({ with_content: withContent(true) }),
    response: { 200: json('The message.', 'MessageOut'), 404: notFound },
  },
  expungeContent: {
    summary: 'Remove a message\'s payload',
    description: 'The message reads as `{}` afterwards, and pending deliveries send `{}`.',
    tags: MESSAGE,
    operationId: 'v1.message.expunge-content',
    params: messageParams,
    response: { 204: noContent('The payload is removed.'), 404: notFound },
  },
} satisfies Record<string, RouteSchema>;

const ATTEMPT_FILTERS: Record<string, JsonSchema> = {
  status: { ...DELIVERY_STATUS, enum: [0, 1, 2, 3, 4], description: 'Only attempts with this status; 4 (canceled) matches none.' },
  status_code_class: {
    type: 'integer',
    enum: [0, 100, 200, 300, 400, 500],
    description: 'Only attempts whose HTTP status is in this class; 0 means no response.',
  },
  before: dateTime('Only attempts made before this time.'),
  after: dateTime('Only attempts made after this time.'),
};

export const attemptSchemas = {
  listByMessage: {
    summary: 'List the attempts of a message',
    tags: ATTEMPT,
    operationId: 'v1.message-attempt.list-by-msg',
    params: messageParams,
    querystring: query({
      ...pageParameters(false),
      ...ATTEMPT_FILTERS,
      endpoint_id: { type: 'string', maxLength: 256, description: 'Only attempts to this endpoint (id or uid).' },
    }),
    response: { 200: json('A page of attempts, newest first.', 'ListResponseMessageAttemptOut'), 404: notFound },
  },
  listByEndpoint: {
    summary: 'List the attempts to an endpoint',
    tags: ATTEMPT,
    operationId: 'v1.message-attempt.list-by-endpoint',
    params: endpointParams,
    querystring: query({ ...pageParameters(false), ...ATTEMPT_FILTERS }),
    response: { 200: json('A page of attempts, newest first.', 'ListResponseMessageAttemptOut'), 404: notFound },
  },
  get: {
    summary: 'Get an attempt',
    tags: ATTEMPT,
    operationId: 'v1.message-attempt.get',
    params: pathParams('app_id', 'msg_id', 'attempt_id'),
    response: { 200: json('The attempt.', 'MessageAttemptOut'), 404: notFound },
  },
  resend: {
    summary: 'Resend a message to an endpoint',
    description: 'Sends the message once more, whatever the endpoint\'s filters; the attempt is never retried.',
    tags: ATTEMPT,
    operationId: 'v1.message-attempt.resend',
    params: pathParams('app_id', 'msg_id', 'endpoint_id'),
    response: { 202: json('The resend is queued.', 'EmptyResponse'), 404: notFound },
  },
  expungeContent: {
    summary: 'Remove an attempt\'s response body',
    tags: ATTEMPT,
    operationId: 'v1.message-attempt.expunge-content',
    params: pathParams('app_id', 'msg_id', 'attempt_id'),
    response: { 204: noContent('The response body is removed.'), 404: notFound },
  },
  listEndpointMessages: {
    summary: 'List the messages sent to an endpoint',
    tags: ATTEMPT,
    operationId: 'v1.message-attempt.list-attempted-messages',
    params: endpointParams,
    querystring: query({
      ...pageParameters(false),
      ...MESSAGE_FILTERS,
      status: { ...DELIVERY_STATUS, description: 'Only messages whose delivery has this status.' },
      with_content: withContent(true),
    }),
    response: {
      200: json('A page of messages with their delivery status, newest first.', 'ListResponseEndpointMessageOut'),
      404: notFound,
    },
  },
  listMessageEndpoints: {
    summary: 'List the endpoints a message was sent to',
    tags: ATTEMPT,
    operationId: 'v1.message-attempt.list-attempted-destinations',
    params: messageParams,
    querystring: query(pageParameters(false)),
    response: {
      200: json('A page of endpoints with the message\'s delivery status.', 'ListResponseMessageEndpointOut'),
      404: notFound,
    },
  },
} satisfies Record<string, RouteSchema>;

