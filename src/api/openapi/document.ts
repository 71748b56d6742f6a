import { COMPONENTS } from './components.js';
import { httpError, json, ref } from './common.js';
import type { JsonSchema, ResponseSchema, RouteSchema } from './route-schema.js';

/** A registered route as the onRoute hook saw it, before Fastify compiled its schema. */
export interface DocumentedRoute {
  method: string;
  url: string;
  schema?: RouteSchema | undefined;
}

export interface DocumentOptions {
  version: string;
  serverUrl: string;
  /** Whether a route (by its Fastify path) is served without a token. */
  isPublic: (url: string) => boolean;
}

type Operation = Record<string, unknown>;

/** Paths under these prefixes are Hookline's API; /metrics, dashboards and /in/ are not. */
const API_PREFIXES = ['/api/v1/', '/ingest/api/v1/'];

export function isApiRoute(url: string): boolean {
  return API_PREFIXES.some((prefix) => url.startsWith(prefix));
}

/** Converts Fastify's `/app/:app_id` to OpenAPI's `/app/{app_id}`. */
export function toOpenApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const componentNames = new Map<unknown, string>(
  Object.entries(COMPONENTS).map(([name, schema]) => [schema, name]),
);

/** Copies a schema, replacing every object that is a component (a request body) with its $ref. */
function withRefs(schema: unknown, root = true): unknown {
  if (!root && componentNames.has(schema)) return ref(componentNames.get(schema)!);
  if (Array.isArray(schema)) return schema.map((item) => withRefs(item, false));
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, withRefs(value, false)]));
}

function parameters(location: 'path' | 'query', schema: JsonSchema | undefined): Operation[] {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    const parameter: Operation = { name, in: location, required: location === 'path' || required.has(name) };
    if (description !== undefined) parameter.description = description;
    parameter.schema = rest;
    if (rest.type === 'array') Object.assign(parameter, { style: 'form', explode: true });
    return parameter;
  });
}

const UNEXPECTED = httpError(
  'An unexpected error (`internal_error`) or an unreachable database (`database_unavailable`).',
);

const IDEMPOTENCY_KEY: Operation = {
  name: 'idempotency-key',
  in: 'header',
  required: false,
  description:
    'Runs the request once: a repeat with the same key within 24 hours gets the first response again.',
  schema: { type: 'string', maxLength: 256 },
};

function response(entry: ResponseSchema): Operation {
  const { description, ...schema } = entry;
  if (schema.type === 'null') return { description };
  return { description, content: { 'application/json': { schema: withRefs(schema) } } };
}

/** Responses every route of its kind can return, unless the route schema names them itself. */
function sharedResponses(
  route: DocumentedRoute,
  schema: RouteSchema,
  isPublic: boolean,
): Record<string, ResponseSchema> {
  const shared: Record<string, ResponseSchema> = {};
  if (!isPublic) {
    shared[401] = httpError('The token is missing, invalid or expired (`authentication_failed`).');
    shared[403] = httpError('An app portal token may not use this route (`forbidden`).');
  }
  if (schema.body) {
    shared[400] = httpError('The body is not valid JSON (`invalid_json`).');
    shared[413] = httpError('The body is larger than the configured maximum (`payload_too_large`).');
    shared[415] = httpError('The body is not `application/json` (`unsupported_media_type`).');
  }
  if (schema.body || schema.params || schema.querystring || route.method === 'POST') {
    shared[422] = json('The body, query or path is invalid (`validation`).', 'HttpValidationError');
  }
  return shared;
}

function operation(route: DocumentedRoute, schema: RouteSchema, isPublic: boolean): Operation {
  const op: Operation = { operationId: schema.operationId, summary: schema.summary, tags: schema.tags };
  if (schema.description) op.description = schema.description;
  const params = [...parameters('path', schema.params), ...parameters('query', schema.querystring)];
  if (route.method === 'POST' && !isPublic) params.push(IDEMPOTENCY_KEY);
  if (params.length > 0) op.parameters = params;
  if (schema.body) {
    const content = { 'application/json': { schema: withRefs(schema.body, false) } };
    op.requestBody = { required: schema.bodyOptional !== true, content };
  }
  const entries = { ...sharedResponses(route, schema, isPublic), ...schema.response };
  const responses: Record<string, Operation> = {};
  for (const status of Object.keys(entries).sort()) responses[status] = response(entries[status]!);
  responses.default = response(UNEXPECTED);
  op.responses = responses;
  if (isPublic) op.security = [];
  return op;
}

/** Describes a route that has no schema, so the document still lists it, marked undocumented. */
function undocumented(route: DocumentedRoute): RouteSchema {
  return {
    summary: `${route.method} ${route.url} (undocumented)`,
    tags: ['Undocumented'],
    operationId: `undocumented ${route.method} ${route.url}`,
    response: {},
  };
}

/** Builds the OpenAPI 3.1 document of the API routes among `routes`. */
export function buildDocument(routes: DocumentedRoute[], options: DocumentOptions): JsonSchema {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const route of routes) {
    if (!isApiRoute(route.url) || route.schema?.hide === true) continue;
    const schema = route.schema?.operationId ? route.schema : undocumented(route);
    const path = toOpenApiPath(route.url);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, schema, options.isPublic(route.url));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hookline API',
      version: options.version,
      description:
        'Sends signed webhooks with retries and receives them safely. Compatible with the Svix server API.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearerAuth: [] }],
    tags: tagList(paths),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token or an app portal token.' },
      },
      schemas: Object.fromEntries(Object.entries(COMPONENTS).map(([name, schema]) => [name, withRefs(schema)])),
    },
  };
}

function tagList(paths: Record<string, Record<string, Operation>>): { name: string }[] {
  const names = new Set<string>();
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) for (const tag of op.tags as string[]) names.add(tag);
  }
  return [...names].map((name) => ({ name }));
}
