import type { Kysely, Selectable, Updateable } from 'kysely';
import { ConflictError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { fetchPage, type Page, type PageRequest } from './pagination.js';
import type { ApplicationTable, Database } from './schema.js';
import { isUniqueViolation } from './constraint-errors.js';
import { LookupCache } from './lookup-cache.js';

export type ApplicationRow = Selectable<ApplicationTable>;

export interface ApplicationFields {
  name: string;
  uid: string | null;
  rateLimit: number | null;
  throttleRate: number | null;
  metadata: Record<string, string>;
}

/**
 * Fixed id of the internal application that carries operational webhooks. It has no random
 * part, so no id made by `newId` equals it. The API hides it: it is absent from listings and
 * every route returns 404 for it.
 */
export const OPERATIONAL_APP_ID = 'app_hookline_operational';

export async function findApplication(
  db: Kysely<Database>,
  idOrUid: string,
): Promise<ApplicationRow | undefined> {
  if (idOrUid === OPERATIONAL_APP_ID) return undefined;
  const byId = await db.selectFrom('applications').selectAll().where('id', '=', idOrUid).executeTakeFirst();
  if (byId) return byId;
  return db.selectFrom('applications').selectAll().where('uid', '=', idOrUid).executeTakeFirst();
}

const applicationLookups = new LookupCache<ApplicationRow>();

/**
 * Looks up an application like findApplication, reusing a recent read (see LookupCache). For
 * the hot path of creating messages, where a stale row costs nothing: a message for an
 * application deleted meanwhile fails on its foreign key.
 */
export function findApplicationForMessage(db: Kysely<Database>, idOrUid: string): Promise<ApplicationRow | undefined> {
  return applicationLookups.get(db, idOrUid, () => findApplication(db, idOrUid));
}

export async function requireApplication(db: Kysely<Database>, idOrUid: string): Promise<ApplicationRow> {
  const row = await findApplication(db, idOrUid);
  if (!row) throw new NotFoundError('application', idOrUid);
  return row;
}

export async function insertApplication(
  db: Kysely<Database>,
  fields: ApplicationFields,
  now = Date.now(),
): Promise<ApplicationRow> {
  const row: ApplicationRow = {
    id: newId('app', now),
    uid: fields.uid,
    name: fields.name,
    rate_limit: fields.rateLimit,
    throttle_rate: fields.throttleRate,
    metadata: JSON.stringify(fields.metadata),
    created_at: now,
    updated_at: now,
  };
  try {
    await db.insertInto('applications').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(`An application with uid "${fields.uid}" already exists.`);
    }
    throw error;
  }
  return row;
}

export async function updateApplication(
  db: Kysely<Database>,
  id: string,
  fields: ApplicationFields,
): Promise<ApplicationRow> {
  const changes: Updateable<ApplicationTable> = {
    name: fields.name,
    uid: fields.uid,
    rate_limit: fields.rateLimit,
    throttle_rate: fields.throttleRate,
    metadata: JSON.stringify(fields.metadata),
    updated_at: Date.now(),
  };
  try {
    await db.updateTable('applications').set(changes).where('id', '=', id).execute();
    applicationLookups.invalidate();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(`An application with uid "${fields.uid}" already exists.`);
    }
    throw error;
  }
  return requireApplication(db, id);
}

export async function deleteApplication(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('applications').where('id', '=', id).execute();
  applicationLookups.invalidate();
}

export function listApplications(
  db: Kysely<Database>,
  request: PageRequest,
): Promise<Page<ApplicationRow>> {
  const visible = db.selectFrom('applications').selectAll().where('id', '!=', OPERATIONAL_APP_ID);
  return fetchPage(visible, 'id', (row) => row.id, request);
}
