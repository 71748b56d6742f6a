import type { Kysely } from 'kysely';
import { NotFoundError } from '../errors.js';
import type { Database } from './schema.js';

/**
 * Removes a message's payload and keeps its metadata. Later reads show an empty payload, and
 * deliveries still pending send `{}` (see claimDueDeliveries).
 */
export async function expungeMessagePayload(db: Kysely<Database>, messageId: string): Promise<void> {
  await db.updateTable('messages').set({ payload: null }).where('id', '=', messageId).execute();
}

/** Removes the response body stored with one attempt; its status code and timing stay. */
export async function expungeAttemptResponse(
  db: Kysely<Database>,
  appId: string,
  messageId: string,
  attemptId: string,
): Promise<void> {
  const result = await db
    .updateTable('attempts')
    .set({ response: '' })
    .where('app_id', '=', appId)
    .where('message_id', '=', messageId)
    .where('id', '=', attemptId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('message attempt', attemptId);
}

/** Removes every payload whose retention ended at or before `now`; returns how many. */
export async function expireMessagePayloads(db: Kysely<Database>, now = Date.now()): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ payload: null })
    .where('payload_expires_at', '<=', now)
    .where('payload', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
