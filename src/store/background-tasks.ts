import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { DeliveryStatus } from './messages.js';
import { fetchPage, type Page, type PageRequest } from './pagination.js';
import type { BackgroundTaskTable, Database } from './schema.js';

export type BackgroundTaskRow = Selectable<BackgroundTaskTable>;

export const RECOVER_TASK = 'endpoint.recover';

export interface RecoverParams {
  since: number;
  until: number | null;
}

export async function insertRecoverTask(
  db: Kysely<Database>,
  appId: string,
  endpointId: string,
  params: RecoverParams,
  now = Date.now(),
): Promise<BackgroundTaskRow> {
  const row: BackgroundTaskRow = {
    id: newId('qtask', now),
    task: RECOVER_TASK,
    status: 'running',
    app_id: appId,
    endpoint_id: endpointId,
    params: JSON.stringify(params),
    data: '{}',
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('background_tasks').values(row).execute();
  return row;
}

export async function requireBackgroundTask(db: Kysely<Database>, id: string): Promise<BackgroundTaskRow> {
  const row = await db.selectFrom('background_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('background task', id);
  return row;
}

export function listBackgroundTasks(
  db: Kysely<Database>,
  filter: { status?: string | undefined; task?: string | undefined },
  request: PageRequest,
): Promise<Page<BackgroundTaskRow>> {
  let query = db.selectFrom('background_tasks').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.task) query = query.where('task', '=', filter.task);
  return fetchPage(query, 'id', (row) => row.id, request);
}

export async function listRunningTaskIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('background_tasks').select('id').where('status', '=', 'running').execute();
  return rows.map((row) => row.id);
}

/**
 * Runs a recover task: every failed scheduled delivery of the endpoint whose message was
 * created in [since, until) is pending again, due now, with a fresh retry schedule. Messages
 * whose payload was expunged are skipped, because they can no longer be sent as written.
 * The task is marked finished in the same transaction, so a crash leaves it running and
 * untouched, and the next run starts it over. Two processes running it at once requeue once:
 * the second finds the task no longer running and stops.
 */
export async function runRecoverTask(db: Kysely<Database>, taskId: string, now = Date.now()): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const claim = await trx
      .updateTable('background_tasks')
      .set({ status: 'finished', updated_at: now })
      .where('id', '=', taskId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) === 0) return null;

    const task = await trx.selectFrom('background_tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    const params = JSON.parse(task.params) as RecoverParams;
    const result = await trx
      .updateTable('deliveries')
      .set({ status: DeliveryStatus.pending, attempt_count: 0, next_attempt_at: now, updated_at: now })
      .where('endpoint_id', '=', task.endpoint_id)
      .where('status', '=', DeliveryStatus.fail)
      .where('trigger_type', '=', 0)
      .where('message_id', 'in', (eb) => {
        let messages = eb
          .selectFrom('messages')
          .select('id')
          .where('app_id', '=', task.app_id)
          .where('created_at', '>=', params.since)
          .where('payload', 'is not', null);
        if (params.until !== null) messages = messages.where('created_at', '<', params.until);
        return messages;
      })
      .executeTakeFirst();
    const recovered = Number(result.numUpdatedRows);
    await trx
      .updateTable('background_tasks')
      .set({ data: JSON.stringify({ recovered }) })
      .where('id', '=', taskId)
      .execute();
    return recovered;
  });
}

/** Marks a running task failed, with the reason as its `data.error`. */
export async function failBackgroundTask(db: Kysely<Database>, taskId: string, reason: string, now = Date.now()): Promise<void> {
  await db
    .updateTable('background_tasks')
    .set({ status: 'failed', data: JSON.stringify({ error: reason }), updated_at: now })
    .where('id', '=', taskId)
    .where('status', '=', 'running')
    .execute();
}
