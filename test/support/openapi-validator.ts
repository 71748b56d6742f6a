import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/** Compiles the schemas of an OpenAPI 3.1 document with Ajv and checks real responses against them. */
export type Json = Record<string, unknown>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
}

const SCHEMA_ID = 'https://hookline.invalid/openapi.json';

/** Copies a schema, pointing `#/components/schemas/X` at `#/$defs/X` of a standalone schema. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (key === '$ref' && typeof inner === 'string') return [key, inner.replace('#/components/schemas/', `${SCHEMA_ID}#/$defs/`)];
      return [key, rewriteRefs(inner)];
    }),
  );
}

/**
 * Closes every object schema that lists its properties, so a response field the document does
 * not declare fails validation instead of passing unnoticed.
 */
function closeObjects(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closeObjects);
  if (typeof value !== 'object' || value === null) return value;
  const copy = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, closeObjects(inner)])) as Json;
  if (copy.properties && copy.additionalProperties === undefined) copy.unevaluatedProperties = false;
  return copy;
}

export function createAjv(document: OpenApiDocument, closed: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  ajv.addFormat('date-time', (text: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text) && !Number.isNaN(Date.parse(text)));
  const defs = rewriteRefs(document.components.schemas);
  ajv.addSchema({ $id: SCHEMA_ID, $defs: closed ? closeObjects(defs) : defs });
  return ajv;
}

/** Compiles a schema taken from anywhere in the document, such as a parameter's. */
export function compileSchema(ajv: Ajv2020, schema: unknown): ValidateFunction {
  return ajv.compile(rewriteRefs(schema) as Json);
}

/** Returns the JSON schema documented for a status of an operation, or null for no body. */
export function responseSchema(document: OpenApiDocument, method: string, template: string, status: number): Json | null {
  const operation = document.paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template} is not in the document`);
  const responses = operation.responses as Record<string, Json>;
  const response = responses[String(status)];
  if (!response) throw new Error(`${method} ${template} does not document status ${status}`);
  const content = response.content as Record<string, { schema: Json }> | undefined;
  return content?.['application/json']?.schema ?? null;
}
