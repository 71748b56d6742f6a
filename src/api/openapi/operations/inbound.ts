import { destinationHeadersIn, destinationIn, sourceIn } from '../../../inbound/schemas.js';
import { conflict, json, noContent, notFound, pageParameters, pathParams, query } from '../common.js';
import type { RouteSchema } from '../route-schema.js';

const SOURCE = ['Ingest Source'];
const sourceParams = pathParams('source_id');

export const sourceSchemas = {
  list: {
    summary: 'List inbound sources',
    tags: SOURCE,
    operationId: 'v1.ingest.source.list',
    querystring: query(pageParameters(true)),
    response: { 200: json('A page of sources.', 'ListResponseIngestSourceOut') },
  },
  create: {
    summary: 'Create an inbound source',
    description:
      'Checks `type` and `config` by building the verifier, so a source that could never verify a request ' +
      'is rejected. Secrets in `config` are stored and never returned.',
    tags: SOURCE,
    operationId: 'v1.ingest.source.create',
    body: sourceIn,
    response: { 201: json('The new source, with its `ingestUrl`.', 'IngestSourceOut'), 409: conflict },
  },
  get: {
    summary: 'Get an inbound source',
    tags: SOURCE,
    operationId: 'v1.ingest.source.get',
    params: sourceParams,
    response: { 200: json('The source.', 'IngestSourceOut'), 404: notFound },
  },
  update: {
    summary: 'Replace an inbound source',
    tags: SOURCE,
    operationId: 'v1.ingest.source.update',
    params: sourceParams,
    body: sourceIn,
    response: { 200: json('The replaced source.', 'IngestSourceOut'), 404: notFound, 409: conflict },
  },
  delete: {
    summary: 'Delete an inbound source',
    description: 'Deletes its destinations and the messages it forwarded too.',
    tags: SOURCE,
    operationId: 'v1.ingest.source.delete',
    params: sourceParams,
    response: { 204: noContent('The source is deleted.'), 404: notFound },
  },
  stats: {
    summary: 'Count rejected requests',
    tags: SOURCE,
    operationId: 'v1.ingest.source.get-stats',
    params: sourceParams,
    response: { 200: json('Rejected requests by reason, such as `signature_mismatch`.', 'IngestSourceStats'), 404: notFound },
  },
} satisfies Record<string, RouteSchema>;

const DESTINATION = ['Ingest Endpoint'];
const destinationParams = pathParams('source_id', 'endpoint_id');

export const destinationSchemas = {
  list: {
    summary: 'List a source\'s destinations',
    tags: DESTINATION,
    operationId: 'v1.ingest.endpoint.list',
    params: sourceParams,
    querystring: query(pageParameters(true)),
    response: { 200: json('A page of destinations.', 'ListResponseEndpointOut'), 404: notFound },
  },
  create: {
    summary: 'Add a destination to a source',
    description: 'Verified requests are forwarded here, signed with the destination\'s own secret.',
    tags: DESTINATION,
    operationId: 'v1.ingest.endpoint.create',
    params: sourceParams,
    body: destinationIn,
    response: { 201: json('The new destination.', 'EndpointOut'), 404: notFound, 409: conflict },
  },
  get: {
    summary: 'Get a destination',
    tags: DESTINATION,
    operationId: 'v1.ingest.endpoint.get',
    params: destinationParams,
    response: { 200: json('The destination.', 'EndpointOut'), 404: notFound },
  },
  update: {
    summary: 'Replace a destination',
    tags: DESTINATION,
    operationId: 'v1.ingest.endpoint.update',
    params: destinationParams,
    body: destinationIn,
    response: { 200: json('The replaced destination.', 'EndpointOut'), 404: notFound, 409: conflict },
  },
  delete: {
    summary: 'Delete a destination',
    tags: DESTINATION,
    operationId: 'v1.ingest.endpoint.delete',
    params: destinationParams,
    response: { 204: noContent('The destination is deleted.'), 404: notFound },
  },
  getSecret: {
    summary: 'Get a destination\'s signing secret',
    tags: DESTINATION,
    operationId: 'v1.ingest.endpoint.get-secret',
    params: destinationParams,
    response: { 200: json('The key the destination verifies signatures with.', 'EndpointSecretOut'), 404: notFound },
  },
  getHeaders: {
    summary: 'Get a destination\'s custom headers',
    tags: DESTINATION,
    operationId: 'v1.ingest.endpoint.get-headers',
    params: destinationParams,
    response: { 200: json('The headers.', 'EndpointHeadersOut'), 404: notFound },
  },
  updateHeaders: {
    summary: 'Replace a destination\'s custom headers',
    tags: DESTINATION,
    operationId: 'v1.ingest.endpoint.update-headers',
    params: destinationParams,
    body: destinationHeadersIn,
    response: { 204: noContent('The headers are replaced.'), 404: notFound },
  },
} satisfies Record<string, RouteSchema>;
