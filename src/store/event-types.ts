import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../errors.js';
import { fetchPage, type Page, type PageRequest } from './pagination.js';
import type { Database, EventTypeTable } from './schema.js';
import { isUniqueViolation } from './constraint-errors.js';

export type EventTypeRow = Selectable<EventTypeTable>;

export interface EventTypeFields {
  description: string;
  archived: boolean;
  deprecated: boolean;
  featureFlag: string | null;
  schemas: Record<string, unknown> | null;
}

export async function findEventType(db: Kysely<Database>, name: string): Promise<EventTypeRow | undefined> {
  return db.selectFrom('event_types').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function requireEventType(db: Kysely<Database>, name: string): Promise<EventTypeRow> {
  const row = await findEventType(db, name);
  if (!row) throw new NotFoundError('event type', name);
  return row;
}

function toColumns(fields: EventTypeFields) {
  return {
    description: fields.description,
    archived: fields.archived ? 1 : 0,
    deprecated: fields.deprecated ? 1 : 0,
    feature_flag: fields.featureFlag,
    schemas: fields.schemas === null ? null : JSON.stringify(fields.schemas),
  };
}

export async function insertEventType(
  db: Kysely<Database>,
  name: string,
  fields: EventTypeFields,
): Promise<EventTypeRow> {
  const now = Date.now();
  const row: EventTypeRow = { name, ...toColumns(fields), created_at: now, updated_at: now };
  try {
    await db.insertInto('event_types').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`Event type "${name}" already exists.`);
    throw error;
  }
  return row;
}

export async function updateEventType(
  db: Kysely<Database>,
  name: string,
  fields: EventTypeFields,
): Promise<EventTypeRow> {
  await db
    .updateTable('event_types')
    .set({ ...toColumns(fields), updated_at: Date.now() })
    .where('name', '=', name)
    .execute();
  return requireEventType(db, name);
}

export async function deleteEventType(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('event_types').where('name', '=', name).execute();
}

/** Returns the names in `names` that have no event type row. */
export async function findUnknownEventTypes(db: Kysely<Database>, names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const rows = await db.selectFrom('event_types').select('name').where('name', 'in', names).execute();
  const known = new Set(rows.map((row) => row.name));
  return names.filter((name) => !known.has(name));
}

export function listEventTypes(
  db: Kysely<Database>,
  request: PageRequest,
  includeArchived: boolean,
): Promise<Page<EventTypeRow>> {
  let query = db.selectFrom('event_types').selectAll();
  if (!includeArchived) query = query.where('archived', '=', 0);
  return fetchPage(query, 'name', (row) => row.name, request);
}
