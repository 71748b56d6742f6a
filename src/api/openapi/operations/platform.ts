import { appPortalAccessIn } from '../../schemas.js';
import { httpError, json, noContent, notFound, pageParameters, pathParams, query } from '../common.js';
import type { RouteSchema } from '../route-schema.js';

const HEALTH = ['Health'];

export const healthSchemas = {
  get: {
    summary: 'Check health',
    description: 'Checks that the database responds. Needs no token.',
    tags: HEALTH,
    operationId: 'v1.health.get',
    response: {
      204: noContent('The server and its database are up.'),
      503: httpError('The database is unreachable (`database_unavailable`).'),
    },
  },
  ping: {
    summary: 'Check that the server responds',
    description: 'Responds without querying the database. Needs no token.',
    tags: HEALTH,
    operationId: 'v1.health.ping',
    response: { 204: noContent('The server is up.') },
  },
} satisfies Record<string, RouteSchema>;

const AUTHENTICATION = ['Authentication'];

export const authenticationSchemas = {
  appPortalAccess: {
    summary: 'Issue an app portal token',
    description:
      'Returns a token confined to one application. An `application` in the body creates the application ' +
      'with the path\'s uid when it does not exist.',
    tags: AUTHENTICATION,
    operationId: 'v1.authentication.app-portal-access',
    params: pathParams('app_id'),
    body: appPortalAccessIn,
    bodyOptional: true,
    response: { 200: json('The token and a portal URL that carries it.', 'AppPortalAccessOut'), 404: notFound },
  },
  logout: {
    summary: 'Revoke the app portal token of the request',
    description: 'Only app portal tokens can log out; an admin token gets 403.',
    tags: AUTHENTICATION,
    operationId: 'logout_api_v1_auth_logout__post',
    response: { 204: noContent('The token is revoked.') },
  },
} satisfies Record<string, RouteSchema>;

const BACKGROUND_TASK = ['Background Task'];

export const backgroundTaskSchemas = {
  list: {
    summary: 'List background tasks',
    tags: BACKGROUND_TASK,
    operationId: 'v1.background-task.list',
    querystring: query({
      ...pageParameters(false),
      status: { type: 'string', enum: ['running', 'finished', 'failed'], description: 'Only tasks with this status.' },
      task: { type: 'string', description: 'Only tasks of this type, such as `endpoint.recover`.' },
    }),
    response: { 200: json('A page of tasks, newest first.', 'ListResponseBackgroundTaskOut') },
  },
  get: {
    summary: 'Get a background task',
    tags: BACKGROUND_TASK,
    operationId: 'v1.background-task.get',
    params: pathParams('task_id'),
    response: { 200: json('The task.', 'BackgroundTaskOut'), 404: notFound },
  },
} satisfies Record<string, RouteSchema>;

const API_DESCRIPTION = ['API Description'];

export const descriptionSchemas = {
  document: {
    summary: 'Get this OpenAPI document',
    description: 'Generated from the schemas of the routes this server serves. Needs no token.',
    tags: API_DESCRIPTION,
    operationId: 'v1.openapi.get',
    response: {
      200: json('The OpenAPI 3.1 document.', 'OpenApiDocument'),
      500: httpError('The document could not be built (`internal_error`).'),
    },
  },
  page: {
    summary: 'Read the API reference',
    tags: API_DESCRIPTION,
    operationId: 'v1.openapi.page',
    response: { 200: { description: 'An HTML page rendered from this document.', type: 'string' } },
    hide: true,
  },
} satisfies Record<string, RouteSchema>;
