import type { Kysely } from 'kysely';
import { NotFoundError } from '../errors.js';
import type { AttemptRow } from '../queue/deliveries.js';
import { fetchPage, type Page, type PageRequest } from './pagination.js';
import type { Database } from './schema.js';

export interface AttemptFilter {
  appId: string;
  messageId?: string | undefined;
  endpointId?: string | undefined;
  status?: number | undefined;
  /** 0 for attempts with no response, otherwise 100, 200, ... 500. */
  statusCodeClass?: number | undefined;
  before?: number | undefined;
  after?: number | undefined;
}

export function listAttempts(
  db: Kysely<Database>,
  filter: AttemptFilter,
  request: PageRequest,
): Promise<Page<AttemptRow>> {
  let query = db.selectFrom('attempts').selectAll().where('app_id', '=', filter.appId);
  if (filter.messageId) query = query.where('message_id', '=', filter.messageId);
  if (filter.endpointId) query = query.where('endpoint_id', '=', filter.endpointId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.statusCodeClass !== undefined) {
    const low = filter.statusCodeClass;
    query =
      low === 0
        ? query.where('response_status_code', '=', 0)
        : query.where('response_status_code', '>=', low).where('response_status_code', '<', low + 100);
  }
  if (filter.before !== undefined) query = query.where('created_at', '<', filter.before);
  if (filter.after !== undefined) query = query.where('created_at', '>', filter.after);
  return fetchPage(query, 'id', (row) => row.id, request);
}

export async function requireAttempt(
  db: Kysely<Database>,
  appId: string,
  messageId: string,
  attemptId: string,
): Promise<AttemptRow> {
  const row = await db
    .selectFrom('attempts')
    .selectAll()
    .where('app_id', '=', appId)
    .where('message_id', '=', messageId)
    .where('id', '=', attemptId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('message attempt', attemptId);
  return row;
}
