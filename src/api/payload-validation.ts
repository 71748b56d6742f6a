import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { EventTypeRow } from '../store/event-types.js';

/**
 * JSON Schema checks of message payloads against their event type, with the Ajv that Fastify
 * uses for request bodies. `strict: false` accepts the annotation keywords that event type
 * schemas often carry. Formats are not checked, so an unknown `format` name is no error.
 */
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });

/** Compiled validators by event type name, replaced when the event type changes. */
const cache = new Map<string, { updatedAt: number; schemas: string; validate: ValidateFunction }>();

/** Returns the schema of the highest version number, or null when there is none. */
export function latestSchema(schemas: Record<string, unknown> | null): { version: string; schema: object } | null {
  if (!schemas) return null;
  const versions = Object.keys(schemas).sort((a, b) => Number(b) - Number(a) || b.localeCompare(a));
  const version = versions[0];
  if (version === undefined) return null;
  return { version, schema: schemas[version] as object };
}

/** Rejects event type schemas that Ajv cannot compile, with the version in `loc`. */
export function assertCompilableSchemas(schemas: Record<string, unknown> | null | undefined): void {
  if (!schemas) return;
  for (const [version, schema] of Object.entries(schemas)) {
    try {
      ajv.compile(schema as object);
      ajv.removeSchema(schema as object);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw ValidationError.single(['body', 'schemas', version], `schema ${version} is not a valid JSON Schema: ${reason}`);
    }
  }
}

function validatorFor(eventType: EventTypeRow): ValidateFunction | null {
  if (eventType.schemas === null) return null;
  const cached = cache.get(eventType.name);
  if (cached && cached.updatedAt === eventType.updated_at && cached.schemas === eventType.schemas) return cached.validate;
  // Ajv keeps every compiled schema; drop the replaced one so updates do not accumulate.
  if (cached) ajv.removeSchema(cached.validate.schema as object);

  const latest = latestSchema(JSON.parse(eventType.schemas) as Record<string, unknown>);
  if (!latest) return null;
  const validate = ajv.compile(latest.schema);
  cache.set(eventType.name, { updatedAt: eventType.updated_at, schemas: eventType.schemas, validate });
  return validate;
}

function toIssue(error: ErrorObject): ValidationIssue {
  const path = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const where = path.length > 0 ? `payload.${path.join('.')}` : 'payload';
  return {
    loc: ['body', 'payload', ...path],
    msg: `${where} ${error.message ?? 'is invalid'}`,
    type: `value_error.jsonschema.${error.keyword}`,
  };
}

/** Throws a 422 listing every schema violation of `payload`; passes when the event type has no schema. */
export function assertPayloadMatches(eventType: EventTypeRow | undefined, payload: unknown): void {
  if (!eventType) return;
  const validate = validatorFor(eventType);
  if (!validate || validate(payload)) return;
  throw new ValidationError((validate.errors ?? []).map(toIssue));
}
