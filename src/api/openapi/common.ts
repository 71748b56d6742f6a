import type { JsonSchema, ResponseSchema } from './route-schema.js';

/** Building blocks shared by the route schemas in operations/. */
export const NAME_PATTERN = '^[a-zA-Z0-9\\-_.]+$';

export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

export function json(description: string, component: string): ResponseSchema {
  return { description, ...ref(component) };
}

export function noContent(description: string): ResponseSchema {
  return { description, type: 'null' };
}

export function httpError(description: string): ResponseSchema {
  return json(description, 'HttpError');
}

export const notFound = httpError('An object named in the path does not exist (`not_found`).');
export const conflict = httpError('The uid or name is already taken (`conflict`).');

const name = (description: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength: 256,
  pattern: NAME_PATTERN,
  description,
});

const PATH_PARAMETERS: Record<string, JsonSchema> = {
  app_id: name('The application id (`app_...`) or its uid.'),
  endpoint_id: name('The endpoint id (`ep_...`) or its uid.'),
  msg_id: name('The message id (`msg_...`) or its eventId.'),
  attempt_id: name('The attempt id (`atmpt_...`).'),
  event_type_name: name('The event type name, such as `invoice.paid`.'),
  task_id: name('The background task id (`qtask_...`).'),
  source_id: name('The inbound source id (`src_...`) or its uid.'),
};

/** Returns the `params` schema of a route whose path has these parameters. */
export function pathParams(...names: string[]): JsonSchema {
  const properties = Object.fromEntries(names.map((param) => [param, PATH_PARAMETERS[param]]));
  return { type: 'object', required: names, properties };
}

export function query(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', properties };
}

const LIMIT: JsonSchema = {
  type: 'integer',
  minimum: 1,
  default: 50,
  description: 'The page size. Values above 250 are read as 250, and values below 1 as 1.',
};
const ITERATOR: JsonSchema = {
  type: 'string',
  maxLength: 300,
  description: 'The `iterator` (next page) or `prevIterator` (previous page) of an earlier response.',
};

/** Pagination parameters; `ordered` adds `order` for lists that accept it. */
export function pageParameters(ordered: boolean): Record<string, JsonSchema> {
  const parameters: Record<string, JsonSchema> = { limit: LIMIT, iterator: ITERATOR };
  if (ordered) {
    parameters.order = {
      type: 'string',
      enum: ['ascending', 'descending'],
      description: 'The sort order by creation time.',
    };
  }
  return parameters;
}

export const withContent = (fallback: boolean): JsonSchema => ({
  type: 'boolean',
  default: fallback,
  description: fallback
    ? 'Set to false to leave payloads out (returned as `{}`).'
    : 'Set to true to include each schema.',
});

export const dateTime = (description: string): JsonSchema => ({
  type: 'string',
  format: 'date-time',
  description,
});

/** The filters shared by message listings. */
export const MESSAGE_FILTERS: Record<string, JsonSchema> = {
  event_types: {
    type: 'array',
    items: { type: 'string', maxLength: 256, pattern: NAME_PATTERN },
    description: 'Only messages of these event types; repeat the parameter or separate names with commas.',
  },
  channel: {
    type: 'string',
    maxLength: 256,
    pattern: NAME_PATTERN,
    description: 'Only messages sent on this channel.',
  },
  before: dateTime('Only messages created before this time.'),
  after: dateTime('Only messages created after this time.'),
};

export const DELIVERY_STATUS: JsonSchema = {
  type: 'integer',
  enum: [0, 1, 2, 3],
  description: 'Delivery status: 0 success, 1 pending, 2 fail, 3 sending.',
};
