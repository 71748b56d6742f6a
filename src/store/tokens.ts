import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Store } from './database.js';
import { newId } from '../ids.js';
import type { Database } from './schema.js';
import { LookupCache } from './lookup-cache.js';

const TOKEN_LOCK_ID = 7_041_226_312;

/** The name of the token row that mirrors HOOKLINE_ADMIN_TOKEN. */
const ENV_TOKEN_NAME = 'HOOKLINE_ADMIN_TOKEN';
const GENERATED_TOKEN_NAME = 'generated at first start';
/** Names that `ensureAdminToken` manages; a token created under one could be deleted at start. */
export const RESERVED_TOKEN_NAMES: readonly string[] = [ENV_TOKEN_NAME, GENERATED_TOKEN_NAME];

/** Tokens are stored as SHA-256 digests: they are long and random, so no salt is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(prefix = 'hl_'): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export async function findTokenId(db: Kysely<Database>, token: string): Promise<string | undefined> {
  return (await findToken(db, token))?.id;
}

/** The reach of a token: everything, or one application for an app portal token. */
export interface TokenScope {
  id: string;
  appId: string | null;
  readOnly: boolean;
}

/** Looks up a token by its digest, ignoring expired ones. */
export async function findToken(
  db: Kysely<Database>,
  token: string,
  now = Date.now(),
): Promise<TokenScope | undefined> {
  const row = await readToken(db, hashToken(token), now);
  return row && { id: row.id, appId: row.appId, readOnly: row.readOnly };
}

type StoredToken = TokenScope & { expiresAt: number | null };

function readToken(db: Kysely<Database>, tokenHash: string, now: number): Promise<StoredToken | undefined> {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'app_id', 'read_only', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst()
    .then((row) => row && { id: row.id, appId: row.app_id, readOnly: row.read_only === 1, expiresAt: row.expires_at === null ? null : Number(row.expires_at) });
}

const tokenLookups = new LookupCache<StoredToken>();

/**
 * Looks up the token of an API request like findToken, reusing a recent read (see
 * LookupCache). A token past its expiry is refused even when its read is reused.
 */
export async function findRequestToken(db: Kysely<Database>, token: string, now = Date.now()): Promise<TokenScope | undefined> {
  const tokenHash = hashToken(token);
  const row = await tokenLookups.get(db, tokenHash, () => readToken(db, tokenHash, now), now);
  if (!row || (row.expiresAt !== null && row.expiresAt <= now)) return undefined;
  return { id: row.id, appId: row.appId, readOnly: row.readOnly };
}

export interface TokenOptions {
  appId?: string;
  expiresAt?: number;
  readOnly?: boolean;
}

export async function insertToken(
  db: Kysely<Database>,
  token: string,
  name: string,
  options: TokenOptions = {},
): Promise<string> {
  const id = newId('tok');
  await db
    .insertInto('api_tokens')
    .values({
      id,
      token_hash: hashToken(token),
      name,
      app_id: options.appId ?? null,
      expires_at: options.expiresAt ?? null,
      read_only: options.readOnly ? 1 : 0,
      created_at: Date.now(),
    })
    .execute();
  return id;
}

export async function deleteToken(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('api_tokens').where('id', '=', id).execute();
  tokenLookups.invalidate();
}

/** Deletes tokens past their expiry; they are already rejected, so this only reclaims rows. */
export async function purgeExpiredTokens(db: Kysely<Database>, now = Date.now()): Promise<number> {
  const result = await db.deleteFrom('api_tokens').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
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
  // The admin token may have been replaced, so no earlier read of it may be reused.
  tokenLookups.invalidate();
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

    // App portal tokens reach one application only, so they do not count as admin tokens.
    const existing = await trx
      .selectFrom('api_tokens')
      .select('id')
      .where('app_id', 'is', null)
      .limit(1)
      .executeTakeFirst();
    if (existing) return { generated: null };
    const token = generateToken();
    await insertToken(trx, token, GENERATED_TOKEN_NAME);
    return { generated: token };
  });
}
