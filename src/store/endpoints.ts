import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { fetchPage, type Page, type PageRequest } from './pagination.js';
import type { Database, EndpointTable } from './schema.js';
import { isUniqueViolation } from './constraint-errors.js';

export type EndpointRow = Selectable<EndpointTable>;

export interface EndpointFields {
  url: string;
  description: string;
  uid: string | null;
  version: number;
  disabled: boolean;
  filterTypes: string[] | null;
  channels: string[] | null;
  rateLimit: number | null;
  throttleRate: number | null;
  metadata: Record<string, string>;
  headers: Record<string, string>;
}

function toColumns(fields: EndpointFields) {
  return {
    url: fields.url,
    description: fields.description,
    uid: fields.uid,
    version: fields.version,
    disabled: fields.disabled ? 1 : 0,
    filter_types: fields.filterTypes === null ? null : JSON.stringify(fields.filterTypes),
    channels: fields.channels === null ? null : JSON.stringify(fields.channels),
    rate_limit: fields.rateLimit,
    throttle_rate: fields.throttleRate,
    metadata: JSON.stringify(fields.metadata),
    headers: JSON.stringify(fields.headers),
  };
}

function uidConflict(uid: string | null): ConflictError {
  return new ConflictError(`An endpoint with uid "${uid}" already exists in this application.`);
}

/** Inserts an endpoint. `secret` contains the secret columns as stored, encrypted or not. */
export async function insertEndpoint(
  db: Kysely<Database>,
  appId: string,
  fields: EndpointFields,
  secret: { secret: string; previous_secrets: string },
): Promise<EndpointRow> {
  const now = Date.now();
  const row: EndpointRow = {
    id: newId('ep', now),
    app_id: appId,
    ...toColumns(fields),
    disabled_reason: fields.disabled ? 'manual' : null,
    ...secret,
    created_at: now,
    updated_at: now,
  };
  try {
    await db.insertInto('endpoints').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw uidConflict(fields.uid);
    throw error;
  }
  return row;
}

export async function findEndpoint(
  db: Kysely<Database>,
  appId: string,
  idOrUid: string,
): Promise<EndpointRow | undefined> {
  const base = db.selectFrom('endpoints').selectAll().where('app_id', '=', appId);
  const byId = await base.where('id', '=', idOrUid).executeTakeFirst();
  if (byId) return byId;
  return base.where('uid', '=', idOrUid).executeTakeFirst();
}

export async function requireEndpoint(
  db: Kysely<Database>,
  appId: string,
  idOrUid: string,
): Promise<EndpointRow> {
  const row = await findEndpoint(db, appId, idOrUid);
  if (!row) throw new NotFoundError('endpoint', idOrUid);
  return row;
}

/**
 * Saves new settings. Enabling an endpoint clears the reason it was disabled; disabling it by
 * hand records `manual` unless a reason is already set.
 */
export async function updateEndpoint(
  db: Kysely<Database>,
  current: EndpointRow,
  fields: EndpointFields,
): Promise<EndpointRow> {
  let disabledReason: string | null = null;
  if (fields.disabled) disabledReason = current.disabled_reason ?? 'manual';

  try {
    await db
      .updateTable('endpoints')
      .set({ ...toColumns(fields), disabled_reason: disabledReason, updated_at: Date.now() })
      .where('id', '=', current.id)
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw uidConflict(fields.uid);
    throw error;
  }
  return requireEndpoint(db, current.app_id, current.id);
}

export async function deleteEndpoint(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('endpoints').where('id', '=', id).execute();
}

export function listEndpoints(
  db: Kysely<Database>,
  appId: string,
  request: PageRequest,
): Promise<Page<EndpointRow>> {
  const query = db.selectFrom('endpoints').selectAll().where('app_id', '=', appId);
  return fetchPage(query, 'id', (row) => row.id, request);
}

/** Lists the enabled endpoints of the given applications. */
export function listEnabledEndpoints(db: Kysely<Database>, appIds: readonly string[]): Promise<EndpointRow[]> {
  return db
    .selectFrom('endpoints')
    .selectAll()
    .where('app_id', 'in', appIds)
    .where('disabled', '=', 0)
    .execute();
}

export function parseJsonList(text: string | null): string[] | null {
  return text === null ? null : (JSON.parse(text) as string[]);
}

/**
 * Decides whether an endpoint receives a message: its type filter is empty or names the
 * event type, and its channels are empty or share at least one with the message.
 */
export function endpointMatches(
  endpoint: Pick<EndpointRow, 'filter_types' | 'channels'>,
  eventType: string,
  messageChannels: string[] | null,
): boolean {
  const filterTypes = parseJsonList(endpoint.filter_types);
  if (filterTypes && filterTypes.length > 0 && !filterTypes.includes(eventType)) return false;

  const channels = parseJsonList(endpoint.channels);
  if (!channels || channels.length === 0) return true;
  return (messageChannels ?? []).some((channel) => channels.includes(channel));
}

export async function updateEndpointHeaders(
  db: Kysely<Database>,
  id: string,
  headers: Record<string, string>,
): Promise<void> {
  await db
    .updateTable('endpoints')
    .set({ headers: JSON.stringify(headers), updated_at: Date.now() })
    .where('id', '=', id)
    .execute();
}
