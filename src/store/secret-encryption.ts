import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ConfigError } from '../errors.js';
import { ENCRYPTED_PREFIX, SecretDecryptionError, type SecretCipher } from '../signing/secret-cipher.js';
import { sealSourceSecrets } from '../inbound/secret-fields.js';
import type { Database } from './schema.js';

/** The settings row whose value is CHECK_PLAINTEXT encrypted with the main key. */
const CHECK_SETTING = 'main_key_check';
const CHECK_PLAINTEXT = 'hookline main key check';

async function readCheckValue(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('name', '=', CHECK_SETTING).executeTakeFirst();
  return row?.value;
}

async function containsEncryptedSecrets(db: Kysely<Database>): Promise<boolean> {
  const pattern = `${ENCRYPTED_PREFIX}%`;
  const row = await db
    .selectFrom('endpoints')
    .select('id')
    .where((w) => w.or([w('secret', 'like', pattern), w('previous_secrets', 'like', pattern)]))
    .limit(1)
    .executeTakeFirst();
  if (row !== undefined) return true;
  // Inbound source configs keep their secrets as encrypted strings inside the JSON.
  const source = await db
    .selectFrom('ingest_sources')
    .select('id')
    .where('config', 'like', `%${ENCRYPTED_PREFIX}%`)
    .limit(1)
    .executeTakeFirst();
  return source !== undefined;
}

/** Encrypts inbound source secrets stored in clear; returns how many sources changed. */
async function encryptClearSourceSecrets(db: Kysely<Database>, cipher: SecretCipher): Promise<number> {
  const rows = await db.selectFrom('ingest_sources').select(['id', 'config']).execute();
  let changed = 0;
  for (const row of rows) {
    const config = JSON.stringify(sealSourceSecrets(JSON.parse(row.config) as Record<string, unknown>, cipher));
    if (config === row.config) continue;
    await db.updateTable('ingest_sources').set({ config }).where('id', '=', row.id).where('config', '=', row.config).execute();
    changed++;
  }
  return changed;
}

function assertCheckValue(cipher: SecretCipher, stored: string): void {
  let plain: string;
  try {
    plain = cipher.open(stored);
  } catch (error) {
    if (!(error instanceof SecretDecryptionError)) throw error;
    plain = '';
  }
  if (plain !== CHECK_PLAINTEXT) {
    throw new ConfigError(
      'HOOKLINE_MAIN_KEY is not the key this database\'s endpoint secrets were encrypted with. ' +
        'Start with the previous key.',
    );
  }
}

/**
 * Encrypts the secrets stored in clear, from before a main key was set. Returns how many
 * endpoints changed.
 */
// TODO: custom endpoint headers, which may carry credentials, are still stored in clear.

async function encryptClearSecrets(db: Kysely<Database>, cipher: SecretCipher): Promise<number> {
  const pattern = `${ENCRYPTED_PREFIX}%`;
  const rows = await db
    .selectFrom('endpoints')
    .select(['id', 'secret', 'previous_secrets'])
    .where((w) => w.or([w('secret', 'not like', pattern), w('previous_secrets', 'not like', pattern)]))
    .execute();
  for (const row of rows) {
    // The where clause on the old values makes a concurrent start of another process harmless.
    await db
      .updateTable('endpoints')
      .set({ secret: cipher.seal(cipher.open(row.secret)), previous_secrets: cipher.seal(cipher.open(row.previous_secrets)) })
      .where('id', '=', row.id)
      .where('secret', '=', row.secret)
      .where('previous_secrets', '=', row.previous_secrets)
      .execute();
  }
  return rows.length;
}

/**
 * Checks at start that the main key fits the database. Without a key, a database that contains
 * encrypted secrets is rejected. With one, the stored check value must decrypt. On first use
 * the check value is written and secrets stored in clear are encrypted.
 */
export async function prepareSecretEncryption(db: Kysely<Database>, cipher: SecretCipher, logger: Logger): Promise<void> {
  const checkValue = await readCheckValue(db);
  if (!cipher.enabled) {
    if (checkValue !== undefined || (await containsEncryptedSecrets(db))) {
      throw new ConfigError(
        'The database contains encrypted endpoint secrets but HOOKLINE_MAIN_KEY is not set. Set it to the key used before.',
      );
    }
    logger.warn('HOOKLINE_MAIN_KEY is not set, so endpoint secrets are stored in clear');
    return;
  }

  if (checkValue === undefined) {
    await db
      .insertInto('settings')
      .values({ name: CHECK_SETTING, value: cipher.seal(CHECK_PLAINTEXT), updated_at: Date.now() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
  // Read again: another process may have written its check value first.
  assertCheckValue(cipher, (await readCheckValue(db))!);

  const encrypted = await encryptClearSecrets(db, cipher);
  if (encrypted > 0) logger.info({ endpoints: encrypted }, 'encrypted endpoint secrets stored in clear');
  const sources = await encryptClearSourceSecrets(db, cipher);
  if (sources > 0) logger.info({ sources }, 'encrypted inbound source secrets stored in clear');
}
