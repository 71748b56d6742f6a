import { OPERATIONAL_APP_ID } from '../store/applications.js';
import type { Store } from '../store/database.js';
import type { SecretCipher } from '../signing/secret-cipher.js';
import { generateSecret, normalizeSecret } from '../signing/standard-webhooks.js';
import { sql } from 'kysely';

/** Advisory lock taken while setting up the internal application on PostgreSQL. */
const OPERATIONAL_LOCK_ID = 7_041_226_313;

export { OPERATIONAL_APP_ID };

/** Fixed id of the internal endpoint; like the application's, no `newId` result can equal it. */
export const OPERATIONAL_ENDPOINT_ID = 'ep_hookline_operational';

/**
 * Creates the internal application and endpoint, or points them at the configured URL. The
 * secret is HOOKLINE_OPERATIONAL_WEBHOOK_SECRET when set. Without it the stored secret is kept,
 * and on first start a new one is generated and returned, so the caller can show it once.
 */
export async function ensureOperationalEndpoint(
  store: Store,
  url: string,
  configuredSecret: string | undefined,
  cipher: SecretCipher,
): Promise<{ generatedSecret: string | null }> {
  return store.db.transaction().execute(async (db) => {
    // Processes starting together must not each generate a different secret.
    if (store.engine === 'postgres') await sql`select pg_advisory_xact_lock(${OPERATIONAL_LOCK_ID})`.execute(db);
    const now = Date.now();
    await db
      .insertInto('applications')
      .values({
        id: OPERATIONAL_APP_ID,
        uid: null,
        name: 'Hookline operational webhooks',
        rate_limit: null,
        throttle_rate: null,
        metadata: '{}',
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();

    const existing = await db
      .selectFrom('endpoints')
      .select('secret')
      .where('id', '=', OPERATIONAL_ENDPOINT_ID)
      .executeTakeFirst();
    const generated = configuredSecret === undefined && existing === undefined ? generateSecret() : null;
    const plain =
      configuredSecret !== undefined
        ? normalizeSecret(configuredSecret)
        : existing
          ? cipher.open(existing.secret)
          : generated!;
    // Stored like every endpoint secret: encrypted when a main key is set.
    const secret = cipher.seal(plain);

    if (existing) {
      await db
        .updateTable('endpoints')
        .set({ url, secret, disabled: 0, disabled_reason: null, updated_at: now })
        .where('id', '=', OPERATIONAL_ENDPOINT_ID)
        .execute();
    } else {
      await db
        .insertInto('endpoints')
        .values({
          id: OPERATIONAL_ENDPOINT_ID,
          app_id: OPERATIONAL_APP_ID,
          uid: null,
          url,
          description: 'HOOKLINE_OPERATIONAL_WEBHOOK_URL',
          version: 1,
          disabled: 0,
          disabled_reason: null,
          filter_types: null,
          channels: null,
          secret,
          previous_secrets: cipher.seal('[]'),
          rate_limit: null,
          throttle_rate: null,
          metadata: '{}',
          headers: '{}',
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    return { generatedSecret: generated };
  });
}
