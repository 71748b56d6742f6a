import { sql, type Kysely, type Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { deleteApplication, insertApplication } from '../store/applications.js';
import { isUniqueViolation } from '../store/constraint-errors.js';
import { fetchPage, type Page, type PageRequest } from '../store/pagination.js';
import type { Database, IngestSourceTable } from '../store/schema.js';

export type SourceRow = Selectable<IngestSourceTable>;

export interface SourceFields {
  name: string;
  uid: string | null;
  type: string;
  config: Record<string, unknown>;
  metadata: Record<string, string>;
}

function uidConflict(uid: string | null): ConflictError {
  return new ConflictError(`A source with uid "${uid}" already exists.`);
}

/** Stores a source and the application that carries its destinations, in one transaction. */
export async function insertSource(db: Kysely<Database>, fields: SourceFields): Promise<SourceRow> {
  const now = Date.now();
  const id = newId('src', now);
  try {
    return await db.transaction().execute(async (trx) => {
      const application = await insertApplication(trx, {
        name: `Inbound source ${fields.name}`,
        uid: null,
        rateLimit: null,
        throttleRate: null,
        metadata: { 'hookline.ingestSource': id },
      });
      const row: SourceRow = {
        id,
        uid: fields.uid,
        name: fields.name,
        type: fields.type,
        config: JSON.stringify(fields.config),
        metadata: JSON.stringify(fields.metadata),
        app_id: application.id,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('ingest_sources').values(row).execute();
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw uidConflict(fields.uid);
    throw error;
  }
}

export async function findSource(db: Kysely<Database>, idOrUid: string): Promise<SourceRow | undefined> {
  const base = db.selectFrom('ingest_sources').selectAll();
  return (await base.where('id', '=', idOrUid).executeTakeFirst()) ?? base.where('uid', '=', idOrUid).executeTakeFirst();
}

export async function requireSource(db: Kysely<Database>, idOrUid: string): Promise<SourceRow> {
  const row = await findSource(db, idOrUid);
  if (!row) throw new NotFoundError('source', idOrUid);
  return row;
}

export async function updateSource(db: Kysely<Database>, id: string, fields: SourceFields): Promise<SourceRow> {
  const changes = {
    name: fields.name,
    uid: fields.uid,
    type: fields.type,
    config: JSON.stringify(fields.config),
    metadata: JSON.stringify(fields.metadata),
    updated_at: Date.now(),
  };
  try {
    await db.updateTable('ingest_sources').set(changes).where('id', '=', id).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw uidConflict(fields.uid);
    throw error;
  }
  return requireSource(db, id);
}

/** Deletes a source with its application, destinations, messages and counts. */
export async function deleteSource(db: Kysely<Database>, source: SourceRow): Promise<void> {
  await deleteApplication(db, source.app_id);
}

export function listSources(db: Kysely<Database>, request: PageRequest): Promise<Page<SourceRow>> {
  return fetchPage(db.selectFrom('ingest_sources').selectAll(), 'id', (row) => row.id, request);
}

/** Adds one to a source's count for `reason`. The upsert is atomic, so concurrent writers lose no increment. */
export async function countRejection(db: Kysely<Database>, sourceId: string, reason: string): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('ingest_rejections')
    .values({ source_id: sourceId, reason, count: 1, last_at: now })
    .onConflict((conflict) =>
      conflict.columns(['source_id', 'reason']).doUpdateSet({
        count: sql<number>`ingest_rejections.count + 1`,
        last_at: now,
      }),
    )
    .execute();
}

/** Counts the messages a source accepted: those stored in its application. */
export async function countAccepted(db: Kysely<Database>, source: SourceRow): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where('app_id', '=', source.app_id)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function readRejections(db: Kysely<Database>, sourceId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('ingest_rejections')
    .select(['reason', 'count'])
    .where('source_id', '=', sourceId)
    .orderBy('reason')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.reason, Number(row.count)]));
}
