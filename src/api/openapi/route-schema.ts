/**
 * The `schema` option of Hookline's API routes. Fastify validates only `body`: the other parts
 * describe the route for the OpenAPI document, because query strings and path parameters are
 * read by hand (query.ts, path-params.ts) and responses are serialized with JSON.stringify.
 */
export type JsonSchema = Record<string, unknown>;

/** A response schema with the response's description; `type: 'null'` means no body. */
export type ResponseSchema = JsonSchema & { description: string };

export interface RouteSchema {
  summary: string;
  description?: string;
  tags: string[];
  /** Matches the Svix description where the route exists there, so generated clients agree. */
  operationId: string;
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /** Set when a route accepts a request without a body, as if `{}` had been sent. */
  bodyOptional?: boolean;
  response: Record<string, ResponseSchema>;
  /** Leaves the route out of the OpenAPI document. */
  hide?: boolean;
}

const DOCUMENTATION_ONLY = new Set(['params', 'querystring', 'query', 'headers', 'response']);

/**
 * Returns a copy of a route's schema with only the parts Fastify may act on, the body and the
 * annotations. A `querystring` or `params` schema would make Fastify validate and coerce them.
 * A `response` schema would make it serialize through fast-json-stringify, which drops
 * undeclared properties. The original object is kept unchanged for the document.
 */
export function compiledPart(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !DOCUMENTATION_ONLY.has(key)));
}
