import {
  endpointHeadersIn,
  endpointHeadersPatchIn,
  endpointIn,
  endpointPatch,
  eventExampleIn,
  recoverIn,
  secretRotateIn,
} from '../../schemas.js';
import { conflict, dateTime, json, noContent, notFound, pageParameters, pathParams, query } from '../common.js';
import type { RouteSchema } from '../route-schema.js';

const ENDPOINT = ['Endpoint'];
const appParams = pathParams('app_id');
const endpointParams = pathParams('app_id', 'endpoint_id');

export const endpointSchemas = {
  list: {
    summary: 'List endpoints',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.list',
    params: appParams,
    querystring: query(pageParameters(true)),
    response: { 200: json('A page of the application\'s endpoints.', 'ListResponseEndpointOut'), 404: notFound },
  },
  create: {
    summary: 'Create an endpoint',
    description: 'Without a `secret`, Hookline generates one of the kind set by HOOKLINE_DEFAULT_SECRET_KIND.',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.create',
    params: appParams,
    body: endpointIn,
    response: { 201: json('The new endpoint.', 'EndpointOut'), 404: notFound, 409: conflict },
  },
  get: {
    summary: 'Get an endpoint',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.get',
    params: endpointParams,
    response: { 200: json('The endpoint.', 'EndpointOut'), 404: notFound },
  },
  update: {
    summary: 'Replace an endpoint',
    description: 'Fields left out are reset; the secret and custom headers are kept.',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.update',
    params: endpointParams,
    body: endpointIn,
    response: { 200: json('The replaced endpoint.', 'EndpointOut'), 404: notFound, 409: conflict },
  },
  patch: {
    summary: 'Change an endpoint',
    description: 'Only the fields in the body change. Enabling a disabled endpoint sends its pending deliveries.',
    tags: ENDPOINT,
    operationId: 'patch_endpoint',
    params: endpointParams,
    body: endpointPatch,
    response: { 200: json('The changed endpoint.', 'EndpointOut'), 404: notFound, 409: conflict },
  },
  delete: {
    summary: 'Delete an endpoint',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.delete',
    params: endpointParams,
    response: { 204: noContent('The endpoint is deleted.'), 404: notFound },
  },
  getSecret: {
    summary: 'Get the signing secret',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.get-secret',
    params: endpointParams,
    response: { 200: json('The key a receiver verifies signatures with.', 'EndpointSecretOut'), 404: notFound },
  },
  rotateSecret: {
    summary: 'Rotate the signing secret',
    description: 'The previous secret keeps signing deliveries, beside the new one, for the grace period.',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.rotate-secret',
    params: endpointParams,
    body: secretRotateIn,
    bodyOptional: true,
    response: { 204: noContent('The secret is rotated.'), 404: notFound },
  },
  getHeaders: {
    summary: 'Get the custom headers',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.get-headers',
    params: endpointParams,
    response: { 200: json('The headers; credentials are listed by name only.', 'EndpointHeadersOut'), 404: notFound },
  },
  updateHeaders: {
    summary: 'Replace the custom headers',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.update-headers',
    params: endpointParams,
    body: endpointHeadersIn,
    response: { 204: noContent('The headers are replaced.'), 404: notFound },
  },
  patchHeaders: {
    summary: 'Change the custom headers',
    description: 'A string sets a header and null removes it; names match case-insensitively.',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.patch-headers',
    params: endpointParams,
    body: endpointHeadersPatchIn,
    response: { 204: noContent('The headers are changed.'), 404: notFound },
  },
  sendExample: {
    summary: 'Send an example message',
    description: 'Sends an example from the event type\'s schema, or `{ "type": <name> }`, to this endpoint only.',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.send-example',
    params: endpointParams,
    body: eventExampleIn,
    response: { 200: json('The message that is being delivered.', 'MessageOut'), 404: notFound },
  },
  recover: {
    summary: 'Recover failed deliveries',
    description: 'Queues every failed delivery to the endpoint since `since` again, as a background task.',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.recover',
    params: endpointParams,
    body: recoverIn,
    response: { 202: json('The task that requeues the deliveries.', 'RecoverOut'), 404: notFound },
  },
  health: {
    summary: 'Get endpoint health over time',
    description:
      'Counts the endpoint\'s attempts in equal time slots between `since` and `until`, with the ' +
      'success count and response times of each, and reports its current failure run and last ' +
      'failure. Hookline only; the window is at most 90 days.',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.get-health',
    params: endpointParams,
    querystring: query({
      since: dateTime('Start of the window; default 24 hours before `until`.'),
      until: dateTime('End of the window, exclusive; default now.'),
      buckets: { type: 'integer', minimum: 1, maximum: 200, description: 'Number of slots; default 24.' },
    }),
    response: { 200: json('The endpoint\'s health history.', 'EndpointHealthOut'), 404: notFound },
  },
  stats: {
    summary: 'Count deliveries by status',
    tags: ENDPOINT,
    operationId: 'v1.endpoint.get-stats',
    params: endpointParams,
    querystring: query({
      since: dateTime('Count messages created at or after this time.'),
      until: dateTime('Count messages created before this time.'),
    }),
    response: { 200: json('The counts.', 'EndpointStats'), 404: notFound },
  },
} satisfies Record<string, RouteSchema>;
