import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Store } from './database.js';
import { newId } from '../ids.js';
import type { Database } from './schema.js';

const TOKEN_LOCK_ID = 7_041_226_312;

/** The name of the token row that mirrors HOOKLINE_ADMIN_TOKEN. */
const ENV_TOKEN_NAME = 'HOOKLINE_ADMIN_TOKEN';
const GENERATED_TOKEN_NAME = 'generated at first start';

/** Tokens are stored as SHA-256 digests: they are long and random, so no salt is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return `hl_${randomBytes(32).toString('base64url')}`;
}

export async function findTokenId(db: Kysely<Database>, token: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select('id')
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  return row?.id;
}

export async function insertToken(db: Kysely<Database>, token: string, name: string): Promise<string> {
  const id = newId('tok');
  await db
    .insertInto('api_tokens')
    .values({ id, token_hash: hashToken(token), name, created_at: Date.now() })
    .execute();
  return id;
}

/**
 * Makes the stored admin tokens match the environment. With HOOKLINE_ADMIN_TOKEN set, its
 * digest replaces any earlier value of that variable and any generated token, so setting the
 * variable is how a leaked generated token is revoked. Without it, a database with no tokens
 * gets a generated one, which is returned so the caller can print it once.
 */
export async function ensureAdminToken(
  store: Pick<Store, 'db' | 'engine'>,
  envToken: string | undefined,
): Promise<{ generated: string | null }> {
  return store.db.transaction().execute(async (trx) => {
    // Processes starting together must not each generate a token or replace each other's.
    if (store.engine === 'postgres') await sql`select pg_advisory_xact_lock(${TOKEN_LOCK_ID})`.execute(trx);

    if (envToken !== undefined) {
      await trx
        .deleteFrom('api_tokens')
        .where('name', 'in', [ENV_TOKEN_NAME, GENERATED_TOKEN_NAME])
        .where('token_hash', '!=', hashToken(envToken))
        .execute();
      if (!(await findTokenId(trx, envToken))) await insertToken(trx, envToken, ENV_TOKEN_NAME);
      return { generated: null };
    }

    const existing = await trx.selectFrom('api_tokens').select('id').limit(1).executeTakeFirst();
    if (existing) return { generated: null };
    const token = generateToken();
    await insertToken(trx, token, GENERATED_TOKEN_NAME);
    return { generated: token };
  });
}
